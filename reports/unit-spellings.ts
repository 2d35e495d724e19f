// Every unit spelling an ingest converted, as the data-quality report lists it: per variable, the export's spelling
// (unit_raw), the canonical unit, how many stored values, and the spec's unit_spellings line it went through, if any.
import type { DuckDBConnection } from '@duckdb/node-api';
import { normaliseUnit } from '../pipelines/map/units.js';
import { sql } from '../pipelines/store/sql.js';

export interface UnitSpelling {
  variable: string;
  unit_raw: string;
  unit: string;
  values: number;
  /** The spec's spelling → known unit it was read as (unit_spellings), or null when the kit knows the spelling itself. */
  via_spec: string | null;
}

/** The spellings of one centre's stored observations (`from`: the store's table or a rejected run's Parquet file). */
export async function unitSpellings(conn: DuckDBConnection, centre: string, spellings: Record<string, string>, from = 'observation'): Promise<UnitSpelling[]> {
  const rows = (
    await conn.runAndReadAll(
      `SELECT variable, unit_raw, unit, count(*)::BIGINT AS n FROM ${from} WHERE centre_id = ${sql(centre)} AND unit_raw IS NOT NULL GROUP BY ALL ORDER BY ALL`,
    )
  ).getRows();
  const spec = new Map(Object.entries(spellings).map(([a, b]) => [normaliseUnit(a), `${a} → ${b}`]));
  return rows.map(([variable, raw, unit, n]) => ({
    variable: String(variable), unit_raw: String(raw), unit: String(unit), values: Number(n), via_spec: spec.get(normaliseUnit(String(raw))) ?? null,
  }));
}
