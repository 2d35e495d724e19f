// `il2kit holds`'s per-slot output: every ruleset's decision at every compared slot, streamed from typed arrays into
// DuckDB (appender, 2,048-row integer chunks) and out as Parquet, one file per centre × ruleset:
// <out>/slot_decisions/centre_id=<centre>/ruleset_id=<ruleset>/data.parquet, every column kept (as the store's files).
// Slot identity (centre, patient, cycle, slot, recorded status) goes in once, dictionary-coded; a ruleset then adds
// five integers a slot, so no string or object grows with the number of slots on the JavaScript side.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBDataChunk, INTEGER, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import { DECISIONS } from '../../rules/engine.js';
import type { SlotFeatureFrame } from '../../rules/features.js';
import { SLOT_CLASSES, type SlotDecisionColumns } from '../../analytics/practice/index.js';
import { createDuckDB } from '../../pipelines/store/engine.js';
import { sql } from '../../pipelines/store/sql.js';

export const SLOT_DECISIONS = 'slot_decisions';
const CHUNK = 2048;

/** Appends integer columns of equal length to `table` in DuckDB-sized chunks. */
async function appendInts(conn: DuckDBConnection, table: string, columns: readonly ArrayLike<number>[], n: number): Promise<void> {
  const appender = await conn.createAppender(table);
  try {
    for (let at = 0; at < n; at += CHUNK) {
      const m = Math.min(CHUNK, n - at);
      const chunk = DuckDBDataChunk.create(columns.map(() => INTEGER), m);
      columns.forEach((col, c) => {
        const v = chunk.getColumnVector(c);
        for (let j = 0; j < m; j++) v.setItem(j, col[at + j]!);
        v.flush();
      });
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

/** Appends (id, text…) rows: a dictionary table. */
async function appendDict(conn: DuckDBConnection, table: string, rows: readonly (readonly string[])[]): Promise<void> {
  const appender: DuckDBAppender = await conn.createAppender(table);
  try {
    rows.forEach((texts, id) => {
      appender.appendInteger(id);
      for (const t of texts) appender.appendVarchar(t);
      appender.endRow();
    });
    appender.flushSync();
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

/** Loads the frame's slot identity into table `slot` (i, centre_id, patient_key, cycle_id, slot_number, recorded). */
async function loadSlots(conn: DuckDBConnection, frame: SlotFeatureFrame): Promise<void> {
  const cols = {
    centre_id: codeColumn(frame.centre_id),
    patient_key: codeColumn(frame.patient_key),
    cycle_id: codeColumn(frame.cycle_id),
    recorded: codeColumn(frame.status),
  };
  for (const [name, { dict }] of Object.entries(cols)) {
    await conn.run(`CREATE TABLE d_${name} (id INTEGER, ${name} VARCHAR)`);
    await appendDict(conn, `d_${name}`, dict.map((v) => [v]));
  }
  await conn.run('CREATE TABLE s (i INTEGER, centre_id INTEGER, patient_key INTEGER, cycle_id INTEGER, slot_number INTEGER, recorded INTEGER)');
  const index = Int32Array.from({ length: frame.n }, (_, i) => i);
  await appendInts(conn, 's', [index, cols.centre_id.codes, cols.patient_key.codes, cols.cycle_id.codes, frame.slot_number, cols.recorded.codes], frame.n);
  await conn.run(`CREATE TABLE slot AS SELECT s.i, c.centre_id, p.patient_key, y.cycle_id, s.slot_number, r.recorded FROM s
    JOIN d_centre_id c ON c.id = s.centre_id JOIN d_patient_key p ON p.id = s.patient_key JOIN d_cycle_id y ON y.id = s.cycle_id
      JOIN d_recorded r ON r.id = s.recorded`);
  await conn.run('DROP TABLE s');
}

/**
 * Writes every ruleset's per-slot decisions under <outDir>/slot_decisions/ (one Parquet file per centre × ruleset, rows
 * in frame order) and returns the rows written. `passes` yields one ruleset's columns at a time.
 * @example await writeSlotDecisions('out/analyses/holds', frame, columnsPerRuleset)
 */
export async function writeSlotDecisions(outDir: string, frame: SlotFeatureFrame, passes: Iterable<SlotDecisionColumns>): Promise<number> {
  const root = join(outDir, SLOT_DECISIONS);
  rmSync(root, { recursive: true, force: true });
  const db = await createDuckDB(':memory:');
  const conn = db.conn;
  let rows = 0;
  try {
    await loadSlots(conn, frame);
    const centres = centreRanges(frame);
    await conn.run(`CREATE TABLE d_decision (id INTEGER, decision VARCHAR)`);
    await appendDict(conn, 'd_decision', DECISIONS.map((d) => [d]));
    await conn.run(`CREATE TABLE d_class (id INTEGER, class VARCHAR)`);
    await appendDict(conn, 'd_class', SLOT_CLASSES.map((c) => [c]));
    for (const cols of passes) {
      await conn.run('CREATE OR REPLACE TABLE p (i INTEGER, decision INTEGER, class INTEGER, fired INTEGER, cannot INTEGER)');
      await appendInts(conn, 'p', [cols.slot, cols.decision, cols.cls, cols.fired, cols.cannot], cols.n);
      await conn.run('CREATE OR REPLACE TABLE d_fired (id INTEGER, fired_rules VARCHAR, fired_status VARCHAR)');
      await appendDict(conn, 'd_fired', cols.firedSets.map((f) => [f.rules, f.status]));
      await conn.run('CREATE OR REPLACE TABLE d_cannot (id INTEGER, cannot_evaluate VARCHAR)');
      await appendDict(conn, 'd_cannot', cols.cannotSets.map((c) => [c]));
      for (const [centre, [lo, hi]] of centres) {
        const dir = join(root, `centre_id=${centre}`, `ruleset_id=${cols.ruleset_id}`);
        mkdirSync(dir, { recursive: true });
        await conn.run(`COPY (
          SELECT ${sql(cols.ruleset_id)} AS ruleset_id, ${sql(cols.ruleset_status)} AS ruleset_status, s.centre_id, s.patient_key, s.cycle_id,
                 s.slot_number, s.recorded, dd.decision, dc.class, f.fired_rules, f.fired_status, c.cannot_evaluate
          FROM p JOIN slot s ON s.i = p.i JOIN d_decision dd ON dd.id = p.decision JOIN d_class dc ON dc.id = p.class
               JOIN d_fired f ON f.id = p.fired JOIN d_cannot c ON c.id = p.cannot
          WHERE p.i BETWEEN ${lo} AND ${hi} AND s.i BETWEEN ${lo} AND ${hi} AND s.centre_id = ${sql(centre)} ORDER BY p.i
        ) TO ${sql(join(dir, 'data.parquet'))} (FORMAT parquet)`);
      }
      rows += cols.n;
    }
  } finally {
    db.close();
  }
  return rows;
}
