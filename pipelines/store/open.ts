// The one read-only opening of a store folder: it must exist and have been written under this version of
// the common schema; analyses, the rule engine's feature reader and reports all open it here.
import { existsSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { StoreLayoutError, layoutHash } from './layout.js';
import { storeFile } from './paths.js';
import { createDuckDB, type DuckDB } from './engine.js';
import { sql } from './sql.js';

/** No store where one was expected: a user error (exit 2) that says what to do. */
export class StoreMissingError extends Error {
  readonly exitCode = 2;
  constructor(readonly file: string) {
    super(`no store at ${file}; run il2kit ingest first (or pass --store <dir>)`);
    this.name = 'UserError';
  }
}

/** <storeDir>/il2kit.duckdb, which must exist. */
export function existingStoreFile(storeDir: string): string {
  const file = storeFile(storeDir);
  if (!existsSync(file)) throw new StoreMissingError(file);
  return file;
}

/** Refuses a store whose recorded layout is another schema version's (stores without il2kit_meta predate the record and are read as they are). */
async function checkStoredLayout(conn: DuckDBConnection, storeDir: string, catalog: string): Promise<void> {
  const meta = await conn.runAndReadAll(`SELECT count(*) FROM information_schema.tables WHERE table_catalog = ${sql(catalog)} AND table_name = 'il2kit_meta'`);
  if (Number(meta.getRows()[0]![0]) === 0) return;
  const rows = (await conn.runAndReadAll(`SELECT value FROM ${catalog}.main.il2kit_meta WHERE key = 'layout'`)).getRows();
  if (rows.length > 0 && String(rows[0]![0]) !== layoutHash()) throw new StoreLayoutError(storeDir);
}

/**
 * The store's database opened read-only (several readers can share it), its layout checked.
 * @example const db = await openStoreReadOnly('out/store'); try { … } finally { db.close(); }
 */
export async function openStoreReadOnly(storeDir: string): Promise<DuckDB> {
  const db = await createDuckDB(existingStoreFile(storeDir), { readOnly: true });
  try {
    const catalog = String((await db.conn.runAndReadAll('SELECT current_database()')).getRows()[0]![0]);
    await checkStoredLayout(db.conn, storeDir, catalog);
  } catch (e) {
    db.close();
    throw e;
  }
  return db;
}

/** Attaches the store read-only to another database as `alias`, its layout checked. */
export async function attachStoreReadOnly(conn: DuckDBConnection, storeDir: string, alias = 'store'): Promise<void> {
  await conn.run(`ATTACH ${sql(existingStoreFile(storeDir))} AS ${alias} (READ_ONLY)`);
  await checkStoredLayout(conn, storeDir, alias);
}

/**
 * Opens the store read-only, runs `body` and closes it.
 * @example const cycles = await withStoreReadOnly('out/store', (conn) => loadCycleDoses(conn))
 */
export async function withStoreReadOnly<T>(storeDir: string, body: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
  const db = await openStoreReadOnly(storeDir);
  try {
    return await body(db.conn);
  } finally {
    db.close();
  }
}
