// Rule semantics judged from a hand-built store (issue 21, items 1.3–1.5): each test fails on the features before the fix.
//  - urine-output rates read the shift mean, the same whether the ward charts hourly or per 8-h shift (old: the lowest
//    charted hour, 5 mL/h here, which fired S5's absolute "<10 mL/h" on hourly charting only);
//  - coma, seizure, hallucinations and a failed cognitive screen are mental-status changes (old: only the
//    mental_status_change event type);
//  - duration limits are judged on the episode: an intubation that passes 72 h after the cycle's last dose discontinues
//    IL-2 at the patient's next cycle (old: the feature was the current episode's length at the dose, 0 by then).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { evaluateRuleset, slotDecision } from '../../rules/engine.js';
import { computeSlotFeatures, readSlotFeatures, type SlotFeatureFrame } from '../../rules/features.js';
import { loadRulesets } from '../../rules/load.js';
import { KEY, buildStore, cycle, slots } from './store-fixture.js';

const rulesets = loadRulesets(join(import.meta.dirname, '..', '..', 'rules', 'sources'));
const byId = (id: string) => rulesets.find((r) => r.id === id)!;
const C1 = `${KEY}-c1.1`;
const C2 = `${KEY}-c1.2`;
const OTHER = 'a1b2c3d4e5f60718';
const H = 3600_000;
const iso = (ms: number) => new Date(ms).toISOString();

let conn: DuckDBConnection;
let frame: SlotFeatureFrame;
let rows: Record<string, unknown>[];

// Patient KEY: cycle 1 (3 slots from S1, 8-hourly), cycle 2 two weeks later (2 slots). Hourly urine charting in cycle 1:
// 7 hours at 30 mL/h and one at 5 mL/h before slot 2 (shift mean 26.9 mL/h). Intubated 4 h after the last dose of
// cycle 1 for 80 h. Hallucinations at slot 3 of cycle 1 only.
// Patient OTHER: 8-h urine charting with the same shift total; a seizure at its slot 1.
const S1 = Date.parse('2024-03-04T08:00:00Z');
const S2 = S1 + 14 * 24 * H;
beforeAll(async () => {
  const urineHourly = Array.from({ length: 8 }, (_, k) => ({
    cycle_id: C1, observed_at: iso(S1 + (k + 1) * H), variable: 'urine_output', value: k === 5 ? 5 : 30, unit: 'mL', period_hours: 1, value_raw: null, unit_raw: null,
  }));
  conn = await buildStore({
    cycle: [cycle(iso(S1), 80, C1), cycle(iso(S2), 80, C2), { ...cycle(iso(S1), 80, `${OTHER}-c1.1`), patient_key: OTHER }],
    dose_slot: [...slots(iso(S1), ['given', 'given', 'given'], C1), ...slots(iso(S2), ['given', 'given'], C2), ...slots(iso(S1), ['given', 'given'], `${OTHER}-c1.1`).map((s) => ({ ...s, patient_key: OTHER }))],
    observation: [
      ...urineHourly,
      { cycle_id: C1, observed_at: iso(S1 - 2 * H), variable: 'creatinine', value: 2.0, unit: 'mg/dL', period_hours: null, value_raw: null, unit_raw: null },
      { cycle_id: C1, observed_at: iso(S1 + 10 * H), variable: 'creatinine', value: 4.6, unit: 'mg/dL', period_hours: null, value_raw: null, unit_raw: null },
      { patient_key: OTHER, cycle_id: `${OTHER}-c1.1`, observed_at: iso(S1 + 8 * H), variable: 'urine_output', value: 215, unit: 'mL', period_hours: 8, value_raw: null, unit_raw: null },
    ],
    clinical_event: [
      { cycle_id: C1, event_type: 'intubation', onset_at: iso(S1 + 20 * H), resolved_at: iso(S1 + 100 * H) },
      { cycle_id: C1, event_type: 'hallucinations', onset_at: iso(S1 + 15 * H), resolved_at: iso(S1 + 17 * H) },
      { patient_key: OTHER, cycle_id: `${OTHER}-c1.1`, event_type: 'seizure', onset_at: iso(S1 - H), resolved_at: iso(S1 + H) },
    ],
  });
  expect(await computeSlotFeatures(conn)).toBe(7);
  rows = (await conn.runAndReadAll('SELECT * FROM slot_features ORDER BY patient_key DESC, scheduled_at')).getRowObjectsJS() as Record<string, unknown>[];
  frame = await readSlotFeatures(conn);
});
afterAll(() => conn.closeSync());

const col = (name: string) => rows.map((r) => (typeof r[name] === 'number' ? Math.round((r[name] as number) * 1000) / 1000 : r[name]));
const decisionsOf = (rulesetId: string) => {
  const ev = evaluateRuleset(byId(rulesetId), frame, { history: 'recorded' });
  const out = new Map<string, ReturnType<typeof slotDecision>>();
  for (let i = 0; i < frame.n; i++) out.set(`${frame.cycle_id[i]}#${frame.slot_number[i]}`, slotDecision(ev, frame, i));
  return out;
};

describe('urine-output rates are judged on the shift mean, whatever the charting interval', () => {
  it('hourly and 8-h charting of the same shift give the same rate (the lowest hour is kept apart, for description)', () => {
    // Rows: KEY c1 slots 1–3, c2 slots 1–2, then OTHER slots 1–2 (patient_key DESC: f3… before a1…).
    expect(col('urine_output_shift').slice(0, 3)).toEqual([null, 215, null]);
    expect(col('urine_output_rate_mean').slice(0, 3)).toEqual([null, 26.875, null]);
    expect(col('urine_output_rate_mean').slice(5, 6)).toEqual([null]);
    expect(col('urine_output_rate_mean')[6]).toBe(26.875);
    expect(col('urine_output_rate_min')[1]).toBe(5);
    expect(col('urine_output_rate_min')[6]).toBe(26.875);
  });
  it('S5 "UO <10 mL/h" does not fire on one low charted hour of an otherwise adequate shift', () => {
    const d = decisionsOf('inst_springerplus_2015');
    expect(d.get(`${C1}#2`)!.fired.map((f) => f.rule_id)).not.toContain('urine_output_rate_absolute');
    expect(d.get(`${C1}#2`)!.decision).toBe('give');
    expect(d.get(`${OTHER}-c1.1#2`)!.decision).toBe('give');
  });
});

describe('coma, seizure, hallucinations and a failed cognitive screen are mental-status changes', () => {
  it('the mental-status variable is present with hallucinations or a seizure, and its hours run from their onset', () => {
    expect(col('hallucinations').slice(0, 3)).toEqual([0, 0, 1]);
    expect(col('mental_status_change').slice(0, 3)).toEqual([0, 0, 1]);
    expect(col('mental_status_change')[5]).toBe(1); // OTHER slot 1: seizure
    expect(col('mental_status_change_hours')[2]).toBe(1);
  });
  it('the label withholds for them under its mental-status row', () => {
    const d = decisionsOf('label_2024');
    expect(d.get(`${C1}#3`)!.fired.map((f) => f.rule_id)).toContain('mental_status_change');
    expect(d.get(`${OTHER}-c1.1#1`)!.fired.map((f) => f.rule_id)).toContain('mental_status_change');
  });
});

describe('a resume "or baseline" reads the patient’s baseline', () => {
  it('creatinine change from the last value before the patient’s first dose (missing without a current creatinine)', () => {
    expect(col('creatinine').slice(0, 5)).toEqual([2, 2, 4.6, null, null]);
    expect(col('creatinine_baseline_change').slice(0, 5)).toEqual([0, 0, 2.6, null, null]);
  });
});

describe('duration criteria are judged on the episode, across cycles', () => {
  it('the longest episode so far, cut at the slot: 80 h of intubation that began after the last dose of cycle 1', () => {
    expect(col('intubation_hours').slice(0, 5)).toEqual([0, 0, 0, 80, 80]);
    expect(col('intubated').slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
  });
  it('an episode that passed its limit after the cycle ended discontinues IL-2 in the next cycle', () => {
    const d = decisionsOf('label_2024');
    expect(d.get(`${C2}#1`)!.decision).toBe('discontinue');
    expect(d.get(`${C2}#1`)!.fired.map((f) => [f.rule_id, f.value])).toContainEqual(['intubation_over_72h', 80]);
    const engine = evaluateRuleset(byId('label_2024'), frame);
    const i = frame.cycle_id.indexOf(C2);
    expect([engine.decision[i], engine.decision[i + 1]]).toEqual([3, 4]); // discontinue, then not reached
  });
});
