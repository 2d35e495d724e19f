// Observations of the rule variables whose time is known only to the day, month or year: the slot features leave them
// out (rules/features.ts, TIMED_OBSERVATION), so the holds output counts them per centre rather than dropping them silently.
import { createDuckDB } from '../../pipelines/store/engine.js';
import { attachStoreReadOnly } from '../../pipelines/store/open.js';
import { sql } from '../../pipelines/store/sql.js';
import { FEATURE_OBSERVATION_VARIABLES } from '../../rules/features.js';
import { CLINICAL_EVENT_TYPES, RULE_VARIABLES } from '../../schemas/vocabularies.js';

/** Clinical event types some rule variable reads. */
const RULE_EVENTS = [...new Set(Object.values(RULE_VARIABLES).flatMap((v) => [...(v.from as readonly string[])]))]
  .filter((e) => e in CLINICAL_EVENT_TYPES)
  .sort();

/** One row per centre × variable (or event type) × precision with at least one such value. */
export interface UntimedValueRow {
  centre_id: string;
  /** Observation variable, or clinical event type (its onset). */
  variable: string;
  precision: 'day' | 'month' | 'year';
  values: number;
}

/**
 * Per centre, the rule-variable observations the slot features could not place in time (read-only).
 * @example await untimedValuesFromStore('out/store') // [] when every value has its time
 */
export async function untimedValuesFromStore(storeDir: string, options: { centres?: readonly string[] } = {}): Promise<UntimedValueRow[]> {
  const db = await createDuckDB(':memory:');
  try {
    await attachStoreReadOnly(db.conn, storeDir, 'store');
    const only = options.centres === undefined ? '' : `AND centre_id IN (${options.centres.map(sql).join(', ') || 'NULL'})`;
    const rows = (
      await db.conn.runAndReadAll(`
        SELECT centre_id, variable, precision, count(*)::INTEGER AS n FROM (
          SELECT centre_id, variable, observed_precision AS precision FROM store.main.observation
          WHERE observed_precision <> 'minute' AND variable IN (${FEATURE_OBSERVATION_VARIABLES.map(sql).join(', ')}) ${only}
          UNION ALL SELECT centre_id, event_type, onset_precision FROM store.main.clinical_event
          WHERE onset_precision <> 'minute' AND event_type IN (${RULE_EVENTS.map(sql).join(', ') || 'NULL'}) ${only})
        GROUP BY ALL ORDER BY ALL`)
    ).getRowObjectsJS() as { centre_id: string; variable: string; precision: UntimedValueRow['precision']; n: number }[];
    return rows.map((r) => ({ centre_id: r.centre_id, variable: r.variable, precision: r.precision, values: r.n }));
  } finally {
    db.close();
  }
}

/**
 * Notes for the holds output, one per centre with untimed values; none when every value has its time.
 * @example untimedValueNotes([{ centre_id: 'x', variable: 'sbp', precision: 'day', values: 3 }])
 */
export function untimedValueNotes(rows: readonly UntimedValueRow[]): string[] {
  const byCentre = new Map<string, UntimedValueRow[]>();
  for (const r of rows) byCentre.set(r.centre_id, [...(byCentre.get(r.centre_id) ?? []), r]);
  return [...byCentre.entries()].map(([centre, rs]) => {
    const n = rs.reduce((a, r) => a + r.values, 0);
    const what = rs.map((r) => `${r.variable} ${r.values} (${r.precision})`).join(', ');
    return (
      `${centre}: ${n} value(s) of rule variables have a date but no time (${what}); they decide no dose slot — a date-only value ` +
      'cannot be placed inside a look-back of 24 h or less — and a baseline reads one only once its whole period has passed; ' +
      'an event is unknown at the slots of its onset period'
    );
  });
}
