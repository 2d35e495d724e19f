// `il2kit holds`'s per-slot output: every ruleset's decision at every compared slot, streamed from typed arrays into
// DuckDB (appender, 2,048-row integer chunks) and out as Parquet, one file per centre × ruleset:
// <out>/slot_decisions/centre_id=<centre>/ruleset_id=<ruleset>/data.parquet, every column kept (as the store's files).
// Slot identity (centre, patient, cycle, slot, recorded status) goes in once, dictionary-coded; a ruleset then adds
// five integers a slot, so no string or object grows with the number of slots on the JavaScript side. Every text
// column reaches the Parquet writer as an ENUM (the slots' per centre, the dictionaries' per ruleset): the writer takes
// an ENUM's dictionary as it is instead of hashing a string a row, which took two thirds of a file's CPU; the files
// read back as VARCHAR, the same rows (decision 59).
//
// The writes overlap the analysis (issue 25): `add` appends a ruleset's integers (synchronously, from the rule engine's
// callback) and starts its five COPYs on a connection of their own, which DuckDB runs on its threads while JavaScript
// evaluates the next ruleset. Files go to a staging folder beside the output; `publish` moves it into place once every
// write has finished, so a failed run leaves the previous slot decisions as they were.
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBDataChunk, INTEGER, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import { DECISIONS } from '../../rules/engine.js';
import type { SlotFeatureFrame } from '../../rules/features.js';
import { SLOT_CLASSES } from '../../analytics/practice/classify.js';
import type { SlotDecisionColumns } from '../../analytics/practice/slot-decisions.js';
import { createDuckDB, type DuckDB } from '../../pipelines/store/engine.js';
import { sql } from '../../pipelines/store/sql.js';

export const SLOT_DECISIONS = 'slot_decisions';
const CHUNK = 2048;

/** Appends integer columns of equal length to an open appender in DuckDB-sized chunks (typed-array copies, no per-value calls). */
function appendInts(appender: DuckDBAppender, columns: readonly ArrayLike<number>[], n: number): void {
  for (let at = 0; at < n; at += CHUNK) {
    const m = Math.min(CHUNK, n - at);
    const chunk = DuckDBDataChunk.create(columns.map(() => INTEGER), m);
    columns.forEach((col, c) => {
      const v = chunk.getColumnVector(c);
      // The vector's own Int32Array (node-api keeps it private): one bulk copy instead of a checked setItem a value.
      (v as unknown as { items: Int32Array }).items.set(slice(col, at, at + m));
      v.flush();
    });
    appender.appendDataChunk(chunk);
  }
  appender.flushSync();
}

/** Rows at..end of a typed array (a view) or of any other array-like (a copy). */
function slice(col: ArrayLike<number>, at: number, end: number): ArrayLike<number> {
  const typed = col as Partial<Int32Array>;
  return typeof typed.subarray === 'function' ? typed.subarray(at, end) : Array.prototype.slice.call(col, at, end);
}

/** Appends (id, text…) rows: a dictionary table. */
function appendDict(appender: DuckDBAppender, rows: readonly (readonly string[])[]): void {
  rows.forEach((texts, id) => {
    appender.appendInteger(id);
    for (const t of texts) appender.appendVarchar(t);
    appender.endRow();
  });
  appender.flushSync();
}

async function withAppender(conn: DuckDBConnection, table: string, f: (a: DuckDBAppender) => void): Promise<void> {
  const appender = await conn.createAppender(table);
  try {
    f(appender);
  } finally {
    appender.closeSync();
  }
}

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

/** Loads the slot identity into table `slot` (i, centre_id, patient_key, cycle_id, slot_number, recorded). */
async function loadSlots(conn: DuckDBConnection, ids: SlotIdentity): Promise<void> {
  const cols = { centre_id: ids.centre_id, patient_key: ids.patient_key, cycle_id: ids.cycle_id, recorded: ids.recorded };
  for (const [name, { dict }] of Object.entries(cols)) {
    await conn.run(`CREATE TABLE d_${name} (id INTEGER, ${name} VARCHAR)`);
    await withAppender(conn, `d_${name}`, (a) => appendDict(a, dict.map((v) => [v])));
  }
  await conn.run('CREATE TABLE s (i INTEGER, centre_id INTEGER, patient_key INTEGER, cycle_id INTEGER, slot_number INTEGER, recorded INTEGER)');
  const index = Int32Array.from({ length: ids.n }, (_, i) => i);
  const columns = [index, cols.centre_id.codes, cols.patient_key.codes, cols.cycle_id.codes, ids.slot_number, cols.recorded.codes];
  await withAppender(conn, 's', (a) => appendInts(a, columns, ids.n));
  // Per centre, its slots with the strings as ENUMs of that centre's values: Parquet's writer takes an ENUM's
  // dictionary as it is instead of hashing a string a row (about twice as fast a file; the files read back as VARCHAR).
  // Only the dictionaries are cast (the entries the centre uses); the slots join them on their integer codes.
  for (const [j, [centre, [lo, hi]]] of ids.centres.entries()) {
    const range = `s.i BETWEEN ${lo} AND ${hi} AND s.centre_id = ${ids.centre_id.dict.indexOf(centre)}`;
    for (const col of ['patient_key', 'cycle_id', 'recorded']) {
      const used = `id IN (SELECT DISTINCT s.${col} FROM s WHERE ${range})`;
      await conn.run(`CREATE TYPE e_${col}_${j} AS ENUM (SELECT ${col} FROM d_${col} WHERE ${used} AND ${col} IS NOT NULL ORDER BY 1)`);
      await conn.run(`CREATE TABLE x_${col}_${j} AS SELECT id, ${col}::e_${col}_${j} AS ${col} FROM d_${col} WHERE ${used}`);
    }
    await conn.run(`CREATE TYPE e_centre_${j} AS ENUM (${sql(centre)})`);
    await conn.run(`CREATE TABLE slot_${j} AS SELECT s.i, ${sql(centre)}::e_centre_${j} AS centre_id, p.patient_key, y.cycle_id, s.slot_number, r.recorded
      FROM s JOIN x_patient_key_${j} p ON p.id = s.patient_key JOIN x_cycle_id_${j} y ON y.id = s.cycle_id JOIN x_recorded_${j} r ON r.id = s.recorded
      WHERE ${range} ORDER BY s.i`);
  }
  await conn.run('DROP TABLE s');
  await conn.run(`CREATE TYPE e_decision AS ENUM (${DECISIONS.map(sql).join(', ')}); CREATE TABLE d_decision (id INTEGER, decision e_decision)`);
  await withAppender(conn, 'd_decision', (a) => appendDict(a, DECISIONS.map((d) => [d])));
  await conn.run(`CREATE TYPE e_class AS ENUM (${SLOT_CLASSES.map(sql).join(', ')}); CREATE TABLE d_class (id INTEGER, class e_class)`);
  await withAppender(conn, 'd_class', (a) => appendDict(a, SLOT_CLASSES.map((c) => [c])));
}

/** One ruleset's tables (p_k, d_fired_k, d_cannot_k), their appenders and the connection its COPYs run on. */
interface Slot {
  conn: DuckDBConnection;
  p: DuckDBAppender;
  fired: DuckDBAppender;
  cannot: DuckDBAppender;
}

/**
 * The COPYs of ruleset k's decisions, one per centre, in frame order (one statement list, run on the ruleset's
 * connection). Every text column is an ENUM (loadSlots makes the slots' ones, per centre).
 */
function copySql(k: number, cols: SlotDecisionColumns, centres: Map<string, [number, number]>, root: string): string {
  // The ruleset's dictionaries as ENUMs too, cast once (values distinct; the ids keep pointing at them).
  const enums = [['fired', 'fired_rules'], ['fired', 'fired_status'], ['cannot', 'cannot_evaluate']]
    .map(([d, col]) => `CREATE TYPE e_${col}_${k} AS ENUM (SELECT DISTINCT ${col} FROM d_${d}_${k} ORDER BY 1)`)
    .concat([
      `CREATE TYPE e_ruleset_${k} AS ENUM (${sql(cols.ruleset_id)}); CREATE TYPE e_ruleset_status_${k} AS ENUM (${sql(cols.ruleset_status)})`,
      `CREATE TABLE f_${k} AS SELECT id, fired_rules::e_fired_rules_${k} AS fired_rules, fired_status::e_fired_status_${k} AS fired_status FROM d_fired_${k}`,
      `CREATE TABLE c_${k} AS SELECT id, cannot_evaluate::e_cannot_evaluate_${k} AS cannot_evaluate FROM d_cannot_${k}`,
    ]);
  const copies = [...centres].map(([centre, [lo, hi]], j) => {
    const file = join(root, `centre_id=${centre}`, `ruleset_id=${cols.ruleset_id}`, 'data.parquet');
    return `COPY (
          SELECT ${sql(cols.ruleset_id)}::e_ruleset_${k} AS ruleset_id, ${sql(cols.ruleset_status)}::e_ruleset_status_${k} AS ruleset_status,
                 s.centre_id, s.patient_key, s.cycle_id, s.slot_number, s.recorded, dd.decision, dc.class, f.fired_rules, f.fired_status,
                 c.cannot_evaluate
          FROM p_${k} p JOIN slot_${j} s ON s.i = p.i JOIN d_decision dd ON dd.id = p.decision JOIN d_class dc ON dc.id = p.class
               JOIN f_${k} f ON f.id = p.fired JOIN c_${k} c ON c.id = p.cannot
          WHERE p.i BETWEEN ${lo} AND ${hi} ORDER BY p.i
        ) TO ${sql(file)} (FORMAT parquet)`;
  });
  return enums.concat(copies).join(';\n');
}

/**
 * Writes every ruleset's per-slot decisions (one Parquet file per centre × ruleset, rows in frame order) while the
 * analysis runs: open it with the number of rulesets, `add` each ruleset's columns as they come, then `publish`.
 * @example const w = await SlotDecisionWriter.open('out/analyses/holds', frame, 10); … w.add(cols) …; await w.publish()
 */
export class SlotDecisionWriter {
  private rows = 0;
  private next = 0;
  private readonly copies: Promise<unknown>[] = [];

  private constructor(
    private readonly db: DuckDB,
    private readonly staging: string,
    private readonly root: string,
    private readonly slots: Slot[],
    private readonly centres: Map<string, [number, number]>,
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
      await loadSlots(db.conn, ids);
      const slots: Slot[] = [];
      for (let k = 0; k < rulesets; k++) {
        await db.conn.run(`CREATE TABLE p_${k} (i INTEGER, decision INTEGER, class INTEGER, fired INTEGER, cannot INTEGER);
          CREATE TABLE d_fired_${k} (id INTEGER, fired_rules VARCHAR, fired_status VARCHAR); CREATE TABLE d_cannot_${k} (id INTEGER, cannot_evaluate VARCHAR)`);
        const conn = await db.connect();
        const [p, fired, cannot] = [await conn.createAppender(`p_${k}`), await conn.createAppender(`d_fired_${k}`), await conn.createAppender(`d_cannot_${k}`)];
        slots.push({ conn, p, fired, cannot });
      }
      const centres = new Map(ids.centres);
      for (const centre of centres.keys()) mkdirSync(join(staging, `centre_id=${centre}`), { recursive: true });
      return new SlotDecisionWriter(db, staging, join(outDir, SLOT_DECISIONS), slots, centres);
    } catch (e) {
      db.close();
      throw e;
    }
  }

  /** Appends one ruleset's decisions and starts writing them (synchronous: DuckDB writes on its own threads). */
  add(cols: SlotDecisionColumns): void {
    const k = this.next++;
    const slot = this.slots[k];
    if (slot === undefined) throw new Error(`SlotDecisionWriter: more rulesets than the ${this.slots.length} it was opened for`);
    appendInts(slot.p, [cols.slot, cols.decision, cols.cls, cols.fired, cols.cannot], cols.n);
    appendDict(slot.fired, cols.firedSets.map((f) => [f.rules, f.status]));
    appendDict(slot.cannot, cols.cannotSets.map((c) => [c]));
    for (const a of [slot.p, slot.fired, slot.cannot]) a.closeSync();
    for (const centre of this.centres.keys()) mkdirSync(join(this.staging, `centre_id=${centre}`, `ruleset_id=${cols.ruleset_id}`), { recursive: true });
    // Started now (node-api queues the query at the call); its rejection is kept for publish, not left unhandled.
    const copy = slot.conn.run(copySql(k, cols, this.centres, this.staging));
    copy.catch(() => undefined);
    this.copies.push(copy);
    this.rows += cols.n;
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
