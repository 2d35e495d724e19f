// The store's physical layout, derived from the zod schemas: one DuckDB table per schema
// table with the same columns, instants as TIMESTAMPTZ (sessions run with TimeZone=UTC),
// reason codes as VARCHAR[]; plus the quarantine table. Parquet exports keep these types.
//
// Parquet files are partitioned by centre, Hive-style, so an ingest rewrites only its centre's files:
//   <store>/parquet/<table>/centre_id=<centre>/data.parquet
// one file per table (and the quarantine) per ingested centre, with every column of the table
// (centre_id included), rows sorted by orderBy(table). Read a whole table with
//   read_parquet('<store>/parquet/<table>/*/*.parquet', hive_partitioning = true)
// (pyarrow.dataset / polars / arrow::open_dataset read the folder the same way).
import { join } from 'node:path';
import { TABLES, describeFields, type FieldInfo, type TableName } from '../../schemas/index.js';

export const STORE_FILE = 'il2kit.duckdb';
export const PARQUET_DIR = 'parquet';
/** Name of the one file in each centre's partition folder. */
export const PARTITION_FILE = 'data.parquet';

/** Partition folder of a centre inside a table's folder. */
export function parquetPartition(centreId: string): string {
  return `centre_id=${centreId}`;
}

/** Folder holding a table's Parquet partitions. */
export function parquetTableDir(storeDir: string, table: TableName | 'quarantine'): string {
  return join(storeDir, PARQUET_DIR, table);
}

/** A centre's Parquet file of a table. */
export function parquetFile(storeDir: string, table: TableName | 'quarantine', centreId: string): string {
  return join(parquetTableDir(storeDir, table), parquetPartition(centreId), PARTITION_FILE);
}

/** Glob matching every centre's file of a table, for read_parquet(…, hive_partitioning = true). */
export function parquetGlob(storeDir: string, table: TableName | 'quarantine'): string {
  return join(parquetTableDir(storeDir, table), '*', '*.parquet');
}

export function duckType(f: FieldInfo): string {
  switch (f.kind) {
    case 'datetime':
      return 'TIMESTAMPTZ';
    case 'integer':
      return 'INTEGER';
    case 'number':
      return 'DOUBLE';
    case 'boolean':
      return 'BOOLEAN';
    case 'enum':
      return f.values?.every((v) => typeof v === 'number') ? 'INTEGER' : 'VARCHAR';
    case 'array':
      return 'VARCHAR[]';
    default:
      return 'VARCHAR';
  }
}

export interface ColumnDef {
  name: string;
  type: string;
  field: FieldInfo;
}

export function tableColumns(table: TableName): ColumnDef[] {
  return describeFields(TABLES[table].schema).map((f) => ({ name: f.name, type: duckType(f), field: f }));
}

export function createTableSql(table: TableName): string {
  const cols = tableColumns(table).map((c) => `  ${c.name} ${c.type}${c.field.nullable ? '' : ' NOT NULL'}`);
  return `CREATE TABLE IF NOT EXISTS ${table} (\n${cols.join(',\n')}\n)`;
}

const q = (name: string, type: string, nullable = true): ColumnDef => ({
  name,
  type,
  field: { name, kind: type === 'INTEGER' ? 'integer' : 'string', nullable, values: null, itemKind: null, min: null, max: null, description: '', unit: null, identifier: 'none' },
});

/** Quarantine: one row per problem; record_id groups the problems of one quarantined record. */
export const QUARANTINE_COLUMNS: ColumnDef[] = [
  q('centre_id', 'VARCHAR', false), q('record_id', 'INTEGER', false), q('table_name', 'VARCHAR', false), q('source_file', 'VARCHAR', false),
  q('source_row', 'INTEGER'), q('source_pointer', 'VARCHAR'), q('field', 'VARCHAR'), q('raw_value', 'VARCHAR'), q('check_name', 'VARCHAR', false),
  q('message', 'VARCHAR', false), q('record_json', 'VARCHAR'),
];

export const QUARANTINE_SQL = `CREATE TABLE IF NOT EXISTS quarantine (\n${QUARANTINE_COLUMNS.map((c) => `  ${c.name} ${c.type}${c.field.nullable ? '' : ' NOT NULL'}`).join(',\n')}\n)`;

/** Sort order of the quarantine's exports. */
export const QUARANTINE_ORDER = 'centre_id, record_id, check_name, field';

/** Sort order used for every export so identical inputs give identical files. */
export function orderBy(table: TableName): string {
  return TABLES[table].key.join(', ');
}
