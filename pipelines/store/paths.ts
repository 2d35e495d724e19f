// Every path under the store folder is named here, and only here; other layers ask for it (issue 26). No schema
// imports at run time, so the CLI can name paths without loading the schemas.
import { join } from 'node:path';
import type { TableName } from '../../schemas/index.js';

/** A table with Parquet files: a schema table or the quarantine. */
export type StoreTable = TableName | 'quarantine';

export const STORE_FILE = 'il2kit.duckdb';
export const PARQUET_DIR = 'parquet';
/** Name of the one file in each centre's partition folder. */
export const PARTITION_FILE = 'data.parquet';

// The store folder:
//   il2kit.duckdb                              the database (storeFile)
//   parquet/<table>/centre_id=<c>/data.parquet  the published tables (parquetFile, parquetGlob)
//   manifests/<c>.json                         each centre's last published run (manifestFile)
//   rejected/<c>/<run>/                        a run whose error checks failed, kept unpublished (rejectedDir)
//   frames/slot_features/<c>.frame             slot features as typed columns (frameFile)
//   rulesets/<id>.yaml|json                    centres' own rulesets, copied at ingest (rulesetsDir)
//   bundles/audit.jsonl                        every panel bundle released or refused (bundleAuditFile)
//   .pending-<c>/, .work/                      a commit's and an ingest's temporary files (commit.ts, work-folder.ts)

/** The store's database file. */
export const storeFile = (storeDir: string): string => join(storeDir, STORE_FILE);

/** Folder of the centres' run manifests. */
export const manifestsDir = (storeDir: string): string => join(storeDir, 'manifests');

/** A centre's run manifest (its last published ingest). */
export const manifestFile = (storeDir: string, centreId: string): string => join(manifestsDir(storeDir), `${centreId}.json`);

/** Where a run that failed its error-severity checks is kept, unpublished. */
export const rejectedDir = (storeDir: string, centreId: string, runId: string): string => join(storeDir, 'rejected', centreId, runId);

/** Folder of the slot feature frames. */
export const framesDir = (storeDir: string): string => join(storeDir, 'frames', 'slot_features');

/** A centre's slot feature frame (rules/feature-frames.ts reads and writes it). */
export const frameFile = (storeDir: string, centreId: string): string => join(framesDir(storeDir), `${encodeURIComponent(centreId)}.frame`);

/** Folder of the centres' own rulesets kept in the store. */
export const rulesetsDir = (storeDir: string): string => join(storeDir, 'rulesets');

/** Folder of the panel bundles' audit log. */
export const bundlesDir = (storeDir: string): string => join(storeDir, 'bundles');

/** The append-only audit log of the bundles released from (or refused by) this store. */
export const bundleAuditFile = (storeDir: string): string => join(bundlesDir(storeDir), 'audit.jsonl');

/** Partition folder of a centre inside a table's folder. */
export function parquetPartition(centreId: string): string {
  return `centre_id=${centreId}`;
}

/** Folder holding a table's Parquet partitions. */
export function parquetTableDir(storeDir: string, table: StoreTable): string {
  return join(storeDir, PARQUET_DIR, table);
}

/** A centre's Parquet file of a table. */
export function parquetFile(storeDir: string, table: StoreTable, centreId: string): string {
  return join(parquetTableDir(storeDir, table), parquetPartition(centreId), PARTITION_FILE);
}

/** Glob matching every centre's file of a table, for read_parquet(…, hive_partitioning = true). */
export function parquetGlob(storeDir: string, table: StoreTable): string {
  return join(parquetTableDir(storeDir, table), '*', '*.parquet');
}

