import { join } from 'node:path';
import { openStore } from '../../pipelines/store/commit.js';

/** Runs one query on a store folder's DuckDB file and returns JSON-friendly rows. */
export async function queryStore(storeDir: string, sql: string): Promise<Record<string, unknown>[]> {
  const { conn, close } = await openStore(join(storeDir, 'il2kit.duckdb'));
  try {
    return (await conn.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
  } finally {
    close();
  }
}
