// Writes one centre's staged tables into the store, aside, then swaps it in:
// copy the current DuckDB file → replace the centre's rows → move key duplicates to the
// quarantine → export Parquet → rename over the old store. A failure before the rename
// leaves the previous store as it was.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { TABLES, TABLE_NAMES, type Centre, type TableName } from '../../schemas/index.js';
import { PARQUET_DIR, QUARANTINE_SQL, STORE_FILE, createTableSql, orderBy, tableColumns } from './layout.js';
import { readStagingSql } from './staging.js';

export interface CommitResult {
  storeFile: string;
  parquetDir: string;
  /** Rows of this centre now stored, per table. */
  stored: Partial<Record<TableName, number>>;
  /** Records moved to the quarantine because another record has the same key, per table. */
  duplicates: Partial<Record<TableName, number>>;
  quarantineRows: number;
}

/** Tables whose key duplicates are resolved here (slots and cycles are resolved on the grid). */
const DEDUPE: TableName[] = ['patient', 'observation', 'infusion', 'clinical_event', 'response'];
const PROVENANCE = new Set(['source_file', 'source_sha256', 'source_row', 'source_pointer', 'spec_id', 'spec_version']);

export async function openStore(path: string): Promise<{ conn: DuckDBConnection; close: () => void }> {
  const inst = await DuckDBInstance.create(path);
  const conn = await inst.connect();
  await conn.run("SET TimeZone = 'UTC'");
  // Keep DuckDB's share of memory bounded (it spills to disk beyond it); the JS side needs room too.
  await conn.run("SET memory_limit = '2GB'");
  return {
    conn,
    close: () => {
      conn.closeSync();
      inst.closeSync();
    },
  };
}

export async function commitCentre(opts: { storeDir: string; centreId: string; centre: Centre; staged: Partial<Record<TableName | 'quarantine', string>>; work: string }): Promise<CommitResult> {
  const { storeDir, centreId } = opts;
  const aside = join(opts.work, 'store');
  mkdirSync(join(aside, PARQUET_DIR), { recursive: true });
  const current = join(storeDir, STORE_FILE);
  if (existsSync(current)) copyFileSync(current, join(aside, STORE_FILE));
  const { conn, close } = await openStore(join(aside, STORE_FILE));
  const result: CommitResult = { storeFile: join(storeDir, STORE_FILE), parquetDir: join(storeDir, PARQUET_DIR), stored: {}, duplicates: {}, quarantineRows: 0 };
  try {
    await checkLayout(conn, storeDir);
    for (const t of TABLE_NAMES) await conn.run(createTableSql(t));
    await conn.run(QUARANTINE_SQL);
    await conn.run('BEGIN TRANSACTION');
    const id = sql(centreId);
    for (const t of TABLE_NAMES) await conn.run(`DELETE FROM ${t} WHERE centre_id = ${id}`);
    await conn.run(`DELETE FROM quarantine WHERE centre_id = ${id}`);
    await conn.run(`INSERT INTO centre VALUES (${id}, ${sql(opts.centre.name)}, ${sql(opts.centre.country)}, ${sql(opts.centre.time_zone)}, ${opts.centre.dose_iu_per_kg}, ${opts.centre.max_doses_per_cycle}, ${opts.centre.local_ruleset_id === null ? 'NULL' : sql(opts.centre.local_ruleset_id)})`);
    let nextRecord = 0;
    if (opts.staged.quarantine) {
      await conn.run(`INSERT INTO quarantine ${readStagingSql('quarantine', opts.staged.quarantine)}`);
      nextRecord = Number((await conn.runAndReadAll(`SELECT coalesce(max(record_id), 0) FROM quarantine WHERE centre_id = ${id}`)).getRows()[0]![0]);
    }
    for (const t of TABLE_NAMES) {
      const path = opts.staged[t];
      if (!path || t === 'centre') continue;
      const cols = tableColumns(t).map((c) => c.name);
      await conn.run(`CREATE OR REPLACE TEMP TABLE stg AS SELECT *, row_number() OVER () AS __ord FROM (${readStagingSql(t, path)})`);
      if (DEDUPE.includes(t)) {
        // Keys recorded more than once are found by hashing (cheap); only their rows are ranked.
        const key = TABLES[t].key.join(', ');
        const data = cols.filter((c) => !PROVENANCE.has(c));
        const on = TABLES[t].key.map((k) => `l.${k} = w.${k}`).join(' AND ');
        await conn.run(`CREATE OR REPLACE TEMP TABLE ranked AS
          SELECT *, row_number() OVER (PARTITION BY ${key} ORDER BY __ord DESC) AS __rn
          FROM stg SEMI JOIN (SELECT ${key} FROM stg GROUP BY ALL HAVING count(*) > 1) d USING (${key})`);
        const dupCount = Number((await conn.runAndReadAll('SELECT count(*) FROM ranked WHERE __rn > 1')).getRows()[0]![0]);
        if (dupCount > 0) {
          const same = data.map((c) => `l.${c} IS NOT DISTINCT FROM w.${c}`).join(' AND ');
          await conn.run(`INSERT INTO quarantine
            SELECT ${id}, ${nextRecord} + row_number() OVER (ORDER BY l.__ord), '${t}', l.source_file, l.source_row, l.source_pointer, NULL, NULL,
              CASE WHEN ${same} THEN 'duplicate' ELSE 'superseded' END,
              CASE WHEN ${same} THEN 'duplicate of ' ELSE 'same ${TABLES[t].key.join(' + ')} recorded again (kept as the correction) at ' END || w.source_file || ' ' || coalesce(w.source_pointer, 'row ' || w.source_row),
              to_json(struct_pack(${data.map((c) => `${c} := l.${c}`).join(', ')}))::VARCHAR
            FROM ranked l JOIN ranked w ON ${on} AND w.__rn = 1 WHERE l.__rn > 1`);
          nextRecord += dupCount;
          result.duplicates[t] = dupCount;
        }
        // Row order inside DuckDB does not matter: every export sorts by key.
        await conn.run(`INSERT INTO ${t} SELECT ${cols.join(', ')} FROM stg ANTI JOIN (SELECT __ord FROM ranked WHERE __rn > 1) x USING (__ord)`);
      } else {
        await conn.run(`INSERT INTO ${t} SELECT ${cols.join(', ')} FROM stg`);
      }
      await conn.run('DROP TABLE IF EXISTS stg');
      await conn.run('DROP TABLE IF EXISTS ranked');
    }
    await conn.run('COMMIT');
    for (const t of TABLE_NAMES) {
      result.stored[t] = Number((await conn.runAndReadAll(`SELECT count(*) FROM ${t} WHERE centre_id = ${id}`)).getRows()[0]![0]);
    }
    result.quarantineRows = Number((await conn.runAndReadAll(`SELECT count(*) FROM quarantine WHERE centre_id = ${id}`)).getRows()[0]![0]);
    for (const t of [...TABLE_NAMES, 'quarantine'] as const) {
      const order = t === 'quarantine' ? 'centre_id, record_id, check_name, field' : orderBy(t);
      await conn.run(`COPY (SELECT * FROM ${t} ORDER BY ${order}) TO ${sql(join(aside, PARQUET_DIR, `${t}.parquet`))} (FORMAT parquet)`);
    }
    await conn.run('CHECKPOINT');
  } catch (e) {
    await conn.run('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    close();
  }
  swapIn(aside, storeDir);
  return result;
}

/** Hash of the store's table definitions: a store written under another schema version is refused, not patched. */
export function layoutHash(): string {
  return createHash('sha256').update([...TABLE_NAMES.map((t) => createTableSql(t)), QUARANTINE_SQL].join('\n')).digest('hex').slice(0, 16);
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

export class StoreLayoutError extends Error {
  readonly exitCode = 2;
  constructor(storeDir: string) {
    super(`${storeDir}: the store was written by another version of the common schema. Ingest every centre again into a new store folder (or delete ${storeDir}); nothing was changed.`);
    this.name = 'UserError';
  }
}

/** Replaces the store folder's database and Parquet files with the ones written aside. */
function swapIn(aside: string, storeDir: string): void {
  mkdirSync(storeDir, { recursive: true });
  const oldParquet = join(storeDir, `${PARQUET_DIR}.old`);
  rmSync(oldParquet, { recursive: true, force: true });
  rmSync(join(storeDir, `${STORE_FILE}.wal`), { force: true });
  renameSync(join(aside, STORE_FILE), join(storeDir, STORE_FILE));
  if (existsSync(join(storeDir, PARQUET_DIR))) renameSync(join(storeDir, PARQUET_DIR), oldParquet);
  renameSync(join(aside, PARQUET_DIR), join(storeDir, PARQUET_DIR));
  rmSync(oldParquet, { recursive: true, force: true });
}

export function sql(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

export function writeJson(path: string, value: unknown): void {
  writeFileSync(path, JSON.stringify(value, null, 2) + '\n');
}
