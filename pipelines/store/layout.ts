// The store's physical layout, derived from the zod schemas: one DuckDB table per schema table with the same
// columns (observation: a view of them over two tables, below), instants as TIMESTAMPTZ (sessions run with
// TimeZone=UTC), reason codes as VARCHAR[]; plus the quarantine table. Parquet exports keep these types.
//
// Parquet files are partitioned by centre, Hive-style, so an ingest rewrites only its centre's files:
//   <store>/parquet/<table>/centre_id=<centre>/data.parquet
// one file per table (and the quarantine) per ingested centre, with every column of the table
// (centre_id included), rows sorted by orderBy(table). Read a whole table with
//   read_parquet('<store>/parquet/<table>/*/*.parquet', hive_partitioning = true)
// (pyarrow.dataset / polars / arrow::open_dataset read the folder the same way).
import { createHash } from 'node:crypto';
import { sql } from './sql.js';
import { TABLES, TABLE_NAMES, describeFields, type FieldInfo, type TableName } from '../../schemas/index.js';

export * from './paths.js';

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

// The store keeps the observation table in two parts (docs/decisions.md §14): observation_rows, one row per
// observation with its file's number (source_ord) in place of the four provenance columns that are the same for every
// row of a file, and observation_source, one row per centre and file with those four. The view `observation` puts
// them back, in the table's columns and order, by a CASE on (centre_id, source_ord) that each commit rewrites (a join
// would do, but DuckDB's hash join gave the rows of a large centre back in another order than they were stored).
// Text columns are most of an insert's cost: appending lakeshore's 5.7 M observations took 4.1 s against 5.5 s with
// the four columns stored per row. Every other table is stored as it is defined.
export const OBSERVATION_ROWS = 'observation_rows';
export const OBSERVATION_SOURCE = 'observation_source';
/** Provenance columns that are the same for every record of a file (and spec), stored once per file. */
export const PER_FILE_COLUMNS = ['source_file', 'source_sha256', 'spec_id', 'spec_version'] as const;
type PerFileColumn = (typeof PER_FILE_COLUMNS)[number];
/** A row of observation_source. */
export type ObservationSource = { centre_id: string; source_ord: number } & Record<PerFileColumn, string>;

/** observation_rows: observation's columns in order, the per-file ones replaced by source_ord where source_file stood. */
export function observationRowColumns(): ColumnDef[] {
  const perFile = new Set<string>(PER_FILE_COLUMNS);
  const out: ColumnDef[] = [];
  for (const c of tableColumns('observation')) {
    if (c.name === 'source_file') out.push(q('source_ord', 'INTEGER', false));
    if (!perFile.has(c.name)) out.push(c);
  }
  return out;
}

/** The statements that create the store's tables where they do not exist yet (observation: its two parts). */
export function storeTablesSql(): string[] {
  const def = (c: ColumnDef) => `  ${c.name} ${c.type}${c.field.nullable ? '' : ' NOT NULL'}`;
  return TABLE_NAMES.flatMap((t) => {
    if (t !== 'observation') return [createTableSql(t)];
    const type = new Map(tableColumns('observation').map((c) => [c.name, c]));
    const source = [type.get('centre_id')!, q('source_ord', 'INTEGER', false), ...PER_FILE_COLUMNS.map((n) => type.get(n)!)];
    return [
      `CREATE TABLE IF NOT EXISTS ${OBSERVATION_ROWS} (\n${observationRowColumns().map(def).join(',\n')}\n)`,
      `CREATE TABLE IF NOT EXISTS ${OBSERVATION_SOURCE} (\n${source.map(def).join(',\n')},\n  PRIMARY KEY (centre_id, source_ord)\n)`,
    ];
  });
}

/** The view `observation` over observation_rows, given every row of observation_source. */
export function observationViewSql(files: readonly ObservationSource[]): string {
  const text = sql;
  const centres = [...new Set(files.map((f) => f.centre_id))];
  const perFile = (col: PerFileColumn): string => {
    if (files.length === 0) return `NULL::VARCHAR AS ${col}`;
    const byCentre = centres.map(
      (c) =>
        `WHEN centre_id = ${text(c)} THEN CASE source_ord ${files
          .filter((f) => f.centre_id === c)
          .map((f) => `WHEN ${f.source_ord} THEN ${text(f[col])}`)
          .join(' ')} END`,
    );
    return `CASE ${byCentre.join(' ')} END AS ${col}`;
  };
  const cols = tableColumns('observation').map((c) => ((PER_FILE_COLUMNS as readonly string[]).includes(c.name) ? perFile(c.name as PerFileColumn) : c.name));
  // observation_all: every stored row, recorded absences (value null, value_absent_reason set) included, as the Parquet
  // files hold them; observation: the measured values, which every analysis reads, so that an absence is never a value.
  return (
    `CREATE OR REPLACE VIEW ${OBSERVATION_ALL} AS\nSELECT ${cols.join(',\n  ')}\nFROM ${OBSERVATION_ROWS};\n` +
    `CREATE OR REPLACE VIEW observation AS\nSELECT * FROM ${OBSERVATION_ALL} WHERE value_absent_reason IS NULL`
  );
}

/** The view of every stored observation row, recorded absences included (the table as the schema defines it). */
export const OBSERVATION_ALL = 'observation_all';
/** The relation a table's Parquet files are written from: for observation, every row, absences included. */
export const exportRelation = (table: string): string => (table === 'observation' ? OBSERVATION_ALL : table);

export { sql };

const q = (name: string, type: string, nullable = true): ColumnDef => ({
  name,
  type,
  field: {
    name,
    kind: type === 'INTEGER' ? 'integer' : 'string',
    nullable,
    values: null,
    itemKind: null,
    min: null,
    max: null,
    description: '',
    unit: null,
    identifier: 'none',
  },
});

/** Quarantine: one row per problem; record_id groups the problems of one quarantined record. */
export const QUARANTINE_COLUMNS: ColumnDef[] = [
  q('centre_id', 'VARCHAR', false), q('record_id', 'INTEGER', false), q('table_name', 'VARCHAR', false), q('source_file', 'VARCHAR', false),
  q('source_row', 'INTEGER'), q('source_pointer', 'VARCHAR'), q('field', 'VARCHAR'), q('raw_value', 'VARCHAR'), q('check_name', 'VARCHAR', false),
  q('message', 'VARCHAR', false), q('record_json', 'VARCHAR'),
];

const QUARANTINE_COLUMN_SQL = QUARANTINE_COLUMNS.map((c) => `  ${c.name} ${c.type}${c.field.nullable ? '' : ' NOT NULL'}`);
export const QUARANTINE_SQL = `CREATE TABLE IF NOT EXISTS quarantine (\n${QUARANTINE_COLUMN_SQL.join(',\n')}\n)`;

/** Sort order of the quarantine's exports. */
export const QUARANTINE_ORDER = 'centre_id, record_id, check_name, field';

/** Sort order used for every export so identical inputs give identical files. */
export function orderBy(table: TableName): string {
  return TABLES[table].key.join(', ');
}

/** Hash of the store's table definitions: a store written under another schema version is refused, not patched. */
export function layoutHash(): string {
  return createHash('sha256').update([...storeTablesSql(), observationViewSql([]), QUARANTINE_SQL].join('\n')).digest('hex').slice(0, 16);
}

export class StoreLayoutError extends Error {
  readonly exitCode = 2;
  constructor(storeDir: string) {
    super(
      `${storeDir}: the store was written by another version of the common schema. Ingest every centre again into a new store folder (or delete ` +
        `${storeDir}); nothing was changed.`,
    );
    this.name = 'UserError';
  }
}
