// A tiny DuckDB store built from hand-written records, for the feature and end-to-end tests.
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { createTableSql, tableColumns } from '../../pipelines/store/layout.js';
import type { TableName } from '../../schemas/index.js';

export const KEY = 'f3a9c2e1b4d5a6c7';
export const CYCLE = `${KEY}-c1.1`;
export const CENTRE = 'northbay';
const PROV = { source_file: 'x.csv', source_sha256: 'a'.repeat(64), source_row: 1, source_pointer: null, spec_id: 'test', spec_version: '1' };

/** In-memory store with the store's tables, filled with the given records (missing columns take provenance or null). */
export async function buildStore(records: Partial<Record<TableName, Record<string, unknown>[]>>): Promise<DuckDBConnection> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  await conn.run("SET TimeZone='UTC'");
  for (const t of ['patient', 'cycle', 'dose_slot', 'observation', 'infusion', 'clinical_event'] as const) {
    await conn.run(createTableSql(t));
    const cols = tableColumns(t);
    for (const r of records[t] ?? []) {
      const row: Record<string, unknown> = { centre_id: CENTRE, patient_key: KEY, ...PROV, observed_precision: 'minute', onset_precision: 'minute', ...r };
      const vals = cols.map((c) => literal(row[c.name] ?? null, c.type));
      await conn.run(`INSERT INTO ${t} (${cols.map((c) => c.name).join(', ')}) VALUES (${vals.join(', ')})`);
    }
  }
  return conn;
}

function literal(v: unknown, type: string): string {
  if (v === null) return 'NULL';
  if (Array.isArray(v)) return `[${v.map((x) => `'${String(x)}'`).join(', ')}]::VARCHAR[]`;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return `'${String(v).replace(/'/g, "''")}'::${type}`;
}

/** Slots every 8 h from the cycle start, given unless a status is listed. */
export function slots(startIso: string, statuses: string[], cycleId = CYCLE): Record<string, unknown>[] {
  const t0 = Date.parse(startIso);
  return statuses.map((status, i) => ({
    cycle_id: cycleId,
    slot_number: i + 1,
    scheduled_at: new Date(t0 + i * 8 * 3600_000).toISOString(),
    status,
    given_at: status === 'given' ? new Date(t0 + i * 8 * 3600_000).toISOString() : null,
    dose_iu: status === 'given' ? 48_000_000 : null,
    dose_iu_source: status === 'given' ? 'recorded' : null,
    hold_reason_codes: [],
  }));
}

export function cycle(startIso: string, weight = 80, cycleId = CYCLE): Record<string, unknown> {
  return {
    cycle_id: cycleId, course_number: 1, cycle_number: 1, start_at: startIso, dose_iu_per_kg: 600000, dosing_weight_kg: weight,
    dosing_weight_basis: 'actual_admission', planned_max_doses: 14, end_reason: 'max_reached',
  };
}

export const obs = (variable: string, at: string, value: number, unit: string, period_hours: number | null = null): Record<string, unknown> => ({
  cycle_id: CYCLE, observed_at: at, variable, value, unit, period_hours, value_raw: null, unit_raw: null,
});
