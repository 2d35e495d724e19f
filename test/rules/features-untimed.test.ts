// A value whose time the export gives only as a date (observed_precision day, month, year) is not read at midnight: it
// decides no slot's look-back, and a baseline reads it only once its whole period has passed (decisions, "Date-only
// values in the slot features"). The store is hand-built; the first dose is 2024-03-04 08:00 UTC.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { computeSlotFeatures } from '../../rules/features.js';
import { untimedValueNotes } from '../../analytics/practice/untimed-values.js';
import { buildStore, CYCLE, cycle, obs, slots } from './store-fixture.js';

const S = '2024-03-04T08:00:00Z';
const day = (variable: string, date: string, value: number, unit: string) => ({
  ...obs(variable, `${date}T00:00:00Z`, value, unit),
  observed_precision: 'day',
});
let conn: DuckDBConnection;
let rows: Record<string, unknown>[];

beforeAll(async () => {
  conn = await buildStore({
    cycle: [cycle(S, 80)],
    dose_slot: slots(S, ['given', 'given', 'given', 'given']),
    observation: [
      day('creatinine', '2024-03-03', 1.0, 'mg/dL'), // the day before the first dose: over by then, a baseline
      day('creatinine', '2024-03-04', 3.0, 'mg/dL'), // the first dose's own day: it may have been measured after any of its slots
      obs('creatinine', '2024-03-05T06:00:00Z', 1.1, 'mg/dL'), // timed: read as before
      day('platelets', '2024-03-04', 40_000, '/uL'),
      day('sbp', '2024-03-04', 80, 'mm[Hg]'),
      obs('sbp', '2024-03-04T15:00:00Z', 118, 'mm[Hg]'),
      day('weight', '2024-03-04', 80, 'kg'),
      obs('weight', '2024-03-05T06:00:00Z', 84, 'kg'),
    ],
    // Atrial fibrillation "on 2024-03-05", unresolved: it may have begun at any time that day.
    clinical_event: [{ cycle_id: CYCLE, event_type: 'atrial_fibrillation', onset_at: '2024-03-05T00:00:00Z', onset_precision: 'day', resolved_at: null }],
  });
  expect(await computeSlotFeatures(conn)).toBe(4);
  rows = (await conn.runAndReadAll('SELECT * FROM slot_features ORDER BY slot_number')).getRowObjectsJS() as Record<string, unknown>[];
});
afterAll(() => conn.closeSync());

const col = (name: string) => rows.map((r) => (typeof r[name] === 'number' ? Math.round((r[name] as number) * 1000) / 1000 : r[name]));

describe('date-only observations in the slot features', () => {
  it('decide no look-back: the date-only creatinine and platelets of the dosing day are missing, not read at midnight', () => {
    // Read at midnight, 3.0 would have decided slots 1–3 (within 24 h) and 40,000 slots 1–2 (at the old code's 00:00).
    expect(col('creatinine')).toEqual([null, null, null, 1.1]);
    expect(col('platelets_min')).toEqual([null, null, null, null]);
    expect(col('sbp_at_dose')).toEqual([null, 118, null, null]);
    expect(col('sbp_min_interval')).toEqual([null, 118, null, null]);
  });

  it('a baseline reads a date-only value once its whole day has passed: the day before the first dose, not the first dose’s day', () => {
    // Baseline 1.0 (2024-03-03), not 3.0 (2024-03-04, whose day was not over at the first dose).
    expect(col('creatinine_baseline_change')).toEqual([null, null, null, 0.1]);
  });

  it('the cycle’s first weight may be date-only (a baseline); the latest weight at a dose must be timed', () => {
    expect(col('weight_gain_pct')).toEqual([null, null, null, 5]);
  });

  it('an event with a date-only onset is unknown (not present, not absent) on its onset day, not active from midnight', () => {
    // Read at midnight it was present at slots 3 and 4 (2024-03-05 00:00 and 08:00); before its day it is absent.
    expect(col('atrial_fibrillation')).toEqual([0, 0, null, null]);
  });

  it('the holds output counts them per centre, naming variable and precision', () => {
    const notes = untimedValueNotes([
      { centre_id: 'northbay', variable: 'creatinine', precision: 'day', values: 2 },
      { centre_id: 'northbay', variable: 'weight', precision: 'month', values: 1 },
    ]);
    expect(notes).toEqual([
      'northbay: 3 value(s) of rule variables have a date but no time (creatinine 2 (day), weight 1 (month)); they decide no dose slot — a date-only ' +
        'value cannot be placed inside a look-back of 24 h or less — and a baseline reads one only once its whole period has passed; ' +
        'an event is unknown at the slots of its onset period',
    ]);
    expect(untimedValueNotes([])).toEqual([]);
  });
});
