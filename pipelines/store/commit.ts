// Writes one centre's staged tables into the store in one DuckDB transaction, then exports that
// centre's Parquet files from the committed database. Other centres' rows and files are not touched.
//
//   open the store (DuckDB's file lock keeps other processes out until we close)
//   → bring any Parquet files a crashed run left stale up to date (recoverPending)
//   → BEGIN → delete the centre's rows → load its staging files, moving key duplicates to the
//     quarantine → rewrite the observation view (layout.ts) → bump il2kit_meta centre_version:<id> to V,
//     note parquet_version:<id> = V − 1
//   → COMMIT
//   → COPY the centre's rows of every table to Parquet files in <store>/.pending-<id>/, write V to
//     .pending-<id>/VERSION → rename each over parquet/<table>/centre_id=<id>/data.parquet
//   → remove .pending-<id> → parquet_version:<id> = V → close.
//
// The export runs after COMMIT because DuckDB reads a committed table about twice as fast as the
// rows a transaction has appended (measured: 2.0 s against 4.1 s for 5.7 M observations).
// Any error before COMMIT rolls the transaction back: the database and every Parquet file stay as
// they were. If the process dies:
// - before COMMIT: DuckDB never saw a commit, so reopening the file discards the transaction (its
//   WAL has no commit record); no Parquet file was touched.
// - after COMMIT: the database holds the new rows and version V while parquet_version:<id> is
//   still V − 1, so the next ingest into the store (any centre) publishes the centre's files
//   before it does anything else: by renaming a complete .pending-<id>/ (its VERSION is V), or by
//   exporting them again from the database. Both are idempotent, so dying during recovery is fine.
// Readers of Parquet files that run while a commit publishes may see the new files of some tables
// and the old of others for a few milliseconds; the DuckDB file is the consistent view.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { TABLES, TABLE_NAMES, type Centre, type TableName } from '../../schemas/index.js';
import {
  OBSERVATION_ROWS,
  OBSERVATION_SOURCE,
  PARQUET_DIR,
  PER_FILE_COLUMNS,
  QUARANTINE_ORDER,
  QUARANTINE_SQL,
  observationRowColumns,
  observationViewSql,
  exportRelation,
  orderBy,
  parquetFile,
  sql,
  storeTablesSql,
  tableColumns,
  type ObservationSource,
} from './layout.js';
import { readStagingSql } from './staging.js';
import { anyOrphans, orphanSql, quarantineOrphans } from './orphans.js';
import { explainOutOfMemory } from './memory.js';
import { createDuckDB, type DuckDB } from './engine.js';
import { StoreLayoutError, layoutHash } from './layout.js';
import { storeFile, type StoreTable } from './paths.js';

export { StoreLayoutError, layoutHash } from './layout.js';

export interface CommitResult {
  storeFile: string;
  parquetDir: string;
  /** Rows of this centre now stored, per table. */
  stored: Partial<Record<TableName, number>>;
  /** Records moved to the quarantine because another record has the same key, per table. */
  duplicates: Partial<Record<TableName, number>>;
  /** Records moved to the quarantine because their patient or cycle is not stored (store/orphans.ts), per table. */
  orphans: Partial<Record<TableName, number>>;
  quarantineRows: number;
  /** The centre's data version after this commit (il2kit_meta centre_version:<id>). */
  centreVersion: number;
  /** Time spent per phase of the commit (ms). */
  durations: Record<string, number>;
  /** The centre's patients, cycles and dose slots in the version this run replaces (null: never ingested before). */
  previous: Record<'patient' | 'cycle' | 'dose_slot', number> | null;
  /** Where this run's rows were kept instead of being published (verify said no), or null. */
  rejected: string | null;
}

/** Judges the centre's new rows inside the transaction, before COMMIT: a folder to keep them in when they must not be published, else null. */
export type VerifyCommit = (conn: DuckDBConnection, result: CommitResult) => Promise<string | null>;

export const STORE_TABLES: readonly StoreTable[] = [...TABLE_NAMES, 'quarantine'];

/** Test hooks: called just before COMMIT, just after it, and once the pending Parquet files are complete, before they are renamed into place. */
export const commitHooks: {
  beforeCommit?: () => void | Promise<void>;
  afterCommit?: () => void | Promise<void>;
  beforePublish?: () => void | Promise<void>;
} = {};

/** Tables whose key duplicates are resolved here (slots and cycles are resolved on the grid). */
const DEDUPE: TableName[] = ['patient', 'observation', 'infusion', 'clinical_event', 'response', 'response_assessment', 'follow_up'];
const PROVENANCE = new Set(['source_file', 'source_sha256', 'source_row', 'source_pointer', 'spec_id', 'spec_version']);
const VERSION_FILE = 'VERSION';
/** DuckDB storage format of new store files. */
export const STORAGE_VERSION = 'v1.3.0';

/** The store's database file opened for writing: DuckDB 1.3's storage format for a new file, FSST off. */
export async function openStore(path: string): Promise<DuckDB> {
  // A new store file is written in DuckDB 1.3's storage format (readable by DuckDB 1.3 and later): appending
  // lakeshore's 5.7 M observations took 5.6 s against 6.8 s in the default (0.10) format. A store created
  // earlier keeps its own format.
  const db = await createDuckDB(path, { storageVersion: STORAGE_VERSION });
  try {
    // FSST off: on the observation table it gave the same file size as without it (99.2 against
    // 99.5 MiB for 5.7 M rows) and its analysis made the insert about 18% slower.
    await db.conn.run("SET disabled_compression_methods = 'fsst'");
  } catch (e) {
    db.close();
    throw e;
  }
  return db;
}

/**
 * Replaces one centre's rows in the store with its staging CSVs (see the module comment).
 * `work` is a scratch folder of the run (each deduplicated table passes through a Parquet file there).
 */
export interface CommitOptions {
  storeDir: string;
  centreId: string;
  centre: Centre;
  staged: Partial<Record<StoreTable, string | string[]>>;
  work: string;
  verify?: VerifyCommit;
  meta?: Record<string, string>;
}

export async function commitCentre(opts: CommitOptions): Promise<CommitResult> {
  const { storeDir, centreId } = opts;
  mkdirSync(storeDir, { recursive: true });
  const durations: Record<string, number> = {};
  let mark = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    durations[name] = (durations[name] ?? 0) + (now - mark);
    mark = now;
  };
  const { conn, close } = await openStore(storeFile(storeDir));
  const result: CommitResult = {
    storeFile: storeFile(storeDir),
    parquetDir: join(storeDir, PARQUET_DIR),
    stored: {},
    duplicates: {},
    orphans: {},
    quarantineRows: 0,
    centreVersion: 0,
    durations,
    previous: null,
    rejected: null,
  };
  let committed = false;
  try {
    // Exports rely on scans keeping insertion order (the default; set here so it cannot drift).
    await conn.run('SET preserve_insertion_order = true');
    await recoverPending(conn, storeDir);
    lap('open_ms');
    await conn.run('BEGIN TRANSACTION');
    await checkLayout(conn, storeDir);
    for (const stmt of storeTablesSql()) await conn.run(stmt);
    await conn.run(QUARANTINE_SQL);
    result.previous = await previousCounts(conn, centreId);
    const step: CommitStep = { conn, opts, id: sql(centreId), result, lap, nextRecord: 0 };
    await replaceCentreRow(step);
    await loadQuarantine(step);
    for (const t of TABLE_NAMES) {
      if (t === 'centre') continue;
      const path = opts.staged[t];
      if (!path) result.stored[t] = 0;
      else if (!DEDUPE.includes(t)) await loadTable(step, t, path);
      else await loadDedupedTable(step, t, path);
    }
    await rewriteObservationView(conn);
    lap('view_ms');
    result.centreVersion = (await centreVersion(conn, centreId)) + 1;
    await conn.run(`INSERT OR REPLACE INTO il2kit_meta VALUES (${sql(versionKey(centreId))}, '${result.centreVersion}')`);
    // Until the export below finishes, the centre's Parquet files are the previous version's (recoverPending knows).
    await conn.run(`INSERT OR REPLACE INTO il2kit_meta VALUES (${sql(parquetKey(centreId))}, '${result.centreVersion - 1}')`);
    for (const [k, v] of Object.entries(opts.meta ?? {}))
      await conn.run(`INSERT OR REPLACE INTO il2kit_meta VALUES (${sql(k)}, ${sql(v)})`);
    lap('meta_ms');
    result.rejected = (await opts.verify?.(conn, result)) ?? null;
    if (result.rejected !== null) {
      await keepRejected(conn, result.rejected, centreId);
      await conn.run('ROLLBACK');
      committed = true; // nothing to roll back any more
      lap('rejected_ms');
      return result;
    }
    await commitHooks.beforeCommit?.();
    await conn.run('COMMIT');
    committed = true;
    lap('commit_ms');
    await commitHooks.afterCommit?.();
    await exportCentre(conn, storeDir, centreId, result.centreVersion, lap);
    await migrateLegacyParquet(conn, storeDir);
    lap('publish_ms');
  } catch (e) {
    if (!committed) await conn.run('ROLLBACK').catch(() => undefined);
    throw explainOutOfMemory(
      e,
      committed
        ? `publishing centre ${centreId}'s Parquet files (its rows are committed; the next ingest into this store publishes them)`
        : `storing centre ${centreId} (nothing in the store was changed)`,
    );
  } finally {
    close();
    lap('close_ms');
  }
  return result;
}

/** What the steps of one commit share: the open connection, the inputs, the result so far and the next quarantine record number. */
interface CommitStep {
  conn: DuckDBConnection;
  opts: CommitOptions;
  id: string;
  result: CommitResult;
  lap: (name: string) => void;
  nextRecord: number;
}

/** Deletes the centre's rows from every table and inserts its centre row. */
async function replaceCentreRow(c: CommitStep): Promise<void> {
  const { conn, opts, id } = c;
  for (const t of STORE_TABLES) {
    if (t === 'observation')
      for (const part of [OBSERVATION_ROWS, OBSERVATION_SOURCE]) await conn.run(`DELETE FROM ${part} WHERE centre_id = ${id}`);
    else await conn.run(`DELETE FROM ${t} WHERE centre_id = ${id}`);
  }
  c.lap('delete_ms');
  await conn.run(
    `INSERT INTO centre VALUES (${id}, ${sql(opts.centre.name)}, ${sql(opts.centre.country)}, ${sql(opts.centre.time_zone)}, ` +
      `${opts.centre.dose_iu_per_kg}, ${opts.centre.max_doses_per_cycle}, ` +
      `${opts.centre.local_ruleset_id === null ? 'NULL' : sql(opts.centre.local_ruleset_id)})`,
  );
  c.result.stored.centre = 1;
}

/** Loads the staged quarantine (rows the map and validate phases set aside); the next record number follows it. */
async function loadQuarantine(c: CommitStep): Promise<void> {
  const { conn, id } = c;
  const staged = c.opts.staged.quarantine;
  if (Array.isArray(staged)) throw new Error('the quarantine is staged in one file');
  if (staged) {
    c.result.quarantineRows += (await conn.run(`INSERT INTO quarantine ${readStagingSql('quarantine', staged)}`)).rowsChanged;
    c.nextRecord = Number(
      (await conn.runAndReadAll(`SELECT coalesce(max(record_id), 0) FROM quarantine WHERE centre_id = ${id}`)).getRows()[0]![0],
    );
  }
  c.lap('load_quarantine_ms');
}

/** A table without duplicate detection: its staging CSV inserted in key order, orphans quarantined. */
async function loadTable(c: CommitStep, t: TableName, path: string | string[]): Promise<void> {
  const { conn, result } = c;
  const centreId = c.opts.centreId;
  const cols = tableColumns(t).map((col) => col.name);
  const data = cols.filter((col) => !PROVENANCE.has(col));
  if (Array.isArray(path)) throw new Error(`staged parts are only read for deduplicated tables, not ${t}`);
  const rel = `(${readStagingSql(t, path)}) s`;
  const keyList = TABLES[t].key.map((k) => `s.${k}`).join(', ');
  const orphans = await anyOrphans(conn, t, rel, centreId);
  if (orphans) c.nextRecord += countOrphans(result, t, await quarantineOrphans(conn, t, rel, centreId, c.nextRecord, keyList, data));
  const where = orphans ? ` WHERE NOT (${orphanSql(t, 's', centreId)})` : '';
  result.stored[t] = (await conn.run(`INSERT INTO ${t} SELECT ${cols.join(', ')} FROM ${rel}${where} ORDER BY ${orderBy(t)}`)).rowsChanged;
  c.lap(`load_${t}_ms`);
}

/**
 * The staged parts of a deduplicated table as one relation, in source order: row-path CSVs (each converted to
 * Parquet once, in the work folder: its file_row_number is the record's order) and columnar Parquet files, whose
 * records carry their order (__r: row, __s: place in the row). (__p, __r, __s) is the order recorded.
 */
async function stagedParts(c: CommitStep, t: TableName, path: string | string[], cols: string[]): Promise<{ src: string; temps: string[] }> {
  const parts = Array.isArray(path) ? path : [path];
  const rels: string[] = [];
  const temps: string[] = [];
  for (const [p, file] of parts.entries()) {
    if (file.endsWith('.parquet')) rels.push(`SELECT ${cols.join(', ')}, ${p} AS __p, __r, __s FROM read_parquet(${sql(file)})`);
    else {
      const stg = join(c.opts.work, `${t}-${p}.stg.parquet`);
      await c.conn.run(`COPY (${readStagingSql(t, file)}) TO ${sql(stg)} (FORMAT parquet, COMPRESSION uncompressed)`);
      temps.push(stg);
      rels.push(
        `SELECT ${cols.join(', ')}, ${p} AS __p, file_row_number AS __r, 0 AS __s FROM read_parquet(${sql(stg)}, file_row_number = true)`,
      );
    }
  }
  return { src: `(${rels.join(' UNION ALL ')})`, temps };
}

/**
 * Ranks the rows of keys recorded more than once and quarantines all but the last recorded; returns how many.
 * Keys recorded more than once are found by grouping on a hash of the key (one 64-bit value, about twice as fast
 * as grouping on the key's columns); only their rows are ranked, by the key itself (a hash collision only ranks a
 * few more rows, each first of its key), and the last one recorded is kept (a later row is a correction).
 */
async function quarantineDuplicates(c: CommitStep, t: TableName, src: string, data: string[]): Promise<number> {
  const { conn, id } = c;
  const key = orderBy(t);
  const on = TABLES[t].key.map((k) => `l.${k} IS NOT DISTINCT FROM w.${k}`).join(' AND ');
  await conn.run(`CREATE OR REPLACE TEMP TABLE ranked AS
        SELECT *, row_number() OVER (PARTITION BY ${key} ORDER BY __p DESC, __r DESC, __s DESC) AS __rn
        FROM ${src} s WHERE hash(${key}) IN (SELECT hash(${key}) FROM ${src} k GROUP BY ALL HAVING count(*) > 1)`);
  const dupCount = Number((await conn.runAndReadAll('SELECT count(*) FROM ranked WHERE __rn > 1')).getRows()[0]![0]);
  if (dupCount > 0) {
    const same = data.map((col) => `l.${col} IS NOT DISTINCT FROM w.${col}`).join(' AND ');
    c.result.quarantineRows += (
      await conn.run(`INSERT INTO quarantine
          SELECT ${id}, ${c.nextRecord} + row_number() OVER (ORDER BY l.__p, l.__r, l.__s), '${t}', l.source_file, l.source_row, l.source_pointer, NULL, NULL,
            CASE WHEN ${same} THEN 'duplicate' ELSE 'superseded' END,
            CASE WHEN ${same} THEN 'duplicate of ' ELSE
              'same ${TABLES[t].key.join(' + ')} recorded again (kept as the correction) at ' END || w.source_file || ' ' ||
                coalesce(w.source_pointer, 'row ' || w.source_row),
            to_json(struct_pack(${data.map((col) => `${col} := l.${col}`).join(', ')}))::VARCHAR
          FROM ranked l JOIN ranked w ON ${on} AND w.__rn = 1 WHERE l.__rn > 1`)
    ).rowsChanged;
    c.nextRecord += dupCount;
    c.result.duplicates[t] = dupCount;
  }
  return dupCount;
}

/**
 * A deduplicated table. The staging CSV is converted to Parquet once (in the work folder): its file_row_number
 * is the record's order, and the duplicates are found before anything enters the table. (Deleting them after
 * inserting would be simpler, but a transaction that deletes rows it appended makes DuckDB rewrite the whole
 * append at COMMIT.)
 */
async function loadDedupedTable(c: CommitStep, t: TableName, path: string | string[]): Promise<void> {
  const { conn, result } = c;
  const centreId = c.opts.centreId;
  const cols = tableColumns(t).map((col) => col.name);
  const key = orderBy(t);
  const data = cols.filter((col) => !PROVENANCE.has(col));
  const { src, temps } = await stagedParts(c, t, path, cols);
  c.lap(`load_${t}_ms`);
  const dupCount = await quarantineDuplicates(c, t, src, data);
  c.lap(`dedupe_${t}_ms`);
  const kept =
    dupCount > 0
      ? `(SELECT * FROM ${src} s ANTI JOIN (SELECT __p, __r, __s FROM ranked WHERE __rn > 1) x USING (__p, __r, __s)) s`
      : `${src} s`;
  // Orphans looked for among all the staged rows (duplicates too): none there, none among those kept.
  const orphans = await anyOrphans(conn, t, `${src} s`, centreId);
  if (orphans) c.nextRecord += countOrphans(result, t, await quarantineOrphans(conn, t, kept, centreId, c.nextRecord, 's.__p, s.__r, s.__s', data));
  c.lap(`orphans_${t}_ms`);
  const keep = orphans ? `(SELECT * FROM ${kept} WHERE NOT (${orphanSql(t, 's', centreId)})) s` : kept;
  result.stored[t] = (
    await conn.run(
      t === 'observation'
        ? await observationInsert(conn, centreId, src, keep, key)
        : `INSERT INTO ${t} SELECT ${cols.join(', ')} FROM ${keep} ORDER BY ${key}`,
    )
  ).rowsChanged;
  await conn.run('DROP TABLE IF EXISTS ranked');
  for (const f of temps) rmSync(f, { force: true });
  c.lap(`insert_${t}_ms`);
}

/** Notes a table's orphans (rows whose patient or cycle is not stored, quarantined by store/orphans.ts); returns how many. */
function countOrphans(result: CommitResult, t: TableName, n: number): number {
  if (n > 0) result.orphans[t] = n;
  result.quarantineRows += n;
  return n;
}

/**
 * Records the centre's files in observation_source (numbered in the order of their provenance) and returns the
 * INSERT that puts the kept observations into observation_rows with their file's number, sorted by key (layout.ts).
 * A file is known by all four values: two files of one spec may share a base name (a/vitals.csv, b/vitals.csv).
 */
async function observationInsert(conn: DuckDBConnection, centreId: string, src: string, keep: string, key: string): Promise<string> {
  const per = PER_FILE_COLUMNS.join(', ');
  const files = (await conn.runAndReadAll(`SELECT DISTINCT ${per} FROM ${src} s ORDER BY ${per}`)).getRows().map((r) => r.map(String));
  for (const [ord, f] of files.entries()) await conn.run(`INSERT INTO ${OBSERVATION_SOURCE} VALUES (${sql(centreId)}, ${ord + 1}, ${f.map(sql).join(', ')})`);
  // Every staged row's four values are one of `files`, so the fewest columns that tell the files apart give the same number
  // (the file name alone, nearly always): 5.8 M rows compared on one text, not four (lakeshore: about 2 s of CPU less).
  const by = distinguishingColumns(files);
  const is = (f: string[]) => by.map((i) => `${PER_FILE_COLUMNS[i]} = ${sql(f[i]!)}`).join(' AND ');
  const ordOf = files.length === 0 ? 'NULL' : files.length === 1 ? '1' : `CASE ${files.map((f, ord) => `WHEN ${is(f)} THEN ${ord + 1}`).join(' ')} END`;
  const cols = observationRowColumns().map((c) => (c.name === 'source_ord' ? `${ordOf} AS source_ord` : c.name));
  return `INSERT INTO ${OBSERVATION_ROWS} SELECT ${cols.join(', ')} FROM ${keep} ORDER BY ${key}`;
}

/**
 * Indexes (into PER_FILE_COLUMNS) of the fewest columns whose values differ between every two of `files`: the file name,
 * else the hash, else both, else all four.
 */
export function distinguishingColumns(files: readonly (readonly string[])[]): number[] {
  const tells = (cols: number[]) => new Set(files.map((f) => JSON.stringify(cols.map((i) => f[i])))).size === files.length;
  const all = PER_FILE_COLUMNS.map((_, i) => i);
  return [[0], [1], [0, 1]].find(tells) ?? all;
}

/** The view `observation` over every centre's files as observation_source now lists them (layout.ts). */
async function rewriteObservationView(conn: DuckDBConnection): Promise<void> {
  const files = (
    await conn.runAndReadAll(
      `SELECT centre_id, source_ord, ${PER_FILE_COLUMNS.join(', ')} FROM ${OBSERVATION_SOURCE} ORDER BY centre_id, source_ord`,
    )
  ).getRowObjectsJS();
  await conn.run(observationViewSql(files.map((f) => ({ ...f, source_ord: Number(f.source_ord) })) as ObservationSource[]));
}

/**
 * Writes a centre's rows of every table, as the committed database holds them at `version`, to
 * .pending-<id>/ and renames them into place; then records that the files are `version`'s.
 */
async function exportCentre(
  conn: DuckDBConnection,
  storeDir: string,
  centreId: string,
  version: number,
  lap: (name: string) => void = () => undefined,
): Promise<void> {
  const pending = pendingDir(storeDir, centreId);
  rmSync(pending, { recursive: true, force: true });
  mkdirSync(pending, { recursive: true });
  for (const t of STORE_TABLES) {
    // Each table's rows of a centre went in with one INSERT … ORDER BY key, and scans keep insertion
    // order (preserve_insertion_order), so they come out sorted without another sort.
    const order = t === 'quarantine' ? ` ORDER BY ${QUARANTINE_ORDER}` : '';
    await conn.run(
      `COPY (SELECT * FROM ${exportRelation(t)} WHERE centre_id = ${sql(centreId)}${order}) TO ${sql(join(pending, `${t}.parquet`))} (FORMAT parquet)`,
    );
    lap(`parquet_${t}_ms`);
  }
  writeDurably(join(pending, VERSION_FILE), `${version}\n`);
  await commitHooks.beforePublish?.();
  publish(storeDir, centreId);
  await conn.run(`INSERT OR REPLACE INTO il2kit_meta VALUES (${sql(parquetKey(centreId))}, '${version}')`);
}

/** The centre's rows in the version being replaced, for the drop check (null when it was never ingested). */
async function previousCounts(conn: DuckDBConnection, centreId: string): Promise<CommitResult['previous']> {
  if ((await centreVersion(conn, centreId)) === 0) return null;
  const n = async (t: string) => Number((await conn.runAndReadAll(`SELECT count(*) FROM ${t} WHERE centre_id = ${sql(centreId)}`)).getRows()[0]![0]);
  return { patient: await n('patient'), cycle: await n('cycle'), dose_slot: await n('dose_slot') };
}

/** A rejected run's rows of every table, as Parquet files in `dir`, for inspection (never read by the kit). */
async function keepRejected(conn: DuckDBConnection, dir: string, centreId: string): Promise<void> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const t of STORE_TABLES) {
    const order = t === 'quarantine' ? ` ORDER BY ${QUARANTINE_ORDER}` : '';
    const to = sql(join(dir, `${t}.parquet`));
    await conn.run(`COPY (SELECT * FROM ${exportRelation(t)} WHERE centre_id = ${sql(centreId)}${order}) TO ${to} (FORMAT parquet)`);
  }
}

/** il2kit_meta key of a centre's data version. */
const versionKey = (centreId: string) => `centre_version:${centreId}`;
/**
 * il2kit_meta key of the data version the centre's Parquet files were exported from (absent in stores written
 * before it existed: their files were published before COMMIT).
 */
const parquetKey = (centreId: string) => `parquet_version:${centreId}`;

/**
 * A centre's data version: 0 when it was never ingested, +1 on every committed ingest of the
 * centre. Derived tables recorded with an older version are stale.
 */
export async function centreVersion(conn: DuckDBConnection, centreId: string): Promise<number> {
  const meta = Number((await conn.runAndReadAll("SELECT count(*) FROM information_schema.tables WHERE table_name = 'il2kit_meta'")).getRows()[0]![0]);
  if (meta === 0) return 0;
  const rows = (await conn.runAndReadAll(`SELECT value FROM il2kit_meta WHERE key = ${sql(versionKey(centreId))}`)).getRows();
  return rows.length === 0 ? 0 : Number(rows[0]![0]);
}

const pendingDir = (storeDir: string, centreId: string) => join(storeDir, `.pending-${centreId}`);

/**
 * Brings the Parquet files of every centre whose export a run that died left unfinished up to
 * date: a complete .pending-<centre>/ of the committed version is renamed into place, any other
 * pending folder is deleted, and a centre whose files are still an older version's is exported
 * again from the database. Call with the store open (DuckDB's lock keeps other writers out).
 * Returns the centres whose files were published.
 */
export async function recoverPending(conn: DuckDBConnection, storeDir: string): Promise<string[]> {
  const published: string[] = [];
  if (!existsSync(storeDir)) return published;
  const meta = Number((await conn.runAndReadAll("SELECT count(*) FROM information_schema.tables WHERE table_name = 'il2kit_meta'")).getRows()[0]![0]);
  const versions = new Map<string, { data: number; parquet: number | null }>();
  if (meta > 0) {
    const rows = (
      await conn.runAndReadAll(
        "SELECT key, value FROM il2kit_meta WHERE key LIKE 'centre_version:%' OR key LIKE 'parquet_version:%' ORDER BY key",
      )
    ).getRows();
    for (const [key, value] of rows) {
      const [kind, centreId] = [String(key).slice(0, String(key).indexOf(':')), String(key).slice(String(key).indexOf(':') + 1)];
      const v = versions.get(centreId) ?? { data: 0, parquet: null };
      if (kind === 'centre_version') v.data = Number(value);
      else v.parquet = Number(value);
      versions.set(centreId, v);
    }
  }
  for (const entry of readdirSync(storeDir).filter((f) => f.startsWith('.pending-')).sort()) {
    const centreId = entry.slice('.pending-'.length);
    const dir = join(storeDir, entry);
    const versionFile = join(dir, VERSION_FILE);
    const written = existsSync(versionFile) ? Number(readFileSync(versionFile, 'utf8').trim()) : NaN;
    const v = versions.get(centreId);
    if (v && Number.isInteger(written) && written > 0 && written === v.data && v.parquet !== v.data) {
      publish(storeDir, centreId);
      await conn.run(`INSERT OR REPLACE INTO il2kit_meta VALUES (${sql(parquetKey(centreId))}, '${v.data}')`);
      v.parquet = v.data;
      published.push(centreId);
    } else rmSync(dir, { recursive: true, force: true });
  }
  for (const [centreId, v] of versions) {
    if (v.parquet === null || v.parquet === v.data) continue;
    await exportCentre(conn, storeDir, centreId, v.data);
    published.push(centreId);
  }
  return published;
}

/** Renames a committed centre's pending Parquet files into the layout, then removes the pending folder. */
function publish(storeDir: string, centreId: string): void {
  const dir = pendingDir(storeDir, centreId);
  for (const t of STORE_TABLES) {
    const from = join(dir, `${t}.parquet`);
    if (!existsSync(from)) continue; // already renamed by a run that died after it
    const to = parquetFile(storeDir, t, centreId);
    mkdirSync(dirname(to), { recursive: true });
    renameSync(from, to);
  }
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Stores written before Parquet was partitioned hold parquet/<table>.parquet with every centre's
 * rows: write each centre's partition files from the database (each to a temporary name, then
 * renamed), then delete the old files. Dying half way leaves the old files, so the next run redoes it.
 */
async function migrateLegacyParquet(conn: DuckDBConnection, storeDir: string): Promise<void> {
  const legacy = STORE_TABLES.map((t) => join(storeDir, PARQUET_DIR, `${t}.parquet`)).filter((f) => existsSync(f));
  if (legacy.length === 0) return;
  const centres = (await conn.runAndReadAll('SELECT centre_id FROM centre ORDER BY centre_id')).getRows().map((r) => String(r[0]));
  for (const c of centres) {
    for (const t of STORE_TABLES) {
      const to = parquetFile(storeDir, t, c);
      if (existsSync(to)) continue;
      mkdirSync(dirname(to), { recursive: true });
      const order = t === 'quarantine' ? QUARANTINE_ORDER : orderBy(t);
      await conn.run(`COPY (SELECT * FROM ${exportRelation(t)} WHERE centre_id = ${sql(c)} ORDER BY ${order}) TO ${sql(`${to}.tmp`)} (FORMAT parquet)`);
      renameSync(`${to}.tmp`, to);
    }
  }
  for (const f of legacy) rmSync(f, { force: true });
}

function writeDurably(path: string, text: string): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

async function checkLayout(conn: DuckDBConnection, storeDir: string): Promise<void> {
  await conn.run('CREATE TABLE IF NOT EXISTS il2kit_meta (key VARCHAR PRIMARY KEY, value VARCHAR)');
  const rows = (await conn.runAndReadAll("SELECT value FROM il2kit_meta WHERE key = 'layout'")).getRows();
  const want = layoutHash();
  if (rows.length === 0) {
    const existing = Number((await conn.runAndReadAll("SELECT count(*) FROM information_schema.tables WHERE table_name = 'patient'")).getRows()[0]![0]);
    if (existing > 0) throw new StoreLayoutError(storeDir);
    await conn.run(`INSERT INTO il2kit_meta VALUES ('layout', '${want}')`);
  } else if (String(rows[0]![0]) !== want) throw new StoreLayoutError(storeDir);
}

export function writeJson(path: string, value: unknown): void {
  writeFileSync(path, JSON.stringify(value, null, 2) + '\n');
}
