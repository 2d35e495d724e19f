// Read-only access to a store for the analyses (CLI, notebooks, bench): the store's own read-only opening
// (pipelines/store/open.ts: existence, layout version, DuckDB read-only in UTC), closed in finally.
import type { DuckDBConnection } from '@duckdb/node-api';
import { withStoreReadOnly } from '../pipelines/store/open.js';

/**
 * Opens <storeDir>/il2kit.duckdb read-only, runs `body` and closes the store.
 * @example const cycles = await readStore('out/store', (conn) => loadCycleDoses(conn))
 */
export async function readStore<T>(storeDir: string, body: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
  return withStoreReadOnly(storeDir, body);
}
