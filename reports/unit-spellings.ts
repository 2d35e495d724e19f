// Every unit spelling an ingest converted, as the data-quality report lists it: per variable (or infusion agent), the
// export's spelling (unit_raw), the canonical unit, how many stored values, and the spec's unit_spellings line it went
// through, if any.
import type { DuckDBConnection } from '@duckdb/node-api';
import { normaliseUnit } from '../pipelines/map/units.js';
import { sql } from '../pipelines/store/sql.js';

export interface UnitSpelling {
  /** Observation variable, or infusion agent for a rate or volume. */
  variable: string;
  unit_raw: string;
  unit: string;
  values: number;
  /** The spec's spelling → known unit it was read as (unit_spellings), or null when the kit knows the spelling itself. */
  via_spec: string | null;
}

/**
 * The spellings of one centre's stored observations and infusions (`from`: a table's store name, or a rejected run's
 * Parquet file).
 */
export async function unitSpellings(
  conn: DuckDBConnection,
  centre: string,
  spellings: Record<string, string>,
  from: (table: 'observation' | 'infusion') => string = (t) => t,
): Promise<UnitSpelling[]> {
  const c = sql(centre);
  const rows = (
    await conn.runAndReadAll(`SELECT variable, unit_raw, unit, count(*)::BIGINT AS n FROM (
        SELECT variable, unit_raw, unit FROM ${from('observation')} WHERE centre_id = ${c} AND unit_raw IS NOT NULL
        UNION ALL SELECT agent, unit_raw, coalesce(rate_unit, 'mL') FROM ${from('infusion')} WHERE centre_id = ${c} AND unit_raw IS NOT NULL)
      GROUP BY ALL ORDER BY ALL`)
  ).getRows();
  const spec = new Map(Object.entries(spellings).map(([a, b]) => [normaliseUnit(a), `${a} → ${b}`]));
  return rows.map(([variable, raw, unit, n]) => ({
    variable: String(variable), unit_raw: String(raw), unit: String(unit), values: Number(n), via_spec: spec.get(normaliseUnit(String(raw))) ?? null,
  }));
}
