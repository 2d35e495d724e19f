// `il2kit holds`'s per-slot output: every ruleset's decision at every compared slot, one Parquet file per centre ×
// ruleset: <out>/slot_decisions/centre_id=<centre>/ruleset_id=<ruleset>/data.parquet, every column kept (as the store's
// files). Every text column is an ENUM from the start: the slots' identity (patient, cycle, recorded status) is coded
// once per centre, a ruleset's decisions, classes and rule lists per ruleset, and the appender takes each column as
// the ENUM's integer codes, copied from typed arrays 2,048 rows at a time. DuckDB then writes a table scan as it is: no
// join, no sort, and the Parquet writer takes an ENUM's dictionary instead of hashing a string a row. The files read
// back as VARCHAR, the same rows in the same order (decisions 59 and 60).
//
// The writes overlap the analysis (issue 25): `add` queues a ruleset's appends and COPYs on a connection of its own,
// which DuckDB runs on its threads while JavaScript evaluates the next ruleset. Files go to a staging folder beside the
// output; `publish` moves it into place once every write has finished, so a failed run leaves the previous slot
// decisions as they were.
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBDataChunk, type DuckDBAppender, type DuckDBConnection, type DuckDBType } from '@duckdb/node-api';
import { DECISIONS, firstAtOrAfter } from '../../rules/engine.js';
import type { SlotFeatureFrame } from '../../rules/features.js';
import { SLOT_CLASSES } from '../../analytics/practice/classify.js';
import type { SlotDecisionColumns } from '../../analytics/practice/slot-decisions.js';
import { createDuckDB, type DuckDB } from '../../pipelines/store/engine.js';
import { sql } from '../../pipelines/store/sql.js';

export const SLOT_DECISIONS = 'slot_decisions';
const CHUNK = 2048;

/** Codes a string column of the frame against a dictionary built on the way (first-seen order). */
function codeColumn(values: readonly string[]): { codes: Int32Array; dict: string[] } {
  const ids = new Map<string, number>();
  const dict: string[] = [];
  const codes = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    let id = ids.get(v);
    if (id === undefined) ids.set(v, (id = dict.push(v) - 1));
    codes[i] = id;
  }
  return { codes, dict };
}

/** Each centre's first and last frame row (a frame's rows come centre by centre; the range only narrows the scan). */
function centreRanges(frame: SlotFeatureFrame): Map<string, [number, number]> {
  const ranges = new Map<string, [number, number]>();
  for (let i = 0; i < frame.n; i++) {
    const r = ranges.get(frame.centre_id[i]!);
    if (r === undefined) ranges.set(frame.centre_id[i]!, [i, i]);
    else r[1] = i;
  }
  return new Map([...ranges].sort((a, b) => a[0].localeCompare(b[0])));
}

/** A frame's slot identity, coded (a typed array per column, dictionaries of the strings): what the writer needs of the frame. */
export interface SlotIdentity {
  n: number;
  centre_id: { codes: Int32Array; dict: string[] };
  patient_key: { codes: Int32Array; dict: string[] };
  cycle_id: { codes: Int32Array; dict: string[] };
  recorded: { codes: Int32Array; dict: string[] };
  slot_number: Int32Array;
  /** Each centre's first and last frame row, in centre_id order. */
  centres: [string, [number, number]][];
}

/** The frame's slot identity, coded once (on the thread that holds the frame). */
export function slotIdentity(frame: SlotFeatureFrame): SlotIdentity {
  return {
    n: frame.n,
    centre_id: codeColumn(frame.centre_id),
    patient_key: codeColumn(frame.patient_key),
    cycle_id: codeColumn(frame.cycle_id),
    recorded: codeColumn(frame.status),
    slot_number: Int32Array.from(frame.slot_number as ArrayLike<number>),
    centres: [...centreRanges(frame)],
  };
}

/** One text column as an ENUM: its values (sorted, distinct) and each source code's index into them (-1: unused). */
interface EnumCoding {
  values: string[];
  index: Int32Array;
}

/** The ENUM of the dictionary entries the codes use (sorted), and each dictionary code's index into it. */
function enumOf(dict: readonly string[], used: Iterable<number>): EnumCoding {
  const values = [...new Set([...used].map((c) => dict[c]!))].sort();
  const at = new Map(values.map((v, k) => [v, k]));
  return { values, index: Int32Array.from(dict, (v) => at.get(v) ?? -1) };
}

const enumSql = (values: readonly string[]): string => `ENUM (${values.map(sql).join(', ')})`;

/** One centre's slice of the slot identity: its rows, and its patients, cycles and recorded statuses as ENUMs. */
interface CentreSlots {
  centre: string;
  lo: number;
  hi: number;
  patient: EnumCoding;
  cycle: EnumCoding;
  recorded: EnumCoding;
}

function centreSlots(ids: SlotIdentity): CentreSlots[] {
  return ids.centres.map(([centre, [lo, hi]]) => {
    const used = (codes: Int32Array): Set<number> => new Set(codes.subarray(lo, hi + 1));
    return {
      centre, lo, hi, patient: enumOf(ids.patient_key.dict, used(ids.patient_key.codes)), cycle: enumOf(ids.cycle_id.dict, used(ids.cycle_id.codes)),
      recorded: enumOf(ids.recorded.dict, used(ids.recorded.codes)),
    };
  });
}

/** Slot identity columns of a centre's table (after ruleset, status and centre, which are constants), in file order. */
const SLOT_COLUMNS = ['patient_key', 'cycle_id', 'slot_number', 'recorded'] as const;
/** A ruleset's columns of a centre's table, in file order. */
const DECISION_COLUMNS = ['decision', 'class', 'fired_rules', 'fired_status', 'cannot_evaluate'] as const;

/** Per-ruleset ENUMs of the rule-list columns: each fired list's index into fired_rules' and fired_status' values. */
interface RulesetEnums {
  firedRules: EnumCoding;
  firedStatus: EnumCoding;
  cannot: EnumCoding;
}

function rulesetEnums(cols: SlotDecisionColumns): RulesetEnums {
  const all = (n: number) => Array.from({ length: n }, (_, k) => k);
  const rules = cols.firedSets.map((f) => f.rules);
  const status = cols.firedSets.map((f) => f.status);
  return {
    firedRules: enumOf(rules, all(rules.length)), firedStatus: enumOf(status, all(status.length)), cannot: enumOf(cols.cannotSets, all(cols.cannotSets.length)),
  };
}

/** A chunk vector's own typed array (node-api keeps it private): written in place, then flushed, no per-value call. */
type Items = { items: { [i: number]: number }; flush: () => void };

/** A 2,048-row chunk and its vectors, reused for every table of the same column types. */
interface Chunk {
  chunk: DuckDBDataChunk;
  vectors: Items[];
}

/**
 * A chunk of the appender's column types. Made once per set of types and reused (its row count set per append): node-api
 * converts an ENUM's values each time a type, chunk or vector is made, and a ruleset's rule lists run to thousands.
 */
function chunkFor(appender: DuckDBAppender, columns: number): Chunk {
  const types: DuckDBType[] = Array.from({ length: columns }, (_, k) => appender.columnType(k));
  const chunk = DuckDBDataChunk.create(types, CHUNK);
  return { chunk, vectors: types.map((_, k) => chunk.getColumnVector(k) as unknown as Items) };
}

/** Appends `count` rows through `c`: `fill(items, column, from, m)` writes each column's codes for rows from..from+m in place. */
function appendChunks(appender: DuckDBAppender, c: Chunk, count: number, fill: (items: Items['items'], column: number, from: number, m: number) => void): void {
  for (let at = 0; at < count; at += CHUNK) {
    const m = Math.min(CHUNK, count - at);
    c.chunk.rowCount = m;
    c.vectors.forEach((v, k) => {
      fill(v.items, k, at, m);
      v.flush();
    });
    appender.appendDataChunk(c.chunk);
  }
  appender.flushSync();
}

/** A centre's slot identity for the given frame rows, as ENUM codes: the table a ruleset's decisions are joined to by position. */
function appendSlots(appender: DuckDBAppender, ids: SlotIdentity, c: CentreSlots, rows: Int32Array): void {
  const codes: (Int32Array | null)[] = [ids.patient_key.codes, ids.cycle_id.codes, null, ids.recorded.codes];
  const index: (Int32Array | null)[] = [c.patient.index, c.cycle.index, null, c.recorded.index];
  appendChunks(appender, chunkFor(appender, SLOT_COLUMNS.length), rows.length, (items, k, from, m) => {
    const code = codes[k] ?? null, at = index[k] ?? null;
    if (code === null || at === null) for (let t = 0; t < m; t++) items[t] = ids.slot_number[rows[from + t]!]!;
    else {
      let bad = 0;
      for (let t = 0; t < m; t++) bad |= items[t] = at[code[rows[from + t]!]!]!;
      // A code outside its ENUM would make a corrupt file (DuckDB does not check a chunk's codes): -1 marks an unused entry.
      if (bad < 0) throw new Error(`SlotDecisionWriter: a slot of ${c.centre} has a ${SLOT_COLUMNS[k]} outside the centre's values`);
    }
  });
}

/** One ruleset's decisions at rows [lo, hi) of its columns (one centre's), as ENUM codes. */
function appendDecisions(appender: DuckDBAppender, chunk: Chunk, cols: SlotDecisionColumns, e: RulesetEnums, lo: number, hi: number): void {
  appendChunks(appender, chunk, hi - lo, (items, k, from, m) => {
    const r0 = lo + from;
    if (k === 0) for (let t = 0; t < m; t++) items[t] = cols.decision[r0 + t]!;
    else if (k === 1) for (let t = 0; t < m; t++) items[t] = cols.cls[r0 + t]!;
    else if (k === 2) for (let t = 0; t < m; t++) items[t] = e.firedRules.index[cols.fired[r0 + t]!]!;
    else if (k === 3) for (let t = 0; t < m; t++) items[t] = e.firedStatus.index[cols.fired[r0 + t]!]!;
    else for (let t = 0; t < m; t++) items[t] = e.cannot.index[cols.cannot[r0 + t]!]!;
  });
}

const sameRows = (a: Int32Array, b: Int32Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Writes every ruleset's per-slot decisions (one Parquet file per centre × ruleset, rows in frame order) while the
 * analysis runs: open it with the number of rulesets, `add` each ruleset's columns as they come, then `publish`.
 * @example const w = await SlotDecisionWriter.open('out/analyses/holds', frame, 10); … w.add(cols) …; await w.publish()
 */
export class SlotDecisionWriter {
  private rows = 0;
  private next = 0;
  /** Each ruleset's appends, one after another (a ruleset's arrays are read once, then let go). */
  private appends: Promise<unknown> = Promise.resolve();
  private readonly copies: Promise<unknown>[] = [];

  private constructor(
    private readonly db: DuckDB,
    private readonly staging: string,
    private readonly root: string,
    private readonly conns: DuckDBConnection[],
    private readonly ids: SlotIdentity,
    private readonly centres: CentreSlots[],
  ) {}

  static async open(outDir: string, frame: SlotFeatureFrame, rulesets: number): Promise<SlotDecisionWriter> {
    return SlotDecisionWriter.openCoded(outDir, slotIdentity(frame), rulesets);
  }

  /** `open` from the frame's coded slot identity (slotIdentity), e.g. on a writer thread that does not hold the frame. */
  static async openCoded(outDir: string, ids: SlotIdentity, rulesets: number): Promise<SlotDecisionWriter> {
    const staging = join(outDir, `.${SLOT_DECISIONS}.tmp-${process.pid}`);
    rmSync(staging, { recursive: true, force: true });
    const db = await createDuckDB(':memory:');
    try {
      const centres = centreSlots(ids);
      await db.conn.run(`CREATE TYPE e_decision AS ${enumSql([...DECISIONS])}; CREATE TYPE e_class AS ${enumSql([...SLOT_CLASSES])}`);
      for (const [j, c] of centres.entries()) {
        await db.conn.run(
          `CREATE TYPE e_centre_${j} AS ${enumSql([c.centre])}; CREATE TYPE e_patient_key_${j} AS ${enumSql(c.patient.values)};
           CREATE TYPE e_cycle_id_${j} AS ${enumSql(c.cycle.values)}; CREATE TYPE e_recorded_${j} AS ${enumSql(c.recorded.values)}`,
        );
        mkdirSync(join(staging, `centre_id=${c.centre}`), { recursive: true });
      }
      const conns: DuckDBConnection[] = [];
      for (let k = 0; k < rulesets; k++) conns.push(await db.connect());
      return new SlotDecisionWriter(db, staging, join(outDir, SLOT_DECISIONS), conns, ids, centres);
    } catch (e) {
      db.close();
      throw e;
    }
  }

  /**
   * Queues one ruleset's decisions: appended after the rulesets before it, then written by DuckDB on its threads while
   * the caller goes on. A failure is reported by `written` and `publish`.
   */
  add(cols: SlotDecisionColumns): void {
    const k = this.next++;
    const conn = this.conns[k];
    if (conn === undefined) throw new Error(`SlotDecisionWriter: more rulesets than the ${this.conns.length} it was opened for`);
    for (const c of this.centres) mkdirSync(join(this.staging, `centre_id=${c.centre}`, `ruleset_id=${cols.ruleset_id}`), { recursive: true });
    const appended = this.appends.then(() => this.append(k, conn, cols));
    this.appends = appended.catch(() => undefined);
    // Started once its tables are appended (node-api queues the query at the call); a rejection is kept for publish.
    const copy = appended.then((statements) => conn.run(statements));
    copy.catch(() => undefined);
    this.copies.push(copy);
    this.rows += cols.n;
  }

  /** Each centre's slot tables so far: the frame rows they hold and the table's name (shared by rulesets with the same rows). */
  private readonly slotTables: { rows: Int32Array; table: string }[][] = [];

  /**
   * Ruleset k's decisions, one table a centre, appended; returns the COPY statements that write each beside its slot
   * identity (a positional join: same rows, same order) and drop it. Rulesets compare the same slots (given or held), so
   * a centre's slot table is appended once and shared; a ruleset comparing other slots gets one of its own.
   */
  private async append(k: number, conn: DuckDBConnection, cols: SlotDecisionColumns): Promise<string> {
    const e = rulesetEnums(cols);
    await conn.run(
      `CREATE TYPE e_ruleset_${k} AS ${enumSql([cols.ruleset_id])}; CREATE TYPE e_ruleset_status_${k} AS ${enumSql([cols.ruleset_status])};
       CREATE TYPE e_fired_rules_${k} AS ${enumSql(e.firedRules.values)}; CREATE TYPE e_fired_status_${k} AS ${enumSql(e.firedStatus.values)};
       CREATE TYPE e_cannot_evaluate_${k} AS ${enumSql(e.cannot.values)}`,
    );
    const copies: string[] = [];
    // One chunk for the ruleset's tables: they share their ENUM types.
    let chunk: Chunk | null = null;
    for (const [j, c] of this.centres.entries()) {
      const lo = firstAtOrAfter(cols.slot, c.lo);
      const hi = firstAtOrAfter(cols.slot, c.hi + 1);
      const slots = await this.slotTable(conn, j, cols.slot.subarray(lo, hi));
      const table = `q_${k}_${j}`;
      const types = ['e_decision', 'e_class', `e_fired_rules_${k}`, `e_fired_status_${k}`, `e_cannot_evaluate_${k}`];
      await conn.run(`CREATE TABLE ${table} (${DECISION_COLUMNS.map((col, x) => `${col} ${types[x]}`).join(', ')})`);
      const appender = await conn.createAppender(table);
      try {
        appendDecisions(appender, (chunk ??= chunkFor(appender, DECISION_COLUMNS.length)), cols, e, lo, hi);
      } finally {
        appender.closeSync();
      }
      const file = join(this.staging, `centre_id=${c.centre}`, `ruleset_id=${cols.ruleset_id}`, 'data.parquet');
      copies.push(
        `COPY (SELECT ${sql(cols.ruleset_id)}::e_ruleset_${k} AS ruleset_id, ${sql(cols.ruleset_status)}::e_ruleset_status_${k} AS ruleset_status,
           ${sql(c.centre)}::e_centre_${j} AS centre_id, ${[...SLOT_COLUMNS, ...DECISION_COLUMNS].join(', ')} FROM ${slots} POSITIONAL JOIN ${table})
         TO ${sql(file)} (FORMAT parquet); DROP TABLE ${table}`,
      );
    }
    return copies.join(';\n');
  }

  /** The name of centre j's slot table holding exactly these frame rows, appended the first time they are asked for. */
  private async slotTable(conn: DuckDBConnection, j: number, rows: Int32Array): Promise<string> {
    const made = (this.slotTables[j] ??= []);
    const hit = made.find((t) => sameRows(t.rows, rows));
    if (hit !== undefined) return hit.table;
    const table = `slot_${j}_${made.length}`;
    const types = [`e_patient_key_${j}`, `e_cycle_id_${j}`, 'INTEGER', `e_recorded_${j}`];
    await conn.run(`CREATE TABLE ${table} (${SLOT_COLUMNS.map((col, x) => `${col} ${types[x]}`).join(', ')})`);
    const appender = await conn.createAppender(table);
    try {
      appendSlots(appender, this.ids, this.centres[j]!, rows);
    } finally {
      appender.closeSync();
    }
    made.push({ rows: rows.slice(), table });
    return table;
  }

  /** Waits for every write; then `beforeMove` (e.g. clearing the old outputs), and moves the files into place. Returns the rows written. */
  async publish(beforeMove: () => void = () => undefined): Promise<number> {
    try {
      await this.written();
      beforeMove();
      return this.move();
    } finally {
      this.close();
    }
  }

  /** Waits for every write (publish's first half; rejects with a write's error). */
  async written(): Promise<void> {
    await Promise.all(this.copies);
  }

  /** Moves the written files into place (publish's second half) and closes; returns the rows written. */
  move(): number {
    try {
      rmSync(this.root, { recursive: true, force: true });
      renameSync(this.staging, this.root);
      return this.rows;
    } finally {
      this.close();
    }
  }

  /** Stops without publishing (after a failure): waits for the writes already started, then drops the staging folder. */
  async discard(): Promise<void> {
    await Promise.allSettled(this.copies);
    this.close();
  }

  private closed = false;

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
    rmSync(this.staging, { recursive: true, force: true });
  }
}

/**
 * Writes every ruleset's per-slot decisions under <outDir>/slot_decisions/ (one Parquet file per centre × ruleset, rows
 * in frame order) and returns the rows written.
 * @example await writeSlotDecisions('out/analyses/holds', frame, columnsPerRuleset)
 */
export async function writeSlotDecisions(outDir: string, frame: SlotFeatureFrame, passes: readonly SlotDecisionColumns[]): Promise<number> {
  const writer = await SlotDecisionWriter.open(outDir, frame, passes.length);
  try {
    for (const cols of passes) writer.add(cols);
  } catch (e) {
    await writer.discard();
    throw e;
  }
  return writer.publish();
}
