// Instants an export gave with less than a time (ISO 8601 reduced precision), as the data-quality report counts them:
// each was stored as the start of its period in the centre's zone (the imputation rule the data dictionary states).
import type { DuckDBConnection } from '@duckdb/node-api';
import { sql } from '../pipelines/store/sql.js';

/** Instant columns with a precision column, by `table.column`. */
const PRECISION_COLUMNS = [
  { table: 'observation', column: 'observed_at', precision: 'observed_precision' },
  { table: 'clinical_event', column: 'onset_at', precision: 'onset_precision' },
] as const;

/**
 * Stored values per `table.column` whose time was imputed, by precision (year, month, day); columns with none are left out.
 * `from` gives each table's relation (the store's table, or a rejected run's Parquet file).
 */
export async function imputedDates(
  conn: DuckDBConnection,
  centre: string,
  from: (table: string) => string = (t) => t,
): Promise<Record<string, Record<string, number>>> {
  const out: Record<string, Record<string, number>> = {};
  for (const p of PRECISION_COLUMNS) {
    const rows = (
      await conn.runAndReadAll(
        `SELECT ${p.precision}, count(*)::BIGINT FROM ${from(p.table)} WHERE centre_id = ${sql(centre)} AND ${p.precision} <> 'minute' GROUP BY 1 ORDER BY 1`,
      )
    ).getRows();
    if (rows.length > 0) out[`${p.table}.${p.column}`] = Object.fromEntries(rows.map(([k, n]) => [String(k), Number(n)]));
  }
  return out;
}
