// One centre's export → the store: read → map → validate → store, with the quarantine and
// the counts that prove nothing was lost. The centre is committed in one DuckDB transaction and its
// Parquet files are published after COMMIT (store/commit.ts), so a failed run leaves the previous store
// untouched; then the centre's slot features are refreshed (rules/feature-store.ts).
import type { DuckDBConnection } from '@duckdb/node-api';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { TABLES, TABLE_NAMES, describeFields, type TableCounts, type TableName } from '../schemas/index.js';
import { problemsFromIssues } from './validate/problems.js';
import { fastCheck } from './validate/fast.js';
import { streamSource, type SourceData, type SourceRow } from './read/source.js';
import { mapSource, type Candidate, type SourceCounts } from './map/records.js';
import { loadSpec } from './map/spec-load.js';
import { CandidateSpill } from './map/spill.js';
import { DirectCsvRefused, ROW_ORDER, RawWriter, directCsvAllowed, loadDirectCsv, loadJsonCells, mapColumnar, openColumnarDb, planColumnar, type ColumnarDb, type ColumnarPlan, type ColumnarResult, type DirectCsv, type RawCells } from './map/columnar.js';
import { RawReadPool, RawReads, defaultReadWorkers, type RawRead } from './map/raw-read.js';
import { JsonCellsRefused, jsonCellsPlan, type JsonCells } from './map/json-cells.js';
import { checkColumns } from './map/source-columns.js';
import type { SourceSpec } from './map/spec.js';
import type { MappingSpec } from './map/spec.js';
import { resolveKey, type KeySource } from './map/pseudonymise.js';
import { buildGrid, cycleAt, type CycleInfo } from './map/slots.js';
import { ConversionError, toCanonical } from './map/units.js';
import { INFUSION_AGENTS } from '../schemas/index.js';
import { StagingWriter } from './store/staging.js';
import { commitCentre, openStore, type CommitResult } from './store/commit.js';
import { explainOutOfMemory } from './store/memory.js';
import { suspectIdentifiers, type SuspectedIdentifier } from './quality/identifiers.js';
import { runChecks, type CheckResult } from './quality/checks.js';
import { refreshStoredSlotFeatures, writeStoredFrame } from '../rules/feature-store.js';
import { keepLocalRuleset, resolveLocalRuleset } from '../rules/local-ruleset.js';
import { recordBuilder } from './map/record-builder.js';

const PHASE_A = new Set<TableName>(['patient', 'cycle', 'dose_slot', 'response']);

/** A CSV source's first rows, and the file as DuckDB may read it (null: our parser reads it), its rows loaded when `db` is set. */
interface CsvHead {
  info: Omit<SourceData, 'rows'>;
  head: SourceRow[];
  direct: DirectCsv | null;
  db: ColumnarDb | null;
}

export interface IngestOptions {
  storeDir: string;
  keyFile?: string;
  env?: NodeJS.ProcessEnv;
  /** Map long observation sources column-wise (map/columnar.ts; the default). false: every row through mapSource, as a reference. */
  columnar?: boolean;
  /** Reader threads for the columnar path's NDJSON and xlsx sources (map/raw-read.ts); 0 reads them on the main thread. Default: defaultReadWorkers(). */
  readWorkers?: number;
  /** NDJSON files larger than this (bytes; default 64 MiB) are read in line ranges, one per reader thread. */
  rangeBytes?: number;
  /** Let DuckDB read the columnar path's NDJSON sources itself where it reads them as our reader does (map/json-cells.ts; the default). false: always our reader. */
  duckdbJson?: boolean;
  /** Observation sources DuckDB reads itself are loaded ahead of their turn, the first always and others while their files add up to at most this (bytes; default 2 GiB; 0: none ahead). */
  aheadBytes?: number;
}

export interface IngestResult {
  spec: MappingSpec;
  specPath: string;
  key: KeySource['origin'];
  sources: (SourceCounts & { sha256: string; bytes: number; path: string })[];
  counts: Record<string, TableCounts>;
  unmapped: Record<string, Record<string, number>>;
  commit: CommitResult;
  checks: CheckResult[];
  suspectedIdentifiers: SuspectedIdentifier[];
  unusedColumns: Record<string, string[]>;
  /** Files in the spec's folder that no source reads (other than the spec itself). */
  unreadFiles: string[];
  /** Values the pipeline filled in from other data (e.g. baseline weight from the first dosing weight), by field. */
  derivedFields: Record<string, number>;
  durations: Record<string, number>;
}

export async function ingestCentre(specPath: string, opts: IngestOptions): Promise<IngestResult> {
  const t0 = performance.now();
  // CPU time of the whole process (main thread, reader threads, DuckDB's threads) per phase, beside the wall time.
  let cpuMark = process.cpuUsage();
  const cpuLap = (name: string) => {
    const now = process.cpuUsage();
    durations[`cpu_${name}_ms`] = (now.user - cpuMark.user + now.system - cpuMark.system) / 1000;
    cpuMark = now;
  };
  const { spec } = loadSpec(specPath);
  // The centre's own ruleset (beside the spec, or the kit's): resolved before the store is touched.
  const localRuleset = resolveLocalRuleset(resolve(specPath), spec.centre.local_ruleset_id);
  const key = resolveKey({ keyFile: opts.keyFile, allowSampleKey: spec.samples, env: opts.env });
  const dir = dirname(resolve(specPath));
  mkdirSync(resolve(opts.storeDir), { recursive: true });
  const work = mkdtempSync(join(resolve(opts.storeDir, '..'), '.il2kit-ingest-'));
  const durations: Record<string, number> = {};
  // A source that also feeds phase-B tables is read once: its phase-B candidates are mapped in
  // phase A, piece by piece, exactly as phase B would map them (same table maps, same counts,
  // unmapped codes tallied aside), parked in a spill file and replayed in phase B once the slot
  // grid exists. A mapping error is kept and thrown at the source's turn in phase B.
  const parked = new Map<string, Parked>();
  const raws = new Map<string, RawWriter>();
  // Sources mapped column-wise in phase A whose observations wait for phase B (their DuckDB stays open until then).
  const columnarParked = new Map<string, { res: ColumnarResult; info: Omit<SourceData, 'rows'> }>();
  let pool: RawReadPool | null = null;
  // NDJSON sources DuckDB reads itself: scanned on a reader thread, then loaded into their columnar DuckDB as soon as the scan is done.
  const jsonLoads = new Map<string, Promise<{ got: RawRead; cells: JsonCells | null; db: ColumnarDb | null }>>();
  // Observation-only CSV sources DuckDB reads itself: their header is read and their rows loaded from the start, while the dose log is mapped.
  const csvLoads = new Map<string, Promise<CsvHead>>();
  try {
    const unmapped = new Map<string, Map<string, number>>();
    const ctx = { spec, key: key.key, unmapped };
    const counts: Record<string, TableCounts> = Object.fromEntries(TABLE_NAMES.map((t) => [t, { read: 0, derived: 0, merged: 0, stored: 0, quarantined: 0 }]));
    const writers = new Map<string, StagingWriter>();
    // Observations are staged in parts, in source order: row-path CSVs between the columnar sources' Parquet files.
    const obsParts: string[] = [];
    let obsPart = 0;
    const writer = (t: TableName | 'quarantine') => {
      const k = t === 'observation' ? `observation-${obsPart}` : t;
      let w = writers.get(k);
      if (!w) writers.set(k, (w = new StagingWriter(t, join(work, `${k}.csv`))));
      return w;
    };
    const addObservationPart = (parquet: string) => {
      const w = writers.get(`observation-${obsPart}`);
      if (w) obsParts.push(w.path);
      obsPart++;
      obsParts.push(parquet);
    };
    let recordId = 0;
    const quarantine = (c: Candidate, extraProblems: { field: string | null; raw: unknown; check: string; message: string }[] = []) => {
      recordId++;
      const q = writer('quarantine');
      const record = JSON.stringify(c.values);
      for (const p of [...c.problems, ...extraProblems]) {
        q.write({
          centre_id: spec.centre.centre_id, record_id: recordId, table_name: c.table, source_file: c.where.file, source_row: c.where.row, source_pointer: c.where.pointer,
          field: p.field, raw_value: p.raw === null || p.raw === undefined ? null : String(p.raw instanceof Date ? p.raw.toISOString() : p.raw).slice(0, 500), check_name: p.check, message: p.message, record_json: record,
        });
      }
      counts[c.table]!.quarantined++;
    };
    const builders = new Map(TABLE_NAMES.map((t) => [t, recordBuilder(describeFields(TABLES[t].schema))]));
    const fastChecks = new Map(TABLE_NAMES.map((t) => [t, fastCheck(TABLES[t].schema)]));
    const store = (c: Candidate, sink?: (rec: Record<string, unknown>) => void) => {
      const put = sink ?? ((rec: Record<string, unknown>) => writer(c.table).write(rec));
      // The record is rebuilt in the table's column order by a builder made once per table: one
      // object shape per table keeps the validator fast. Fields a mapping leaves out are unknown:
      // null (or an empty list), never invented. (Keys outside the schema cannot reach here: the
      // spec loader rejects unknown field names.)
      c.values = builders.get(c.table)!(c.values, c.where, spec.id, spec.version);
      if (c.problems.length > 0) return quarantine(c);
      // Nearly every record is valid: the fast check says so without zod; the rest get zod's verdict and messages.
      if (fastChecks.get(c.table)?.(c.values)) return put(c.values);
      const parsed = TABLES[c.table].schema.safeParse(c.values);
      if (!parsed.success) {
        const probs = problemsFromIssues(parsed.error.issues, c.values, { file: c.where.file, row: c.where.row, pointer: c.where.pointer });
        return quarantine(c, probs.map((p) => ({ field: p.field, raw: p.value, check: p.check, message: p.message })));
      }
      put(parsed.data as Record<string, unknown>);
    };
    const columnarOn = opts.columnar ?? true;
    const plans = new Map<string, ColumnarPlan>();
    if (columnarOn) {
      for (const src of spec.sources) {
        const early = src.tables.filter((t) => PHASE_A.has(t.table as TableName));
        const later = src.tables.filter((t) => !PHASE_A.has(t.table as TableName));
        // Full plan when the earlier-phase maps are selective (their rows take the row path); else only the later maps.
        let plan = early.length > 0 ? planColumnar(spec, src, later, early) : 'no earlier-phase maps';
        if (typeof plan === 'string') plan = planColumnar(spec, src, later);
        if (typeof plan !== 'string') plans.set(src.id, plan);
      }
    }

    // Sources only our readers read (NDJSON, xlsx) are read by reader threads from now on (map/raw-read.ts),
    // except those the dose-log phase reads row by row anyway (their cells are written on the way).
    const readWorkers = opts.readWorkers ?? defaultReadWorkers(opts.env);
    pool = readWorkers > 0 && [...plans.values()].some((p) => p.src.format !== 'csv') ? new RawReadPool(readWorkers) : null;
    const reads = new RawReads(pool);
    const fileSize = (src: SourceSpec) => statSync(join(dir, src.file), { throwIfNoEntry: false })?.size ?? 0;
    const rangeParts = (src: SourceSpec) => (fileSize(src) > (opts.rangeBytes ?? 64 << 20) ? readWorkers : 1);
    const duckdbJson = (opts.duckdbJson ?? (opts.env ?? process.env).IL2KIT_DUCKDB_JSON !== '0') && columnarOn;
    // Sources loaded into DuckDB ahead of their turn stay in memory until then: the first always, others while their files add up to at most `aheadBytes`.
    let aheadBytes = 0;
    const aheadLimit = opts.aheadBytes ?? 2 ** 31;
    const loadAhead = (src: SourceSpec) => {
      const size = fileSize(src);
      if (aheadLimit === 0 || (aheadBytes > 0 && aheadBytes + size > aheadLimit)) return false;
      aheadBytes += size;
      return true;
    };
    /** A columnar DuckDB with table raw loaded by `load`, or null when DuckDB refuses the file (then our reader reads it). */
    const loadedDb = async (load: (conn: DuckDBConnection) => Promise<void>): Promise<ColumnarDb | null> => {
      const db = await openColumnarDb(work);
      try {
        await load(db.conn);
        return db;
      } catch (e) {
        db.close();
        if (e instanceof JsonCellsRefused || e instanceof DirectCsvRefused) return null;
        throw e;
      }
    };
    /** A CSV source's header and first rows through our parser, and whether DuckDB may read the file itself (DirectCsv). */
    const csvHead = async (src: SourceSpec): Promise<CsvHead> => {
      const stream = await streamSource(src, dir);
      const info = { file: stream.file, path: stream.path, sha256: stream.sha256, bytes: stream.bytes, columns: stream.columns };
      const it = stream.chunks[Symbol.asyncIterator]();
      const first = await it.next();
      await it.return?.();
      const direct: DirectCsv | null = directCsvAllowed(src, stream.columns, stream.path) ? { kind: 'direct', path: stream.path, columns: stream.columns } : null;
      return { info, head: first.done ? [] : first.value, direct, db: null };
    };
    for (const [id, plan] of plans) {
      const src = plan.src;
      const inA = src.tables.some((t) => PHASE_A.has(t.table as TableName));
      if (src.format === 'csv' || (inA && plan.early.length === 0)) continue;
      // An NDJSON file DuckDB may read itself is only scanned here (hash and checks); our reader reads it if DuckDB refuses.
      const jp = duckdbJson && src.format === 'ndjson' && src.encoding === 'utf-8' ? jsonCellsPlan(plan.paths) : 'not an NDJSON source DuckDB may read';
      if (typeof jp === 'string') {
        reads.add(src, dir, plan.paths, (k) => join(work, `raw-${id}-${k}.csv`), rangeParts(src));
        continue;
      }
      reads.addScan(src, dir);
      const ahead = loadAhead(src);
      const load = reads.get(src.id)!.then(async (got) => {
        const scan = got.scan!;
        if (scan.refused) return { got, cells: null, db: null };
        const cells: JsonCells = { kind: 'json', path: got.info.path, lines: scan.lines, maxLineBytes: scan.maxLineBytes, plan: jp };
        if (!ahead) return { got, cells, db: null }; // loaded at its turn
        const db = await loadedDb((conn) => loadJsonCells(conn, cells));
        return { got, cells: db ? cells : null, db };
      });
      load.catch(() => undefined); // awaited (and thrown) at the source's turn
      jsonLoads.set(src.id, load);
    }
    for (const [id, plan] of plans) {
      const src = plan.src;
      if (src.format !== 'csv' || src.tables.some((t) => PHASE_A.has(t.table as TableName)) || !loadAhead(src)) continue;
      // Column checks and suspected identifiers wait for the source's turn (the report keeps its order).
      const load = csvHead(src).then(async (h) => {
        if (!h.direct) return h;
        const direct = h.direct;
        const db = await loadedDb((conn) => loadDirectCsv(conn, src, direct, plan.paths));
        return { ...h, direct: db ? direct : null, db };
      });
      load.catch(() => undefined); // awaited (and thrown) at the source's turn
      csvLoads.set(id, load);
    }

    /** The source's rows into the columnar path: DuckDB reads the file itself where it reads it as we do, else our reader feeds it. */
    const openColumnar = async (src: SourceSpec, plan: ColumnarPlan, parkedRaw?: RawWriter): Promise<{ res: ColumnarResult; info: Omit<SourceData, 'rows'> }> => {
      let info: Omit<SourceData, 'rows'> = { file: '', path: '', sha256: '', bytes: 0, columns: [] };
      const readRows = async (): Promise<RawWriter> => {
        const w = new RawWriter(plan.paths, join(work, `raw-${src.id}.csv`));
        raws.set(src.id, w);
        const stream = await streamSource(src, dir);
        info = { file: stream.file, path: stream.path, sha256: stream.sha256, bytes: stream.bytes, columns: stream.columns };
        let first = true;
        for await (const rows of stream.chunks) {
          if (first) inspectColumns(src, { ...info, rows });
          first = false;
          w.write(rows);
        }
        if (first) inspectColumns(src, { ...info, rows: [] });
        w.close();
        raws.delete(src.id);
        return w;
      };
      /** A read on the reader threads, waited for. */
      const takeRead = async (read: Promise<RawRead>): Promise<RawRead> => {
        const tw = performance.now();
        const got = await read;
        durations.wait_readers_ms = (durations.wait_readers_ms ?? 0) + (performance.now() - tw);
        info = got.info;
        inspectColumns(src, { ...info, rows: got.head ?? [] });
        return got;
      };
      /** An NDJSON file DuckDB would read otherwise than our reader: our reader reads it, on the reader threads. */
      const ourNdjsonReader = (): Promise<RawRead> => {
        reads.add(src, dir, plan.paths, (k) => join(work, `raw-${src.id}-${k}.csv`), rangeParts(src));
        return takeRead(reads.get(src.id)!);
      };
      let raw: RawCells | ((DirectCsv | JsonCells) & { loaded?: ColumnarDb });
      const jsonLoad = parkedRaw ? undefined : jsonLoads.get(src.id);
      const csvLoad = csvLoads.get(src.id);
      jsonLoads.delete(src.id);
      csvLoads.delete(src.id);
      const read = parkedRaw || jsonLoad ? null : reads.get(src.id);
      if (jsonLoad) {
        const tw = performance.now();
        const pre = await jsonLoad.catch((e: unknown) => {
          throw explainOutOfMemory(e, `reading source ${src.id} (${src.file}) in DuckDB (nothing in the store was changed)`);
        });
        durations.wait_readers_ms = (durations.wait_readers_ms ?? 0) + (performance.now() - tw);
        info = pre.got.info;
        raw = pre.cells ? { ...pre.cells, ...(pre.db ? { loaded: pre.db } : {}) } : await ourNdjsonReader();
      } else if (read) {
        raw = await takeRead(read);
      } else if (parkedRaw) {
        const s = sources.find((x) => x.source === src.id)!;
        info = { file: s.file, path: s.path, sha256: s.sha256, bytes: s.bytes, columns: [] };
        parkedRaw.close();
        raws.delete(src.id);
        raw = parkedRaw;
      } else if (src.format !== 'csv') {
        // NDJSON and workbooks through our readers (NDJSON that DuckDB reads as we do was planned above: docs/decisions.md §15).
        raw = await readRows();
      } else {
        // The header and first rows through our parser (column checks, suspected identifiers); loaded ahead or not.
        const h = await (csvLoad ?? csvHead(src));
        info = h.info;
        inspectColumns(src, { ...info, rows: h.head });
        raw = h.direct ? { ...h.direct, ...(h.db ? { loaded: h.db } : {}) } : await readRows();
      }
      try {
        const tm = performance.now();
        const res = await mapColumnar(plan, raw, info, ctx, work);
        durations.map_columnar_ms = (durations.map_columnar_ms ?? 0) + (performance.now() - tm);
        return { res, info };
      } catch (e) {
        if (e instanceof DirectCsvRefused) return { res: await mapColumnar(plan, await readRows(), info, ctx, work), info };
        if (e instanceof JsonCellsRefused) return { res: await mapColumnar(plan, await ourNdjsonReader(), info, ctx, work), info };
        throw explainOutOfMemory(e, `mapping source ${src.id} (${src.file}) column-wise (nothing in the store was changed)`);
      }
    };

    // Phase A: patients, cycles, dose log and responses — small; the slot grid needs them whole.
    const tA = performance.now();
    const sources: IngestResult['sources'] = [];
    const phaseAOf = new Map<string, Candidate[]>();
    const readInA = new Set<string>();
    const suspected: SuspectedIdentifier[] = [];
    const unusedColumns: Record<string, string[]> = {};
    const inspectColumns = (src: (typeof spec.sources)[number], data: SourceData) => {
      if (src.id in unusedColumns || data.columns.length === 0) return;
      const unused = checkColumns(src, data.file, data.columns, data.rows);
      unusedColumns[src.id] = unused;
      suspected.push(...suspectIdentifiers(src.id, unused, (col) => data.rows.slice(0, 200).map((r) => r.values[col])));
    };
    // Sources being read by reader threads are taken last, so the main thread maps the others meanwhile;
    // what phase A gives is put back in spec order after the loop.
    const onThreads = (id: string) => reads.has(id) || jsonLoads.has(id);
    const orderA = [...spec.sources].sort((a, b) => Number(onThreads(a.id)) - Number(onThreads(b.id)));
    for (const src of orderA) {
      const wanted = src.tables.filter((t) => PHASE_A.has(t.table as TableName));
      if (wanted.length === 0) continue;
      const later = src.tables.filter((t) => !PHASE_A.has(t.table as TableName));
      const plan = plans.get(src.id);
      const phaseA: Candidate[] = [];
      phaseAOf.set(src.id, phaseA);
      if (plan && plan.early.length > 0) {
        // Read once, column-wise: the rows the earlier-phase maps take come back for the row path now;
        // the observations wait for the slot grid (phase B).
        const opened = await openColumnar(src, plan);
        columnarParked.set(src.id, opened);
        const fb = mapSource(src, { ...opened.info, rows: opened.res.fallback }, ctx, new Set(wanted), src.tables.length === wanted.length);
        for (const c of fb.candidates) phaseA.push(c);
        const both = combineCounts(await opened.res.counts(new Set(wanted), src.tables.length === wanted.length), fb.counts);
        sources.push({ ...both, sha256: opened.info.sha256, bytes: opened.info.bytes, path: opened.info.path });
        readInA.add(src.id);
        continue;
      }
      const raw = plan ? new RawWriter(plan.paths, join(work, `raw-${src.id}.csv`)) : null;
      if (raw) raws.set(src.id, raw);
      const park: Parked | null = later.length > 0 && !raw ? { spill: new CandidateSpill(join(work, `parked-${parked.size}.bin`)), counts: null, unmapped: new Map(), error: null } : null;
      if (park) parked.set(src.id, park);
      // Streamed like phase B: the raw rows of a large dose log are released piece by piece.
      const stream = await streamSource(src, dir);
      let first = true;
      for await (const rows of stream.chunks) {
        const data: SourceData = { file: stream.file, path: stream.path, sha256: stream.sha256, bytes: stream.bytes, columns: stream.columns, rows };
        if (first) inspectColumns(src, data);
        first = false;
        const { candidates, counts: sc } = mapSource(src, data, ctx, new Set(wanted), src.tables.length === wanted.length);
        for (const c of candidates) phaseA.push(c);
        const existing = sources.find((x) => x.source === src.id);
        if (existing) mergeCounts(existing, sc, true);
        else sources.push({ ...sc, sha256: data.sha256, bytes: data.bytes, path: data.path });
        raw?.write(rows);
        if (park && !park.error) {
          let b: ReturnType<typeof mapSource> | null = null;
          try {
            b = mapSource(src, data, { ...ctx, unmapped: park.unmapped }, new Set(later), true);
          } catch (e) {
            park.error = { e };
          }
          if (b) {
            park.spill.write(b.candidates);
            if (park.counts) mergeCounts(park.counts, b.counts, true);
            else park.counts = b.counts;
          }
        }
      }
      if (first) inspectColumns(src, { file: stream.file, path: stream.path, sha256: stream.sha256, bytes: stream.bytes, columns: stream.columns, rows: [] });
      readInA.add(src.id);
    }
    const specOrder = new Map(spec.sources.map((x, i) => [x.id, i]));
    const bySpec = (a: { source: string }, b: { source: string }) => specOrder.get(a.source)! - specOrder.get(b.source)!;
    const phaseA = spec.sources.flatMap((x) => phaseAOf.get(x.id) ?? []);
    sources.sort(bySpec);
    suspected.sort(bySpec);
    for (const id of spec.sources.map((x) => x.id).filter((id) => id in unusedColumns)) {
      const u = unusedColumns[id]!;
      delete unusedColumns[id];
      unusedColumns[id] = u;
    }
    for (const c of phaseA) counts[c.table]!.read++;
    const patients = mergePatients(phaseA.filter((c) => c.table === 'patient'), counts.patient!, quarantine);
    const baseline = new Map<string, number>();
    for (const p of patients) if (typeof p.values.baseline_weight_kg === 'number') baseline.set(String(p.values.patient_key), p.values.baseline_weight_kg);
    const entries = phaseA.filter((c) => c.table === 'dose_slot');
    const explicitCycles = phaseA.filter((c) => c.table === 'cycle' && c.problems.length === 0);
    const derivedFields: Record<string, number> = {};
    const badEntries = entries.filter((c) => c.problems.length > 0);
    const grid = buildGrid(spec, entries.filter((c) => c.problems.length === 0), explicitCycles, baseline);
    counts.dose_slot!.derived += grid.derivedSlots;
    counts.cycle!.derived += grid.derivedCycles;
    for (const c of badEntries) quarantine(c);
    for (const c of grid.rejected) quarantine(c);
    for (const c of phaseA.filter((c) => c.table === 'cycle' && c.problems.length > 0)) quarantine(c);
    for (const c of grid.cycles) store(c);
    for (const c of grid.slots) store(c);
    const firstStart = new Map<string, number>();
    for (const [k, infos] of grid.cycleIndex) if (infos[0]) firstStart.set(k, infos[0].startMs);
    for (const p of patients) {
      const first = grid.cycleIndex.get(String(p.values.patient_key))?.[0];
      // No baseline weight in the export: the first cycle's dosing weight stands in (reported as derived).
      if (p.problems.length === 0 && (p.values.baseline_weight_kg === null || p.values.baseline_weight_kg === undefined) && first?.dosing_weight_kg) {
        p.values.baseline_weight_kg = first.dosing_weight_kg;
        derivedFields.baseline_weight_kg = (derivedFields.baseline_weight_kg ?? 0) + 1;
      }
      if (p.problems.length === 0 && p.extra.birth_date && p.values.age_at_first_dose === undefined) {
        const start = firstStart.get(String(p.values.patient_key));
        if (start !== undefined) p.values.age_at_first_dose = ageAt(String(p.extra.birth_date), start);
      }
      store(p);
    }
    for (const c of phaseA.filter((c) => c.table === 'response')) {
      if ((c.values.course_number === undefined || c.values.course_number === null) && c.problems.length === 0) assignCourse(c, grid.cycleIndex);
      store(c);
    }
    durations.map_dose_log_ms = performance.now() - tA;
    cpuLap('map_dose_log');

    // Phase B: observations, infusions, events — large; streamed source by source.
    const tB = performance.now();
    for (const src of spec.sources) {
      const wanted = src.tables.filter((t) => !PHASE_A.has(t.table as TableName));
      if (wanted.length === 0) continue;
      const rateEvents = wanted.some((t) => t.table === 'infusion' && t.rate_events);
      const rateBuffer: Candidate[] = [];
      const finish = (candidates: Candidate[]) => {
        for (const c of candidates) {
          counts[c.table]!.read++;
          if (rateEvents && c.table === 'infusion' && c.problems.length === 0) {
            rateBuffer.push(c);
            continue;
          }
          if (c.problems.length === 0) attachCycle(c, grid.cycleIndex);
          if (c.table === 'infusion' && c.problems.length === 0) finishInfusion(c, grid.cycleIndex);
          store(c);
        }
      };
      const park = parked.get(src.id);
      const plan = plans.get(src.id);
      if (plan) {
        // Column-wise (map/columnar.ts): one evaluation per distinct value; the rows it leaves take the row path.
        const parkedCol = columnarParked.get(src.id);
        const { res, info } = parkedCol ?? (await openColumnar(src, plan, raws.get(src.id)));
        columnarParked.delete(src.id);
        try {
          const rowsToo = !readInA.has(src.id);
          const fb = mapSource(src, { ...info, rows: res.fallback }, ctx, new Set(wanted), true);
          const both = combineCounts(await res.counts(new Set(wanted), true), fb.counts);
          const existing = sources.find((s) => s.source === src.id);
          if (existing) mergeCounts(existing, both, rowsToo);
          else sources.push({ ...both, sha256: info.sha256, bytes: info.bytes, path: info.path });
          counts.observation!.read += res.records;
          // The row path's records join the columnar ones in row order (__r: row, __s: place in the row).
          const fbPath = join(work, `fallback-${src.id}.csv`);
          const fbWriter = new StagingWriter('observation', fbPath, ROW_ORDER);
          let rowNo = 0;
          let sub = 0;
          const sink = (rec: Record<string, unknown>) => fbWriter.write({ ...rec, __r: rowNo, __s: sub++ });
          // Row of each candidate: mapSource keeps row order, and each row's candidates are consecutive.
          const rowOf = candidateRows(fb.candidates, res.fallback, src.format === 'ndjson');
          fb.candidates.forEach((c, i) => {
            counts[c.table]!.read++;
            if (rowOf[i] !== rowNo) {
              rowNo = rowOf[i]!;
              sub = 0;
            }
            if (c.problems.length === 0) attachCycle(c, grid.cycleIndex);
            store(c, c.table === 'observation' ? sink : undefined);
          });
          fbWriter.close();
          const out = join(work, `columnar-${src.id}.parquet`);
          await res.write(grid.cycleIndex, fbWriter.count > 0 ? fbPath : null, out);
          addObservationPart(out);
        } finally {
          res.close();
        }
      } else if (park) {
        // Mapped in phase A (read once); its counts and unmapped codes join now, as a second read would have.
        for (const [field, m] of park.unmapped) {
          let seen = unmapped.get(field);
          if (!seen) unmapped.set(field, (seen = new Map()));
          for (const [k, n] of m) seen.set(k, (seen.get(k) ?? 0) + n);
        }
        if (park.counts) mergeCounts(sources.find((s) => s.source === src.id)!, park.counts, false);
        for (const candidates of park.spill.read()) finish(candidates);
        park.spill.dispose();
        parked.delete(src.id);
        if (park.error) throw park.error.e;
      } else {
        const stream = await streamSource(src, dir);
        let first = true;
        for await (const rows of stream.chunks) {
          const data: SourceData = { file: stream.file, path: stream.path, sha256: stream.sha256, bytes: stream.bytes, columns: stream.columns, rows };
          if (first) inspectColumns(src, data);
          first = false;
          const { candidates, counts: sc } = mapSource(src, data, ctx, new Set(wanted), true);
          const existing = sources.find((s) => s.source === src.id);
          if (existing) mergeCounts(existing, sc, !readInA.has(src.id));
          else sources.push({ ...sc, sha256: data.sha256, bytes: data.bytes, path: data.path });
          finish(candidates);
        }
        if (first) inspectColumns(src, { file: stream.file, path: stream.path, sha256: stream.sha256, bytes: stream.bytes, columns: stream.columns, rows: [] });
      }
      for (const c of closeRateEvents(rateBuffer)) {
        if (c.problems.length === 0) attachCycle(c, grid.cycleIndex);
        if (c.problems.length === 0) finishInfusion(c, grid.cycleIndex);
        store(c);
      }
    }
    durations.map_observations_ms = performance.now() - tB;
    cpuLap('map_observations');
    for (const w of writers.values()) w.close();

    const tC = performance.now();
    const staged = Object.fromEntries([...writers.entries()].filter(([k]) => !k.startsWith('observation-')).map(([t, w]) => [t, w.path])) as Partial<Record<TableName | 'quarantine', string | string[]>>;
    const lastObs = writers.get(`observation-${obsPart}`);
    if (lastObs) obsParts.push(lastObs.path);
    if (obsParts.length > 0) staged.observation = obsParts.length === 1 ? obsParts[0]! : obsParts;
    const commit = await commitCentre({ storeDir: opts.storeDir, centreId: spec.centre.centre_id, centre: spec.centre, staged, work });
    keepLocalRuleset(localRuleset, opts.storeDir);
    durations.store_ms = performance.now() - tC;
    cpuLap('store');
    for (const t of TABLE_NAMES) {
      counts[t]!.stored = commit.stored[t] ?? 0;
      // Duplicates found in the store step move from stored to quarantined.
      counts[t]!.quarantined += commit.duplicates[t] ?? 0;
    }
    counts.centre = { read: 1, derived: 0, merged: 0, stored: 1, quarantined: 0 };
    const tD = performance.now();
    const { conn, close, connect } = await openStore(commit.storeFile);
    let checks: CheckResult[];
    try {
      // The checks (small queries, one core) run on a second connection beside the slot features (DuckDB on both
      // cores); they read the centre's committed rows, which the features step does not write.
      const checking = connect().then(async (c) => {
        const out = await runChecks(c, spec.centre.centre_id, counts, { suspectedIdentifiers: suspected.length, unusedRows: sources.map((s) => ({ source: s.source, n: s.unusedRows, rows: s.rows, examples: s.unusedExamples })) });
        durations.checks_ms = performance.now() - tD;
        return out;
      });
      // Derived: the centre's slot features, stamped with its data version (rules/feature-store.ts). After the commit,
      // not inside it: if this fails, readers see the stamp is old and compute the features themselves.
      const featuring = (async () => {
        await refreshStoredSlotFeatures(conn, spec.centre.centre_id);
        await writeStoredFrame(conn, dirname(commit.storeFile), spec.centre.centre_id);
        durations.slot_features_ms = performance.now() - tD; // from the same start as checks_ms: they run side by side
      })();
      const [c, f] = await Promise.allSettled([checking, featuring]);
      if (c.status === 'rejected') throw c.reason;
      if (f.status === 'rejected') throw f.reason;
      checks = c.value;
      cpuLap('checks_slot_features');
    } catch (e) {
      throw explainOutOfMemory(e, `checking centre ${spec.centre.centre_id} or refreshing its slot features (its rows are stored; until the next ingest, readers compute its features themselves)`);
    } finally {
      close();
    }
    durations.total_ms = performance.now() - t0;
    return {
      spec,
      specPath: resolve(specPath),
      key: key.origin,
      // Key order fixed (not first-seen order), so the columnar and row paths report alike.
      sources: sources.map((x) => ({ ...x, routed: sortedKeys(x.routed), ignoredCodes: sortedKeys(x.ignoredCodes) })),
      counts,
      unmapped: Object.fromEntries(
        [...unmapped.entries()].sort(byKey).map(([f, m]) => [f, Object.fromEntries([...m.entries()].sort((a, b) => b[1] - a[1] || byKey(a, b)))]),
      ),
      commit,
      checks,
      suspectedIdentifiers: suspected,
      unusedColumns,
      derivedFields,
      unreadFiles: readdirSync(dir).filter((f) => !f.startsWith('.') && resolve(dir, f) !== resolve(specPath) && !spec.sources.some((s) => resolve(dir, s.file) === resolve(dir, f))).sort(),
      durations,
    };
  } finally {
    for (const l of [...jsonLoads.values(), ...csvLoads.values()]) await l.then((x) => x.db?.close()).catch(() => undefined);
    await pool?.close();
    for (const p of parked.values()) p.spill.dispose();
    for (const r of raws.values()) r.close();
    for (const c of columnarParked.values()) c.res.close();
    rmSync(work, { recursive: true, force: true });
  }
}

interface Parked {
  spill: CandidateSpill;
  /** Phase-B counts of the source, summed over its pieces. */
  counts: SourceCounts | null;
  /** Unmapped codes met by the phase-B table maps, merged in at the source's turn. */
  unmapped: Map<string, Map<string, number>>;
  error: { e: unknown } | null;
}

/** Entries in key order (code-unit order, not locale). */
const byKey = (a: [string, unknown], b: [string, unknown]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

function sortedKeys(o: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(o).sort(byKey));
}

/** Counts of two disjoint sets of a source's rows (columnar and row path) as one mapSource over all of them would give. */
function combineCounts(a: SourceCounts, b: SourceCounts): SourceCounts {
  const sum = (x: Record<string, number>, y: Record<string, number>) => {
    const out = { ...x };
    for (const [k, v] of Object.entries(y)) out[k] = (out[k] ?? 0) + v;
    return out;
  };
  return {
    ...a,
    rows: a.rows + b.rows,
    skipped: a.skipped + b.skipped,
    routed: sum(a.routed, b.routed),
    ignoredCodes: sum(a.ignoredCodes, b.ignoredCodes),
    emptyWideCells: a.emptyWideCells + b.emptyWideCells,
    unusedRows: a.unusedRows + b.unusedRows,
    unusedExamples: [...a.unusedExamples, ...b.unusedExamples].sort((x, y) => x - y).slice(0, 5),
  };
}

function mergeCounts(into: SourceCounts, from: SourceCounts, rowsToo: boolean): void {
  if (rowsToo) {
    into.rows += from.rows;
    into.skipped += from.skipped;
  }
  into.unusedRows += from.unusedRows;
  for (const r of from.unusedExamples) if (into.unusedExamples.length < 5) into.unusedExamples.push(r);
  for (const [k, v] of Object.entries(from.routed)) into.routed[k] = (into.routed[k] ?? 0) + v;
  for (const [k, v] of Object.entries(from.ignoredCodes)) into.ignoredCodes[k] = (into.ignoredCodes[k] ?? 0) + v;
  into.emptyWideCells += from.emptyWideCells;
}

/**
 * Attribute rows (merge: true) fill the empty fields of the patient's main record, first
 * source first; they are counted as merged. Attributes of a patient with no main record, or
 * rows with problems, are quarantined.
 */
function mergePatients(list: Candidate[], n: TableCounts, quarantine: (c: Candidate, p?: Candidate['problems']) => void): Candidate[] {
  const main = new Map<string, Candidate>();
  for (const c of list) if (!c.extra.__merge && c.values.patient_key) main.set(String(c.values.patient_key), c);
  const out = list.filter((c) => !c.extra.__merge);
  for (const c of list) {
    if (!c.extra.__merge) continue;
    const target = main.get(String(c.values.patient_key));
    if (c.problems.length > 0) quarantine(c);
    else if (!target) quarantine(c, [{ field: 'patient_key', raw: null, check: 'orphan', message: 'attributes of a patient with no patient record in the export' }]);
    else {
      for (const [k, v] of Object.entries(c.values)) if (v !== null && v !== undefined && (target.values[k] === null || target.values[k] === undefined)) target.values[k] = v;
      for (const [k, v] of Object.entries(c.extra)) if (k !== '__merge' && target.extra[k] === undefined) target.extra[k] = v;
      n.merged++;
    }
  }
  return out;
}

/** A response without a course number belongs to the last course that started before the assessment. */
function assignCourse(c: Candidate, index: Map<string, CycleInfo[]>): void {
  const t = Date.parse(String(c.values.assessed_at));
  const before = (index.get(String(c.values.patient_key)) ?? []).filter((i) => i.startMs < t);
  if (before.length === 0) {
    c.problems.push({ field: 'course_number', raw: c.values.assessed_at, check: 'no_course', message: 'the assessment precedes every cycle of the patient, so no course can be assigned' });
    return;
  }
  c.values.course_number = Math.max(...before.map((i) => i.course_number));
}

/** Rate events → segments: each event's rate lasts until the next event of the same patient and agent. */
function closeRateEvents(list: Candidate[]): Candidate[] {
  const groups = new Map<string, Candidate[]>();
  for (const c of list) {
    if (INFUSION_AGENTS[String(c.values.agent) as keyof typeof INFUSION_AGENTS]?.kind === 'fluid_bolus') continue; // boluses are instants
    const k = `${String(c.values.patient_key)}|${String(c.values.agent)}`;
    let g = groups.get(k);
    if (!g) groups.set(k, (g = []));
    g.push(c);
  }
  for (const g of groups.values()) {
    g.sort((a, b) => String(a.values.start_at).localeCompare(String(b.values.start_at)) || (a.where.row ?? 0) - (b.where.row ?? 0));
    g.forEach((c, i) => {
      const next = g[i + 1];
      if (c.values.end_at === undefined || c.values.end_at === null) c.values.end_at = next ? next.values.start_at : null;
      if (c.values.rate === null || c.values.rate === undefined) c.values.rate = 0; // a stop event: rate 0 from then on
    });
  }
  return list;
}

function timeOf(c: Candidate): string | null {
  const v = c.values.observed_at ?? c.values.start_at ?? c.values.onset_at;
  return typeof v === 'string' ? v : null;
}

function attachCycle(c: Candidate, index: Map<string, CycleInfo[]>): void {
  const patient = String(c.values.patient_key);
  const co = c.extra.course_number;
  const cy = c.extra.cycle_number;
  if (co !== undefined && co !== null && cy !== undefined && cy !== null) {
    const id = `${patient}-c${Number(co)}.${Number(cy)}`;
    c.values.cycle_id = (index.get(patient) ?? []).some((i) => i.cycle_id === id) ? id : null;
  } else {
    const t = typeof c.extra.__ms === 'number' ? c.extra.__ms : timeOf(c) === null ? null : Date.parse(timeOf(c)!);
    c.values.cycle_id = t === null ? null : (cycleAt(index, patient, t)?.cycle_id ?? null);
  }
}

/** Infusion rates and volumes to canonical units; mcg/min needs the cycle's dosing weight. */
function finishInfusion(c: Candidate, index: Map<string, CycleInfo[]>): void {
  const agent = String(c.values.agent) as keyof typeof INFUSION_AGENTS;
  const def = INFUSION_AGENTS[agent];
  c.values.value_raw = c.extra.rate__raw ?? c.extra.volume_ml__raw ?? null;
  c.values.value_raw = c.values.value_raw === null ? null : String(c.values.value_raw);
  if (!def) return; // the schema reports the unknown agent
  if (c.values.end_at === undefined) c.values.end_at = null;
  if (def.kind === 'fluid_bolus') {
    const unit = c.extra.volume_ml__unit ?? c.extra.rate__unit ?? 'mL';
    c.values.unit_raw = String(unit);
    const v = c.values.volume_ml ?? c.values.rate;
    c.values.rate = null;
    c.values.rate_unit = null;
    c.values.volume_ml = convert(c, 'fluid_volume', v, String(unit), {});
    return;
  }
  const unit = c.extra.rate__unit;
  c.values.unit_raw = unit === undefined || unit === null ? null : String(unit);
  c.values.volume_ml = null;
  c.values.rate_unit = def.unit;
  if (unit === undefined || unit === null) {
    c.problems.push({ field: 'rate', raw: c.values.rate, check: 'unit_missing', message: `no unit for the ${agent} rate; give unit: or unit_from: in the spec` });
    return;
  }
  const t = Date.parse(String(c.values.start_at));
  const weight = typeof c.extra.dosing_weight_kg === 'number' ? c.extra.dosing_weight_kg : (cycleAt(index, String(c.values.patient_key), t)?.dosing_weight_kg ?? null);
  c.values.rate = convert(c, def.kind === 'vasopressor' ? 'vasopressor' : 'fluid_rate', c.values.rate, String(unit), { weight_kg: weight });
}

function convert(c: Candidate, domain: string, v: unknown, unit: string, ctx: { weight_kg?: number | null }): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v.replace(',', '.')) : null;
  if (n === null) return null;
  if (!Number.isFinite(n)) {
    c.problems.push({ field: 'rate', raw: v, check: 'number_format', message: `${JSON.stringify(v)} is not a number` });
    return null;
  }
  try {
    return Math.round(toCanonical(domain, n, unit, ctx) * 1e4) / 1e4;
  } catch (e) {
    if (!(e instanceof ConversionError)) throw e;
    c.problems.push({ field: 'rate', raw: `${String(v)} ${unit}`, check: ctx.weight_kg === null ? 'weight_missing' : 'unknown_unit', message: `${e.message}${ctx.weight_kg === null ? ': the infusion falls in no cycle with a dosing weight' : ''}` });
    return null;
  }
}

function ageAt(birth: string, atMs: number): number | null {
  const b = Date.parse(birth);
  if (Number.isNaN(b)) return null;
  const d = new Date(b);
  const a = new Date(atMs);
  let age = a.getUTCFullYear() - d.getUTCFullYear();
  if (a.getUTCMonth() < d.getUTCMonth() || (a.getUTCMonth() === d.getUTCMonth() && a.getUTCDate() < d.getUTCDate())) age--;
  return age;
}


/** The source row of each candidate, for merging row-path records with columnar ones in row order. */
function candidateRows(candidates: Candidate[], rows: SourceData['rows'], ndjson: boolean): number[] {
  if (!ndjson) return candidates.map((c) => c.where.row ?? 0);
  // NDJSON candidates are located by pointer ("line N"), the row number of their line.
  const byPointer = new Map(rows.map((r) => [r.pointer, r.row]));
  return candidates.map((c) => byPointer.get(c.where.pointer) ?? 0);
}
