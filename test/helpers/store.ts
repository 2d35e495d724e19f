import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { sampleStore } from '../../data-samples/sample-store.js';
import { openStore } from '../../pipelines/store/commit.js';
import { readSlotFeatures, type SlotFeatureFrame } from '../../rules/features.js';

/** Runs one query on a store folder's DuckDB file and returns JSON-friendly rows. */
export async function queryStore(storeDir: string, sql: string): Promise<Record<string, unknown>[]> {
  const { conn, close } = await openStore(join(storeDir, 'il2kit.duckdb'));
  try {
    return (await conn.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
  } finally {
    close();
  }
}

/** SHA-256 of every Parquet file under a store folder, by path (sorted): two stores are equal when these are. */
export function parquetHashes(storeDir: string): Record<string, string> {
  const files = (readdirSync(join(storeDir, 'parquet'), { recursive: true }) as string[]).filter((p) => p.endsWith('.parquet')).sort();
  return Object.fromEntries(files.map((f) => [f, createHash('sha256').update(readFileSync(join(storeDir, 'parquet', f))).digest('hex')]));
}

/** The sample store's slot features (the store is built once per test run by sampleStore). */
export async function sampleSlotFeatures(): Promise<SlotFeatureFrame> {
  const store = await sampleStore();
  const { conn, close } = await openStore(join(store, 'il2kit.duckdb'));
  try {
    return await readSlotFeatures(conn);
  } finally {
    close();
  }
}
