// Which urine-output charting interval each centre's store shows (hourly, per shift, ...). Urine-output rate rules
// ("10–20 mL/h") read the shift mean (rules/features.ts, urine_output_rate_mean), which does not depend on it; the
// holds output states the interval so a reader can see the reading was charting-independent.
import { createDuckDB } from '../../pipelines/store/engine.js';
import { attachStoreReadOnly } from '../../pipelines/store/open.js';
import { sql } from '../../pipelines/store/sql.js';

export interface UrineChartingRow {
  centre_id: string;
  /** Charted urine-output periods in the store. */
  urine_periods: number;
  /** Median length of a charted period (h); null when the centre charts no urine output. */
  charting_interval_h: number | null;
  /** Share of periods of one hour or less. */
  hourly_share: number | null;
  charting: string;
  rate_reading: string;
}

/** The reading every urine-rate rule of the kit uses. */
export const URINE_RATE_READING = 'shift mean: urine over the 8-h shift before the dose / 8 h (not the lowest charted period)';

/** Words for a median charting interval. */
export function chartingLabel(medianHours: number | null): string {
  if (medianHours === null) return 'no urine output charted';
  if (medianHours <= 1) return 'hourly';
  if (medianHours >= 7.5 && medianHours <= 8.5) return 'per 8-h shift';
  return `every ${Math.round(medianHours * 10) / 10} h`;
}

/**
 * Per centre: how its urine output is charted, read from the store (read-only).
 * @example await urineChartingFromStore('out/store') // [{ centre_id: 'amstel', charting: 'per 8-h shift', ... }]
 */
export async function urineChartingFromStore(storeDir: string, options: { centres?: readonly string[] } = {}): Promise<UrineChartingRow[]> {
  const db = await createDuckDB(':memory:');
  try {
    await attachStoreReadOnly(db.conn, storeDir, 'store');
    const only = options.centres === undefined ? '' : `WHERE s.centre_id IN (${options.centres.map(sql).join(', ') || 'NULL'})`;
    const rows = (
      await db.conn.runAndReadAll(`
        SELECT s.centre_id, coalesce(u.n, 0)::INTEGER AS n, u.med, u.hourly
        FROM (SELECT DISTINCT centre_id FROM store.main.dose_slot) s
        -- Aggregated before the join: a filter inside a LEFT JOIN's condition was applied row by row (four to six times the CPU).
        LEFT JOIN (
          SELECT centre_id, count(period_hours) AS n, median(period_hours)::DOUBLE AS med, avg((period_hours <= 1)::INTEGER)::DOUBLE AS hourly
          FROM store.main.observation WHERE variable = 'urine_output' AND period_hours > 0 GROUP BY centre_id
        ) u ON u.centre_id = s.centre_id
        ${only} ORDER BY s.centre_id`)
    ).getRowObjectsJS() as { centre_id: string; n: number; med: number | null; hourly: number | null }[];
    return rows.map((r) => ({
      centre_id: r.centre_id,
      urine_periods: r.n,
      charting_interval_h: r.med,
      hourly_share: r.hourly === null ? null : Math.round(r.hourly * 1000) / 1000,
      charting: chartingLabel(r.med),
      rate_reading: URINE_RATE_READING,
    }));
  } finally {
    db.close();
  }
}
