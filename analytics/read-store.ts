// Read-only access to a store for the analyses (CLI, notebooks, bench): DuckDB opened READ_ONLY with
// TimeZone UTC, closed in finally, so several readers can share one store file.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { STORE_FILE } from '../pipelines/store/layout.js';

/**
 * Opens <storeDir>/il2kit.duckdb read-only, runs `body` and closes the store.
 * @example const cycles = await readStore('out/store', (conn) => loadCycleDoses(conn))
 */
export async function readStore<T>(storeDir: string, body: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
  const file = join(storeDir, STORE_FILE);
  if (!existsSync(file)) throw new Error(`no store at ${file}; run il2kit ingest first (or pass another store folder)`);
  const inst = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
  const conn = await inst.connect();
  try {
    await conn.run("SET TimeZone = 'UTC'");
    return await body(conn);
  } finally {
    conn.closeSync();
    inst.closeSync();
  }
}
