// Recorded absences (observation rows with no value and a value_absent_reason: FHIR dataAbsentReason, SDTM --STAT
// NOT DONE), as the data-quality report counts them per variable and reason. They are stored, not quarantined, and no
// analysis reads them (the store's observation view leaves them out; observation_all holds them).
import type { DuckDBConnection } from '@duckdb/node-api';
import { sql } from '../pipelines/store/sql.js';
import { OBSERVATION_ALL } from '../pipelines/store/layout.js';

/** Stored absences per variable and reason; `from` gives the relation (the store's observation_all, or a rejected run's Parquet file). */
export async function valueAbsences(
  conn: DuckDBConnection,
  centre: string,
  from: string = OBSERVATION_ALL,
): Promise<Record<string, Record<string, number>>> {
  const rows = (
    await conn.runAndReadAll(
      `SELECT variable, value_absent_reason, count(*)::BIGINT FROM ${from} WHERE centre_id = ${sql(centre)} AND value_absent_reason IS NOT NULL ` +
        'GROUP BY 1, 2 ORDER BY 1, 2',
    )
  ).getRows();
  const out: Record<string, Record<string, number>> = {};
  for (const [v, why, n] of rows) (out[String(v)] ??= {})[String(why)] = Number(n);
  return out;
}
