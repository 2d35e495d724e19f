// Columnar mapping of long observation sources: the rows go to DuckDB as raw cells, and the
// mapping is evaluated once per distinct value instead of once per row (docs/decisions.md §10).
//
// Rows of a long table repeat the same few values (variable names, units, code texts, results
// such as "98.6"); only time stamps and patient ids vary freely. So a source's referenced cells
// reach DuckDB (read from the CSV by DuckDB itself when it reads it as we do, else written row by
// row to a raw file by our reader), and
//   - each distinct patient id and each distinct time stamp (per time field) is evaluated once,
//     by the same evalField the row path uses; so is each distinct pair of an hours-between field;
//   - each distinct tuple of the other cells is mapped once by mapSource itself, with the time and
//     patient fields answered by markers (the `defer` hook): that gives the records of every row
//     with that tuple (variable, canonical value, unit, raw value…); melted columns of time-stamped
//     wide rows are tuples of their own, one per melt item;
//   - DuckDB joins rows to those answers, attaches cycles (the grid's windows) and writes the
//     records with their order (row, place in the row) for the commit.
// Equal by construction to the row path for every row it keeps: the values come from the same
// functions on the same inputs. A row leaves the columnar path, and is mapped by mapSource exactly
// as before, whenever anything about it is not plain: a parse or shape problem, a patient id or
// time stamp its maps need that does not evaluate, a tuple whose records have problems or fail the
// fast check, a row an earlier-phase map takes. (Checks are separable: the observation schema's
// checks read the tuple's fields, or one field.) Counts are the row path's: a second mapSource pass
// over the tuples weights each by its rows. IL2KIT_DEBUG_COLUMNAR=1 prints each step's time.
import { closeSync, mkdtempSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { TABLES, describeFields, type TableName } from '../../schemas/index.js';
import { Instant } from '../../schemas/fields.js';
import { createDuckDB } from '../store/engine.js';
import type { SourceData, SourceRow } from '../read/source.js';
import { evalField, type Eval, type EvalContext } from './expr.js';
import { patientKey } from './pseudonymise.js';
import { fieldObject } from './spec-load.js';
import { recordBuilder, type RecordBuilder } from './record-builder.js';
import { mapSource, type Candidate, type MapContext, type SourceCounts } from './records.js';
import type { FieldMapObject, SourceSpec, TableMap } from '../../schemas/mapping-spec.js';
import type { ColumnarPlan } from './columnar-plan.js';
import type { UnresolvedReferences } from './references.js';
import { DirectCsvRefused, NULL_MARK, decodeTagged, directCsvSql, ownCsvSql, sqlText, type DirectCsv, type RawCells } from './columnar-input.js';
import { JsonCellsRefused, decodeJsonCell, jsonCellsTableSql, type JsonCells } from './json-cells.js';
import { loadRefTargets, unresolvedInDuckDb } from './json-refs.js';

export * from './columnar-plan.js';
export { DirectCsvRefused, RawWriter, directCsvAllowed, type DirectCsv, type RawCells } from './columnar-input.js';
import type { CycleInfo } from './slots.js';

const TABLE: TableName = 'observation';
/** A column of the store's observation table, as the columnar path writes it. */
export interface StoreColumn {
  name: string;
  type: string;
}
/**
 * What the columnar path needs from the later layers, handed in by the ingest (pipelines/ingest/columnar-staging.ts):
 * the map makes and checks records, the validate and store layers say how a record is checked and stored.
 */
export interface ColumnarStaging {
  /** The observation table's fast validity check (true: valid without zod; null: zod decides). */
  check: ((values: Record<string, unknown>) => boolean) | null;
  /** The observation table's store columns, in order. */
  columns: StoreColumn[];
  /** SELECT reading the row path's staging file: the table's columns, then __r (row) and __s (place in the row). */
  readRowPath: (path: string) => string;
}
/** Columns a record gets from the row, not from its tuple. */
const ROW_COLUMNS = new Set([
  'centre_id',
  'patient_key',
  'cycle_id',
  'observed_at',
  'source_file',
  'source_sha256',
  'source_row',
  'source_pointer',
  'spec_id',
  'spec_version',
]);
const PID_MARK = '\u0000patient';
const TIME_MARK = '\u0000time:';
/** Marker "epoch ms" of time field k: far outside any real instant. */
const msMark = (k: number) => -1e15 - k;

/** What the columnar path did, summed over runs (for tests that must cover each way in). */
export const columnarStats = { rawFile: 0, directCsv: 0, refusedCsv: 0, jsonCells: 0, refusedJson: 0, plainRows: 0, rowPathRows: 0, overlappingWindows: 0 };

export interface ColumnarResult {
  /** The row path's counts of the plain rows, for these table maps (as mapSource(…, produce, countUnused) over them). */
  counts: (produce: Set<TableMap>, countUnused: boolean) => Promise<SourceCounts>;
  /** Rows the columnar path does not take, in row order: map them with mapSource as usual. */
  fallback: SourceRow[];
  /** Records made by the columnar path (in `finish`): count toward the table's `read`. */
  records: number;
  /** Writes the records (columnar and the row path's, merged in row order) to a Parquet file in the store's column types. */
  write: (cycles: Map<string, CycleInfo[]>, rowPathRecords: string | null, out: string) => Promise<void>;
  close: () => void;
}


/** An in-memory DuckDB of the columnar path's own (UTC, insertion order kept, spilling to the ingest's work folder). */
export interface ColumnarDb {
  conn: DuckDBConnection;
  close: () => void;
}

export async function openColumnarDb(work: string): Promise<ColumnarDb> {
  // A spill folder of its own: several of these databases can be open at once (sources loaded ahead of their turn).
  const { conn, close } = await createDuckDB(':memory:', { threads: 2, spillDir: mkdtempSync(join(work, 'columnar-tmp-')) });
  try {
    await conn.run('SET preserve_insertion_order = true');
  } catch (e) {
    close();
    throw e;
  }
  return { conn, close };
}

/**
 * Table `raw` from an NDJSON file read by DuckDB itself (map/json-cells.ts). JsonCellsRefused when
 * DuckDB would read it otherwise than our reader: the caller then reads it with ours.
 */
export async function loadJsonCells(conn: DuckDBConnection, raw: JsonCells): Promise<void> {
  let why: string | null = null;
  try {
    const [table, view] = jsonCellsTableSql('raw', raw);
    await conn.run(table!);
    // A source with references: the exported resources they may name, joined by the view (map/json-refs.ts).
    if (raw.plan.refs) await loadRefTargets(conn, 'raw', raw.plan, raw.targets ?? []);
    await conn.run(view!);
    const [rows, flagged] = (await conn.runAndReadAll('SELECT count(*), count(*) FILTER (__odd) FROM raw')).getRows()[0] as [bigint, bigint];
    if (Number(rows) !== raw.lines) why = `DuckDB read ${rows} records from ${raw.lines} lines (a blank line?)`;
    else if (Number(flagged) > 0) why = `${flagged} lines hold values DuckDB may read differently`;
    else if (raw.plan.refs) raw.unresolved = await unresolvedInDuckDb(conn, 'raw', raw.plan, raw.srcId ?? '');
  } catch (e) {
    why = (e as Error).message;
  }
  if (why !== null) {
    columnarStats.refusedJson++;
    throw new JsonCellsRefused(why);
  }
  columnarStats.jsonCells++;
}

/** Table raw from a CSV DuckDB reads itself (columnar-input.ts); DirectCsvRefused when it will not read it as our parser does. */
export async function loadDirectCsv(conn: DuckDBConnection, src: SourceSpec, raw: DirectCsv, paths: string[]): Promise<void> {
  try {
    for (const q of directCsvSql(src, raw, paths)) await conn.run(q);
    columnarStats.directCsv++;
  } catch (e) {
    columnarStats.refusedCsv++;
    throw new DirectCsvRefused((e as Error).message);
  }
}

/** The state one columnar run's steps share: its database, work folder, source, plan and the helpers over them. */
interface ColumnarRun {
  conn: DuckDBConnection;
  work: string;
  src: SourceSpec;
  plan: ColumnarPlan;
  paths: string[];
  ctx: MapContext;
  data: Omit<SourceData, 'rows'>;
  /** How table raw was read: our raw file, DuckDB's NDJSON cells, or DuckDB's CSV. */
  rawKind: (RawCells | DirectCsv | JsonCells)['kind'];
  evalCtx: EvalContext;
  /** A raw cell's value as the row path would see it. */
  decode: (s: string | null) => unknown;
  /** Column name of path i in table raw. */
  c: (i: number) => string;
  /** A source row made of some raw columns' values. */
  synth: (cols: number[], vals: (string | null)[], row?: number) => SourceRow;
  /** A dictionary: distinct tuples of some columns, answered once each by JS; returns the join of each row to its answers. */
  dict: (name: string, cols: number[], answer: (row: SourceRow) => (string | number | null)[], types: string[]) => Promise<(alias: string) => string>;
  laps: Record<string, number>;
  /** Records the time since the last lap under `k`. */
  lap: (k: string) => void;
  /** Starts timing afresh (the write step runs later). */
  restart: () => void;
  /** Rows of patients outside the cohort (left out of rows1). */
  outside: number;
  /** Of those, the rows our reader never wrote to the raw file. */
  rawOutside?: number;
  /** References our reader followed as it wrote the raw file, with those naming nothing (the row path's counts). */
  unresolved?: UnresolvedReferences;
}

/** Runs the columnar path on a written raw file (see the module comment). */
export async function mapColumnar(
  plan: ColumnarPlan,
  raw: RawCells | ((DirectCsv | JsonCells) & { loaded?: ColumnarDb }),
  data: Omit<SourceData, 'rows'>,
  ctx: MapContext,
  ingestWork: string,
  staging: ColumnarStaging,
): Promise<ColumnarResult> {
  const { src } = plan;
  // This source's mapping files (answers, tuples, cycle windows) in a folder of their own: they never meet another source's.
  const work = mkdtempSync(join(ingestWork, `columnar-${src.id.replace(/[^\w-]/g, '_')}-`));
  // Table raw may have been loaded already (an NDJSON or CSV file DuckDB reads itself), while the main thread mapped other sources.
  const loaded = raw.kind !== 'raw' ? raw.loaded : undefined;
  const { conn, close } = loaded ?? (await openColumnarDb(work));
  try {
    const run = columnarRun(conn, work, plan, raw, data, ctx);
    await loadRaw(run, raw, loaded !== undefined);
    // References DuckDB resolved (map/json-refs.ts), counted once the file was accepted.
    if (raw.kind === 'json' && raw.unresolved) run.unresolved = raw.unresolved;
    run.lap('load_raw');
    const joins = await keyAndTimeJoins(run);
    const tuples = await tupleUnits(run, joins);
    const { tplCols, defer } = await passOne(run, tuples, staging);
    const plainRows = await markPlainRows(run, tuples, tplCols);
    const counts = rowCounts(run, tuples, plainRows, defer);
    run.lap('pass2');
    const records = await recordsView(run, tuples.units, tplCols, plainRows, raw);
    const merged = await fallbackRows(run, raw, plainRows);
    return { counts, fallback: merged, records, write: writer(run, staging, merged.length), close };
  } catch (e) {
    close();
    throw e;
  }
}

/** The run's shared state and helpers (see ColumnarRun). */
function columnarRun(
  conn: DuckDBConnection,
  work: string,
  plan: ColumnarPlan,
  raw: RawCells | DirectCsv | JsonCells,
  data: Omit<SourceData, 'rows'>,
  ctx: MapContext,
): ColumnarRun {
  const { src, paths } = plan;
  const laps: Record<string, number> = {};
  let mark = performance.now();
  const lap = (k: string) => {
    const now = performance.now();
    laps[k] = Math.round(now - mark);
    mark = now;
  };
  const c = (i: number) => `c${i}`;
  // Cells of a raw file are tagged (encode); cells DuckDB read from NDJSON are their JSON text; cells DuckDB read from a CSV are the source's text.
  const decode = raw.kind === 'raw' ? decodeTagged : raw.kind === 'json' ? decodeJsonCell : (s: string | null) => s;
  const evalCtx: EvalContext = {
    decimal: src.decimal,
    dateFormat: src.date_format ?? ctx.spec.date_format,
    timeZone: src.time_zone ?? ctx.spec.centre.time_zone,
    unmapped: new Map(),
    fieldName: '',
    routing: false,
  };
  const synth = (cols: number[], vals: (string | null)[], row = 0): SourceRow => {
    const values: Record<string, unknown> = {};
    cols.forEach((ci, j) => {
      if (ci < paths.length) values[paths[ci]!] = decode(vals[j]!);
      else values[DERIVED_MARK + (ci - paths.length)] = JSON.parse(vals[j]!) as unknown;
    });
    return { row, pointer: null, values };
  };

  // A dictionary: distinct tuples of some columns, numbered; JS answers each; DuckDB joins back
  // (`join(alias)`: the answers a0, a1… of each row of raw r, under alias).
  const dict = async (name: string, cols: number[], answer: (row: SourceRow) => (string | number | null)[], types: string[]) => {
    const sel = cols.length ? cols.map(c).join(', ') : '1 AS __one';
    await conn.run(`CREATE TABLE ${name}_d AS SELECT row_number() OVER () - 1 AS id, * FROM (SELECT DISTINCT ${sel} FROM raw)`);
    const got = await conn.runAndReadAll(`SELECT ${cols.length ? cols.map(c).join(', ') : '__one'} FROM ${name}_d ORDER BY id`);
    const out = new TextSink(join(work, `${name}.answers.csv`));
    (got.getRows() as (string | null)[][]).forEach((vals, id) => {
      const a = answer(synth(cols, cols.length ? vals : []));
      out.write(id + ',' + a.map((x) => (x === null ? NULL_MARK : typeof x === 'number' ? String(x) : `"${x.replace(/"/g, '""')}"`)).join(',') + '\n');
    });
    out.close();
    await conn.run(
      `CREATE TABLE ${name}_a AS SELECT * FROM ${ownCsvSql(out.path, [['id', 'BIGINT'], ...types.map((t, i): [string, string] => [`a${i}`, t])])}`,
    );
    return (alias: string) => {
      const on = cols.length ? cols.map((x) => `r.${c(x)} IS NOT DISTINCT FROM ${alias}_d.${c(x)}`).join(' AND ') : 'true';
      return `JOIN ${name}_d ${alias}_d ON ${on} JOIN ${name}_a ${alias} ON ${alias}.id = ${alias}_d.id`;
    };
  };

  const restart = () => (mark = performance.now());
  const rawOutside = raw.kind === 'raw' ? (raw.outside ?? 0) : 0;
  const unresolved = raw.kind === 'raw' ? raw.unresolved : undefined;
  const counted = { outside: 0, rawOutside, unresolved };
  return { conn, work, src, plan, paths, ctx, data, rawKind: raw.kind, evalCtx, decode, c, synth, dict, laps, lap, restart, ...counted };
}

/** Table raw: the written raw file, or the NDJSON or CSV file DuckDB reads itself (unless loaded ahead). */
async function loadRaw(run: ColumnarRun, raw: RawCells | DirectCsv | JsonCells, loaded: boolean): Promise<void> {
  const { conn, src, paths, c } = run;
  if (loaded) {
    // Table raw was loaded (and checked) ahead, by loadJsonCells or loadDirectCsv.
  } else if (raw.kind === 'raw') {
    columnarStats.rawFile++;
    await conn.run(
      `CREATE TABLE raw AS SELECT * FROM ` +
        `${ownCsvSql(raw.files, [['__row', 'BIGINT'], ['__ptr', 'VARCHAR'], ...paths.map((_, i): [string, string] => [c(i), 'VARCHAR'])], true)}`,
    );
  } else if (raw.kind === 'json') {
    await loadJsonCells(conn, raw);
  } else {
    await loadDirectCsv(conn, src, raw, paths);
  }
}

/** Patient ids → keys, time stamps → instants, and hours-between fields, each distinct input evaluated once. */
async function keyAndTimeJoins(run: ColumnarRun): Promise<{ patJoin: (alias: string) => string; timeJoins: string[]; timeCols: string[] }> {
  const { conn, src, plan, paths, ctx, evalCtx, c, dict, lap } = run;
  // Patient ids → keys (as keyOf in records.ts).
  const pfm = fieldObject(src.patient_id);
  const patJoin = await dict(
    'pat',
    plan.patientCols,
    (row) => {
      evalCtx.fieldName = `${src.id}.patient_id`;
      const r = evalField(pfm, row, evalCtx);
      if (!r.ok || r.value === null || r.value === undefined || r.value === '') return [null];
      const k = patientKey(ctx.key, ctx.spec.centre.centre_id, String(r.value));
      // A patient outside the cohort: no key of theirs is written, only the mark (rows1 leaves their rows out).
      return [ctx.cohort && !ctx.cohort.has(k) ? OUTSIDE_MARK : k];
    },
    ['VARCHAR'],
  );
  lap('patients');
  // Time stamps → ISO instant and epoch ms, per time field.
  const timeJoins: string[] = [];
  const timeCols: string[] = [];
  for (let k = 0; k < plan.times.length; k++) {
    const t = plan.times[k]!;
    const join = await dict(
      `t${k}`,
      t.cols,
      (row) => {
        evalCtx.fieldName = t.label;
        const r = evalField(t.fm, row, evalCtx);
        // A reduced-precision date (observed_precision other than minute) takes the row path, which records its precision.
        if (!r.ok || typeof r.value !== 'string' || r.ms === undefined || r.precision !== undefined || !Instant.safeParse(r.value).success) return [null, null];
        return [r.value, r.ms];
      },
      ['VARCHAR', 'BIGINT'],
    );
    timeJoins.push(join(`a${k}`));
    timeCols.push(`a${k}.a0 AS iso${k}, a${k}.a1 AS ms${k}`);
  }
  // Derived fields: each distinct input evaluated once; its result (the whole Eval, as JSON) becomes a column of raw.
  if (plan.derived.length > 0) {
    const sel: string[] = [];
    const js: string[] = [];
    for (let k = 0; k < plan.derived.length; k++) {
      const t = plan.derived[k]!;
      const join = await dict(
        `h${k}`,
        t.cols,
        (row) => {
          evalCtx.fieldName = t.label;
          // A successful result's raw text (the two time stamps) is never read for these fields (the plan leaves
          // value, rate and volume out), and left in it would make every row's tuple distinct.
          const r = evalField(t.fm, row, evalCtx);
          return [JSON.stringify(r.ok ? { ...r, raw: null } : r)];
        },
        ['VARCHAR'],
      );
      js.push(join(`ha${k}`));
      sel.push(`ha${k}.a0 AS ${c(paths.length + k)}`);
    }
    // A view over the raw cells, not a copy of them with the new columns (harbour: 0.9 s).
    await conn.run(run.rawKind === 'raw' ? 'ALTER TABLE raw RENAME TO raw0' : 'ALTER VIEW raw RENAME TO raw0');
    await conn.run(`CREATE VIEW raw AS SELECT r.*, ${sel.join(', ')} FROM raw0 r ${js.join(' ')}`);
  }
  lap('times');
  return { patJoin, timeJoins, timeCols };
}

interface Tuples {
  units: Unit[];
  meltTms: number[];
  rowSrc: SourceSpec;
}

/** The units mapped once per distinct tuple (the row, and each split melt item), and view rows1 joining rows to them. */
async function tupleUnits(run: ColumnarRun, joins: Awaited<ReturnType<typeof keyAndTimeJoins>>): Promise<Tuples> {
  const { conn, src, plan, ctx, c, lap } = run;
  const { patJoin, timeJoins, timeCols } = joins;
  // Units mapped once per distinct tuple: the row (skip, when, fields; index 0) and each split melt item (1…).
  const meltTms = [...new Set(plan.melts.map((m) => m.tm))];
  const rowSrc: SourceSpec = {
    ...src,
    tables: src.tables.map((tm, i) => (meltTms.includes(i) ? { ...tm, melt: [{ variable: MELT_MARK + i, value: { value: 1 } }] } : tm)),
  };
  const units: Unit[] = [
    { name: 'u0', src: rowSrc, produce: new Set(rowSrc.tables.filter((_, i) => plan.produce.has(src.tables[i]!))), cols: plan.tupleCols },
    ...plan.melts.map((m, k) => {
      const tm = src.tables[m.tm]!;
      const one = { ...tm, when: undefined, melt: [tm.melt![m.item]!] };
      return { name: `u${k + 1}`, src: { ...src, skip: undefined, tables: [one] }, produce: new Set([one]), cols: m.cols, tm: m.tm, item: m.item };
    }),
  ];
  const selOf = (cols: number[]) => (cols.length ? cols.map(c).join(', ') : '1 AS __one');
  const onOf = (cols: number[], alias: string) => (cols.length ? cols.map((x) => `r.${c(x)} IS NOT DISTINCT FROM ${alias}.${c(x)}`).join(' AND ') : 'true');
  for (const u of units)
    await conn.run(`CREATE TABLE ${u.name}_d AS SELECT row_number() OVER () - 1 AS id, * FROM (SELECT DISTINCT ${selOf(u.cols)} FROM raw)`);
  await conn.run(`CREATE VIEW rows1 AS SELECT r.__row, r.__ptr, pa.a0 AS patient_key, ${timeCols.length ? timeCols.join(', ') + ',' : ''} ` +
    `${units.map((u) => `${u.name}.id AS ${u.name}`).join(', ')}
    FROM raw r ${patJoin('pa')} ${timeJoins.join(' ')} ${units.map((u) => `JOIN ${u.name}_d ${u.name} ON ${onOf(u.cols, u.name)}`).join(' ')}
    ${ctx.cohort ? `WHERE pa.a0 IS DISTINCT FROM '${OUTSIDE_MARK}'` : ''}`);
  // Rows of patients outside the cohort (map/cohort.ts): counted, and in no later table.
  const outsideSql = `SELECT count(*) FROM raw r ${patJoin('pa')} WHERE pa.a0 = '${OUTSIDE_MARK}'`;
  // Plus those our reader left out of the raw file (never written: map/cohort.ts CohortFilter).
  run.outside = ctx.cohort ? Number((await conn.runAndReadAll(outsideSql)).getRows()[0]![0]) + (run.rawOutside ?? 0) : 0;
  lap('rows1_tuples');

  return { units, meltTms, rowSrc };
}

/** Pass 1: each unit's records per tuple (written for DuckDB), and which tuples are bad; returns the template columns. */
async function passOne(run: ColumnarRun, tuples: Tuples, staging: ColumnarStaging): Promise<{ tplCols: StoreColumn[]; defer: EvalContext['defer'] }> {
  const { conn, work, src, plan, ctx, data, c, synth, lap } = run;
  const { units } = tuples;
  // Pass 1: each unit's records per tuple, with markers for the patient key, time stamps and split melts.
  const patientLabel = `${src.id}.patient_id`;
  // What each tuple's evaluation asked for (bit 0: the patient key, bit k+1: time field k): a row is
  // plain only if those evaluate for it (a row no table map takes needs neither).
  let current: Uint8Array = new Uint8Array(0);
  let needs: Uint32Array = new Uint32Array(0);
  // A field map's place in plan.times / plan.derived, found once per field map object (not per tuple).
  const timeIndex = new WeakMap<FieldMapObject, number>();
  const derivedIndex = new WeakMap<FieldMapObject, number>();
  const defer = (fm: FieldMapObject, row: SourceRow, e: EvalContext): Eval | undefined => {
    if (e.fieldName === patientLabel) {
      needs[row.row] = needs[row.row]! | 1;
      return { ok: true, value: PID_MARK, raw: PID_MARK };
    }
    if (fm.hours_between && plan.derivedLabels.has(e.fieldName)) {
      const h = indexOfField(plan.derived, fm, derivedIndex);
      const got = h < 0 ? undefined : (row.values[DERIVED_MARK + h] as Eval | undefined);
      if (got === undefined) current[row.row] = 1;
      return got;
    }
    if (fm.date === undefined || fm.hours_between || !plan.timeLabels.has(e.fieldName)) return undefined;
    const k = indexOfField(plan.times, fm, timeIndex);
    if (k < 0) {
      current[row.row] = 1;
      return undefined;
    }
    needs[row.row] = needs[row.row]! | (1 << (k + 1));
    return { ok: true, value: TIME_MARK + k, raw: TIME_MARK + k, ms: msMark(k) };
  };
  const meltNeeds = new Map<number, number>();
  const fakeKey = patientKey(ctx.key, ctx.spec.centre.centre_id, PID_MARK);
  // The tuples stand for rows of cohort patients only (rows1): no cohort test on them (their patient is a marker).
  // References were followed when the raw cells were written: the tuples carry the `@name…` cells.
  const scratch: MapContext = { ...ctx, unmapped: new Map(), cohort: null, references: null };
  const check = staging.check;
  const build = recordBuilder(describeFields(TABLES[TABLE].schema));
  const cols = staging.columns;
  const tplCols = cols.filter((x) => !ROW_COLUMNS.has(x.name));
  const recFile = join(work, 'unit-records.csv');
  const recOut = new TextSink(recFile);
  const badFile = join(work, 'unit-bad.csv');
  const badOut = new TextSink(badFile);
  // Melt items first: a row taking a split melt needs what any of its items' evaluations needed.
  for (const ui of [...units.keys()].slice(1).concat(0)) {
    const u = units[ui]!;
    const got = (await conn.runAndReadAll(`SELECT ${u.cols.length ? u.cols.map(c).join(', ') : '__one'} FROM ${u.name}_d ORDER BY id`)).getRows() as (
      string | null
    )[][];
    // A tuple's candidates name it by row number, or by pointer for NDJSON (where.row is null there).
    u.tuples = got.map((r, id) => ({ ...synth(u.cols, u.cols.length ? r : [], id), pointer: String(id) }));
    const bad = (u.bad = current = new Uint8Array(u.tuples.length));
    needs = u.needs = new Uint32Array(u.tuples.length);
    const unused = (u.unused = new Uint8Array(u.tuples.length));
    const pass1 = mapSource(u.src, { ...data, rows: u.tuples }, scratch, u.produce, true, {
      defer,
      onRow: (i, taken, skipped) => (unused[i] = !taken && !skipped ? 1 : 0),
    });
    const sub = new Int32Array(u.tuples.length);
    const lines: string[] = [];
    for (const cand of pass1.candidates) {
      const id = cand.where.row ?? Number(cand.where.pointer);
      if (bad[id]) continue;
      const marker = ui === 0 ? meltMarker(cand) : -1;
      if (marker >= 0) {
        needs[id] = needs[id]! | (meltNeeds.get(marker) ?? 0);
        lines[id] = (lines[id] ?? '') + `${ui},${id},${sub[id]!++},${marker},\\N,\\N${',\\N'.repeat(tplCols.length)}\n`;
        continue;
      }
      const rec = templateRecord(cand, fakeKey, build);
      if (!rec || !(check ? check(rec.values) : TABLES[TABLE].schema.safeParse(rec.values).success)) {
        bad[id] = 1;
        continue;
      }
      lines[id] =
        (lines[id] ?? '') + `${ui},${id},${sub[id]!++},-1,${rec.time},${rec.msTime},` + tplCols.map((x) => cellText(rec.values[x.name])).join(',') + '\n';
    }
    for (let id = 0; id < u.tuples.length; id++) {
      if (bad[id]) badOut.write(`${ui},${id}\n`);
      else if (lines[id] !== undefined) recOut.write(lines[id]!);
    }
    if (ui > 0) meltNeeds.set(u.tm!, needs.reduce((a, b) => a | b, meltNeeds.get(u.tm!) ?? 0));
  }
  const needsOut = new TextSink(join(work, 'unit-needs.csv'));
  units[0]!.needs!.forEach((n, id) => needsOut.write(`${id},${n}\n`));
  needsOut.close();
  await conn.run(`CREATE TABLE uneeds AS SELECT * FROM ${ownCsvSql(needsOut.path, [['u0', 'BIGINT'], ['needs', 'INTEGER']])}`);
  recOut.close();
  badOut.close();
  lap('pass1');
  return { tplCols, defer };
}

/** Table rows2: each row of raw with its tuples, and whether it is plain (else it takes the row path). Returns the plain rows. */
async function markPlainRows(run: ColumnarRun, tuples: Tuples, tplCols: StoreColumn[]): Promise<number> {
  const { conn, work, plan, lap } = run;
  const { units, meltTms } = tuples;
  // Written by passOne.
  const recFile = join(work, 'unit-records.csv');
  const badFile = join(work, 'unit-bad.csv');
  const recCols: [string, string][] = [
    ['__unit', 'INTEGER'],
    ['__id', 'BIGINT'],
    ['__sub', 'INTEGER'],
    ['__kind', 'INTEGER'],
    ['__tk', 'INTEGER'],
    ['__mk', 'INTEGER'],
    ...tplCols.map((x): [string, string] => [x.name, x.type]),
  ];
  await conn.run(`CREATE TABLE urec AS SELECT * FROM ${ownCsvSql(recFile, recCols)}`);
  await conn.run(`CREATE TABLE ubad AS SELECT * FROM ${ownCsvSql(badFile, [['unit', 'INTEGER'], ['id', 'BIGINT']])}`);
  // Which rows take each split melt (their row tuple has its marker).
  for (const i of meltTms) await conn.run(`CREATE TABLE takes${i} AS SELECT DISTINCT __id AS u0 FROM urec WHERE __unit = 0 AND __kind = ${i}`);
  // A row is plain when its key and times evaluate, its tuple is plain, and so is every melt item of a melt it takes.
  const badIn = (ui: number) => units[ui]!.bad!.some((x) => x === 1);
  const joins: string[] = ['JOIN uneeds n USING (u0)'];
  const notPlain: string[] = [
    '(n.needs & 1 <> 0 AND r.patient_key IS NULL)',
    ...plan.times.map((_, k) => `(n.needs & ${1 << (k + 1)} <> 0 AND r.iso${k} IS NULL)`),
  ];
  if (badIn(0)) {
    joins.push('LEFT JOIN (SELECT id AS u0 FROM ubad WHERE unit = 0) b0 USING (u0)');
    notPlain.push('b0.u0 IS NOT NULL');
  }
  units.forEach((u, ui) => {
    if (ui === 0 || !badIn(ui)) return;
    joins.push(`LEFT JOIN (SELECT id AS ${u.name} FROM ubad WHERE unit = ${ui}) b${ui} USING (${u.name}) LEFT JOIN takes${u.tm} k${ui} ON k${ui}.u0 = r.u0`);
    notPlain.push(`(b${ui}.${u.name} IS NOT NULL AND k${ui}.u0 IS NOT NULL)`);
  });
  await conn.run(`CREATE TABLE rows2 AS SELECT r.*, ${notPlain.map((x) => `NOT ${x}`).join(' AND ')} AS plain FROM rows1 r ${joins.join(' ')}`);
  lap('tpl_load');
  return Number((await conn.runAndReadAll('SELECT count(*) FROM rows2 WHERE plain')).getRows()[0]![0]);
}

/** Pass 2 (per call): the counts of the plain rows, each tuple weighted by the plain rows it stands for. */
function rowCounts(run: ColumnarRun, tuples: Tuples, plainRows: number, defer: EvalContext['defer']): ColumnarResult['counts'] {
  const { conn, src, ctx, data } = run;
  const { units, rowSrc } = tuples;
  const weights = new Map<number, { keep: number[]; w: number[] }>();
  const weightsOf = async (ui: number) => {
    let got = weights.get(ui);
    if (got) return got;
    const u = units[ui]!;
    const rows = (
      await conn.runAndReadAll(
        ui === 0
          ? 'SELECT u0, count(*) FROM rows2 WHERE plain GROUP BY 1'
          : `SELECT r.${u.name}, count(*) FROM rows2 r SEMI JOIN takes${u.tm} k ON k.u0 = r.u0 WHERE r.plain GROUP BY 1`,
      )
    ).getRows();
    const wOf = new Float64Array(u.tuples!.length);
    for (const [id, n] of rows) wOf[Number(id)] = Number(n);
    got = { keep: [], w: [] };
    for (let id = 0; id < wOf.length; id++) if (wOf[id]! > 0) got.keep.push(id), got.w.push(wOf[id]!);
    weights.set(ui, got);
    return got;
  };
  const counts = async (produce: Set<TableMap>, countUnused: boolean): Promise<SourceCounts> => {
    let out: SourceCounts | null = null;
    for (let ui = 0; ui < units.length; ui++) {
      const u = units[ui]!;
      const uproduce = ui === 0 ? new Set(rowSrc.tables.filter((_, i) => produce.has(src.tables[i]!))) : produce.has(src.tables[u.tm!]!) ? u.produce : null;
      if (!uproduce) continue;
      const { keep, w } = await weightsOf(ui);
      const tuples = { ...data, rows: keep.map((id) => u.tuples![id]!) };
      const p2 = mapSource(u.src, tuples, { ...ctx, cohort: null, references: null }, uproduce, ui === 0 ? countUnused : true, { defer, weights: w });
      if (ui === 0) {
        out = p2.counts;
        out.unusedExamples = [];
        const unusedIds = countUnused ? keep.filter((id) => u.unused![id]) : [];
        if (unusedIds.length > 0) {
          await conn.run(`CREATE OR REPLACE TEMP TABLE unused AS SELECT unnest([${unusedIds.join(',')}]::BIGINT[]) AS u0`);
          const ex = await conn.runAndReadAll('SELECT __row FROM rows2 JOIN unused USING (u0) WHERE plain ORDER BY __row LIMIT 5');
          out.unusedExamples = ex.getRows().map((r) => Number(r[0]));
        }
      } else out!.emptyWideCells += p2.counts.emptyWideCells;
    }
    out!.rows = plainRows + run.outside;
    out!.outsideCohort = run.outside;
    if (run.unresolved) {
      out!.unresolvedReferences = { ...run.unresolved.counts };
      out!.unresolvedExamples = [...run.unresolved.examples];
    }
    return out!;
  };
  return counts;
}

/** View recs: the records of the plain rows, the row's own and one per non-empty split melt item; returns how many. */
async function recordsView(run: ColumnarRun, units: Unit[], tplCols: StoreColumn[], plainRows: number, raw: RawCells | DirectCsv | JsonCells): Promise<number> {
  const { conn, src, plan, lap } = run;
  // The records of plain rows: the row's own (kind -1) and, at a split melt's place (its marker's sub), one per non-empty item.
  const timeOf = (alias: string, prefix: 'iso' | 'ms') =>
    plan.times.length
      ? `CASE ${alias}.${prefix === 'iso' ? '__tk' : '__mk'} ${plan.times.map((_, k) => `WHEN ${k} THEN r.${prefix}${k}`).join(' ')} END`
      : 'NULL';
  const parts = [
    `SELECT r.__row, t.__sub * 256 AS sub, r.__ptr, r.patient_key, ${timeOf('t', 'iso')} AS observed_at, ${timeOf('t', 'ms')} AS ms, ` +
      `${tplCols.map((x) => 't.' + x.name).join(', ')}
      FROM rows2 r JOIN urec t ON t.__unit = 0 AND t.__id = r.u0 AND t.__kind = -1 WHERE r.plain`,
  ];
  units.forEach((u, ui) => {
    if (ui === 0) return;
    parts.push(`SELECT r.__row, t.__sub * 256 + ${u.item! + 1} AS sub, r.__ptr, r.patient_key, ${timeOf('m', 'iso')} AS observed_at, ${timeOf('m', 'ms')} AS ` +
      `ms, ${tplCols.map((x) => 'm.' + x.name).join(', ')}
      FROM rows2 r JOIN urec t ON t.__unit = 0 AND t.__id = r.u0 AND t.__kind = ${u.tm}
      JOIN urec m ON m.__unit = ${ui} AND m.__id = r.${u.name} AND m.__kind = -1 WHERE r.plain`);
  });
  // A view, read by the count below and by `write`'s COPY: materialising the records first cost about as much
  // again (lakeshore's vitals: 0.74 s, against 0.03 s for the count and 0.1 s more in the COPY).
  await conn.run(`CREATE VIEW recs AS ${parts.join('\nUNION ALL\n')}`);
  const records = Number((await conn.runAndReadAll('SELECT count(*) FROM recs')).getRows()[0]![0]);
  if (process.env.IL2KIT_DEBUG_COLUMNAR) {
    const q = async (x: string) => (await conn.runAndReadAll(x)).getRows()[0]![0];
    console.error(src.id, {
      raw: await q('SELECT count(*) FROM raw'),
      plain: plainRows,
      records,
      tuples: units.map((u) => u.tuples!.length),
      bad: units.map((u) => u.bad!.reduce((a, b) => a + b, 0)),
      odd: raw.kind === 'raw' ? raw.odd.length : 0,
    });
  }
  lap('counts');

  return records;
}

/** The rows that are not plain, back in their original form (only the referenced cells), with the odd ones, in row order. */
async function fallbackRows(run: ColumnarRun, raw: RawCells | DirectCsv | JsonCells, plainRows: number): Promise<SourceRow[]> {
  const { conn, plan, paths, decode, c, lap } = run;
  // Rows for the row path, back in their original form (only the referenced cells are needed), with the odd ones, in row order.
  const fb = await conn.runAndReadAll(
    `SELECT r.__row, r.__ptr, ${paths.map((_, i) => 'r.' + c(i)).join(', ')} FROM ${plan.derived.length > 0 ? 'raw0' : 'raw'} r SEMI JOIN (SELECT __row FROM ` +
      `rows2 WHERE NOT plain) USING (__row) ORDER BY r.__row`,
  );
  const fallback: SourceRow[] = fb.getRows().map((r) => {
    const values: Record<string, unknown> = {};
    paths.forEach((p, i) => (values[p] = decode(r[i + 2] as string | null)));
    return { row: Number(r[0]), pointer: raw.kind === 'json' ? (r[1] as string) : (decode(r[1] as string | null) as string | null), values };
  });
  const merged = raw.kind === 'raw' ? mergeByRow(fallback, raw.odd) : fallback;
  columnarStats.plainRows += plainRows;
  columnarStats.rowPathRows += merged.length;
  lap('fallback_rows');

  return merged;
}

/** The write step: cycles attached by their windows, the records (and the row path's) copied to one Parquet file. */
function writer(run: ColumnarRun, staging: ColumnarStaging, rowPathRows: number): ColumnarResult['write'] {
  const { conn, work, src, ctx, data, lap, laps } = run;
  const cols = staging.columns;
  return async (cycles: Map<string, CycleInfo[]>, rowPathRecords: string | null, out: string) => {
    run.restart();
    // Cycle windows (cycleAt in slots.ts: the first of the patient's cycles whose window holds the time).
    const cy = new TextSink(join(work, 'cycles.csv'));
    let disjoint = true;
    for (const [patient, infos] of cycles) {
      const w = infos.map((i) => [i.startMs - 24 * 3_600_000, i.windowEndMs] as const).sort((a, b) => a[0] - b[0]);
      let ov = false;
      for (let k = 1; k < w.length; k++) if (w[k]![0] < w[k - 1]![1]) ov = true;
      if (ov) disjoint = false;
      infos.forEach((i, ord) => cy.write(`${patient},${ord},${i.startMs - 24 * 3_600_000},${i.windowEndMs},${i.cycle_id},${ov}\n`));
    }
    cy.close();
    await conn.run(
      `CREATE TABLE cyc AS SELECT * FROM ${ownCsvSql(cy.path, [
        ['patient_key', 'VARCHAR'],
        ['ord', 'INTEGER'],
        ['lo', 'DOUBLE'],
        ['hi', 'DOUBLE'],
        ['cycle_id', 'VARCHAR'],
        ['ov', 'BOOLEAN'],
      ])}`,
    );

    // With disjoint windows a time falls in at most one cycle of its patient: a plain join finds it.
    // Otherwise the first in the patient's list wins, as in cycleAt.
    // Patients whose windows overlap: the first in the list wins, as in cycleAt (only their records are ranked).
    let cycleJoin = 'LEFT JOIN cyc y ON y.patient_key = x.patient_key AND NOT y.ov AND x.ms >= y.lo AND x.ms < y.hi';
    let cycleId = 'y.cycle_id';
    if (!disjoint) {
      columnarStats.overlappingWindows++;
      await conn.run(`CREATE TABLE recs_cy AS SELECT x.__row, x.sub, arg_min(y.cycle_id, y.ord) AS cycle_id
        FROM recs x JOIN cyc y ON x.patient_key = y.patient_key AND y.ov AND x.ms >= y.lo AND x.ms < y.hi GROUP BY ALL`);
      cycleJoin += ' LEFT JOIN recs_cy z ON z.__row = x.__row AND z.sub = x.sub';
      cycleId = 'coalesce(y.cycle_id, z.cycle_id)';
    }
    lap('w_cycles');
    const centre = sqlText(ctx.spec.centre.centre_id);
    const selectCols = cols
      .map((x) => {
        switch (x.name) {
          case 'centre_id':
            return `${centre} AS centre_id`;
          case 'cycle_id':
            return `${cycleId} AS cycle_id`;
          case 'observed_at':
            return 'x.observed_at::TIMESTAMPTZ AS observed_at';
          case 'source_file':
            return `${sqlText(data.file)} AS source_file`;
          case 'source_sha256':
            return `${sqlText(data.sha256)} AS source_sha256`;
          case 'source_row':
            return `${src.format === 'ndjson' ? 'NULL' : 'x.__row'}::${x.type} AS source_row`;
          case 'source_pointer':
            return 'x.__ptr AS source_pointer';
          case 'spec_id':
            return `${sqlText(ctx.spec.id)} AS spec_id`;
          case 'spec_version':
            return `${sqlText(ctx.spec.version)} AS spec_version`;
          default:
            return `x.${x.name}`;
        }
      })
      .join(', ');
    const rowPath = rowPathRecords ? `UNION ALL SELECT ${cols.map((x) => x.name).join(', ')}, __r, __s FROM (${staging.readRowPath(rowPathRecords)})` : '';
    // Not sorted, nor kept in any order: __r and __s (row, then place in the row) give the records' order to the store (commit.ts).
    await conn.run('SET preserve_insertion_order = false');
    await conn.run(`COPY (SELECT ${selectCols}, x.__row AS __r, x.sub AS __s FROM recs x ${cycleJoin}
        ${rowPath}) TO ${sqlText(out)} (FORMAT parquet, COMPRESSION uncompressed)`);
    lap('write');
    if (process.env.IL2KIT_DEBUG_COLUMNAR) console.error(src.id, laps, { rowPath: rowPathRows });
  };
}

/** Index of the entry whose key is the field map's JSON, remembered per field map object. */
function indexOfField(list: readonly { key: string }[], fm: FieldMapObject, seen: WeakMap<FieldMapObject, number>): number {
  let k = seen.get(fm);
  if (k === undefined) {
    const key = JSON.stringify(fm);
    k = list.findIndex((t) => t.key === key);
    seen.set(fm, k);
  }
  return k;
}

interface Unit {
  name: string;
  src: SourceSpec;
  produce: Set<TableMap>;
  cols: number[];
  /** Split melt: its table map's index and the item's. */
  tm?: number;
  item?: number;
  tuples?: SourceRow[];
  bad?: Uint8Array;
  unused?: Uint8Array;
  needs?: Uint32Array;
}

const MELT_MARK = '\u0000melt:';
/** The patient "key" of a row outside the cohort (keys are hex: never this). */
const OUTSIDE_MARK = 'outside-cohort';
const DERIVED_MARK = '\u0000derived:';

/** The table-map index of a split melt's marker record, or -1. */
function meltMarker(c: Candidate): number {
  const v = c.values.variable;
  return typeof v === 'string' && v.startsWith(MELT_MARK) ? Number(v.slice(MELT_MARK.length)) : -1;
}

/** Text appended to a file in large writes. */
class TextSink {
  private fd: number;
  private buf = '';
  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
  }
  write(s: string): void {
    this.buf += s;
    if (this.buf.length > 1 << 20) {
      writeSync(this.fd, this.buf);
      this.buf = '';
    }
  }
  close(): void {
    if (this.buf) writeSync(this.fd, this.buf);
    closeSync(this.fd);
  }
}

/** A template cell in the staging CSV notation. */
function cellText(v: unknown): string {
  if (v === null || v === undefined) return NULL_MARK;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  const s = String(v);
  return s === NULL_MARK ? `"${s}"` : /[",\n\r]/.test(s) || s === '' || s.trim() !== s ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The tuple's record with the markers resolved to their time-field indexes, or null when it is not plain. */
function templateRecord(c: Candidate, fakeKey: string, build: RecordBuilder): { values: Record<string, unknown>; time: number; msTime: number } | null {
  if (c.table !== TABLE || c.problems.length > 0) return null;
  if ((c.extra.course_number ?? null) !== null || (c.extra.cycle_number ?? null) !== null) return null;
  const v = c.values;
  if (v.patient_key !== fakeKey || typeof v.observed_at !== 'string' || !v.observed_at.startsWith(TIME_MARK)) return null;
  const time = Number(v.observed_at.slice(TIME_MARK.length));
  const ms = c.extra.__ms;
  if (typeof ms !== 'number') return null;
  const msTime = -1e15 - ms;
  if (!Number.isInteger(msTime) || msTime < 0) return null;
  // Placeholders for what the row gives (checked on their own: keys, instants, cycles from the grid).
  const values = build(
    { ...v, observed_at: '2000-01-01T00:00:00.000Z', cycle_id: null },
    { file: 'x', sha256: '0'.repeat(64), row: 1, pointer: null },
    'x',
    '1',
  );
  for (const k in values) {
    const x = values[k];
    if (typeof x === 'string' && x.includes('\u0000')) return null;
  }
  return { values, time, msTime };
}

function mergeByRow(a: SourceRow[], b: SourceRow[]): SourceRow[] {
  if (b.length === 0) return a;
  const out: SourceRow[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i]!.row <= b[j]!.row)) out.push(a[i++]!);
    else out.push(b[j++]!);
  }
  return out;
}
