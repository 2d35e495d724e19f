// The quarantine of one centre as the data-quality report shows it: counts per reason (table and
// check), a sample of each reason's problems, and the full list as CSV beside the page. The CSV has
// the columns a data manager needs to find each row in the export; the candidate record (record_json)
// is left out, as it holds pseudonymised keys that mean nothing at the centre.
import type { DuckDBConnection } from '@duckdb/node-api';
import { sql } from '../pipelines/store/sql.js';

/** One reason rows were quarantined: a table and the check that refused them. */
export interface QuarantineReason {
  table: string;
  check: string;
  /** Quarantined records (a record may have several problems). */
  records: number;
  /** Problems, one per field that failed. */
  problems: number;
}

/** One problem of a quarantined record, located in the export. */
export interface QuarantineSample {
  table: string;
  check: string;
  file: string;
  /** Data row number (CSV, sheet) or place (NDJSON line, JSON pointer). */
  row: string | null;
  field: string | null;
  raw_value: string | null;
  message: string;
}

/** Problems shown per reason on the page; the CSV has them all. */
export const SAMPLE_PER_REASON = 10;

/** The CSV's file name, beside data-quality.html. */
export const QUARANTINE_CSV = 'quarantine.csv';

const ROW = "coalesce('row ' || source_row::VARCHAR, source_pointer)";

// `from` is the SQL relation holding the quarantine: the store's table, or a rejected run's Parquet file.

/** Reasons of one centre's quarantine, the largest first. */
export async function quarantineReasons(conn: DuckDBConnection, centreId: string, from = 'quarantine'): Promise<QuarantineReason[]> {
  const rows = (
    await conn.runAndReadAll(
      `SELECT table_name, check_name, count(DISTINCT record_id)::INTEGER, count(*)::INTEGER FROM ${from}
       WHERE centre_id = ${sql(centreId)} GROUP BY ALL ORDER BY 3 DESC, 1, 2`,
    )
  ).getRows();
  return rows.map(([table, check, records, problems]) => ({
    table: String(table), check: String(check), records: Number(records), problems: Number(problems),
  }));
}

/** The first `perReason` problems of each reason, in record order. */
export async function quarantineSamples(
  conn: DuckDBConnection, centreId: string, from = 'quarantine', perReason = SAMPLE_PER_REASON,
): Promise<QuarantineSample[]> {
  const rows = (
    await conn.runAndReadAll(
      `SELECT table_name, check_name, source_file, ${ROW}, field, raw_value, message FROM (
         SELECT *, row_number() OVER (PARTITION BY table_name, check_name ORDER BY record_id, field NULLS FIRST, message) AS k
         FROM ${from} WHERE centre_id = ${sql(centreId)})
       WHERE k <= ${Math.max(0, Math.floor(perReason))} ORDER BY table_name, check_name, k`,
    )
  ).getRows();
  const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return rows.map(([table, check, file, row, field, raw, message]) => ({
    table: String(table), check: String(check), file: String(file), row: str(row), field: str(field), raw_value: str(raw), message: String(message),
  }));
}

/** Writes every problem of one centre's quarantine to `path` as CSV (header, one row per problem, record order). */
export async function writeQuarantineCsv(conn: DuckDBConnection, centreId: string, path: string, from = 'quarantine'): Promise<void> {
  await conn.run(
    `COPY (SELECT table_name AS "table", check_name AS "check", source_file AS file, ${ROW} AS "row", field, raw_value, message, record_id
       FROM ${from} WHERE centre_id = ${sql(centreId)} ORDER BY record_id, field NULLS FIRST, check_name, message)
     TO ${sql(path)} (FORMAT csv, HEADER true)`,
  );
}
