import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { evaluateRuleset, slotDecision } from '../../rules/engine.js';
import { computeSlotFeatures, readSlotFeatures, type SlotFeatureFrame } from '../../rules/features.js';
import { loadRulesets } from '../../rules/load.js';
import { buildStore, CYCLE, cycle, obs, slots } from './store-fixture.js';

const S = '2024-03-04T08:00:00Z';
let conn: DuckDBConnection;
let frame: SlotFeatureFrame;
let rows: Record<string, unknown>[];

beforeAll(async () => {
  const dose = slots(S, ['given', 'given', 'held', 'given', 'given', 'given']);
  dose[2]!.hold_reason_codes = ['oliguria'];
  conn = await buildStore({
    cycle: [cycle(S, 80)],
    dose_slot: dose,
    observation: [
      obs('heart_rate', '2024-03-04T07:30:00Z', 135, '/min'),
      obs('heart_rate', '2024-03-04T11:00:00Z', 95, '/min'), // 5 h before slot 2: too old
      obs('urine_output', '2024-03-04T08:00:00Z', 400, 'mL', 8),
      obs('urine_output', '2024-03-04T16:00:00Z', 120, 'mL', 8),
      obs('urine_output', '2024-03-05T00:00:00Z', 70, 'mL', 8),
      obs('urine_output', '2024-03-05T08:00:00Z', 60, 'mL', 8),
      obs('creatinine', '2024-03-04T06:00:00Z', 1.2, 'mg/dL'),
      obs('creatinine', '2024-03-05T06:00:00Z', 2.6, 'mg/dL'),
      obs('platelets', '2024-03-05T06:00:00Z', 45000, '/uL'),
      obs('platelets', '2024-03-05T07:00:00Z', 60000, '/uL'),
      obs('weight', '2024-03-04T06:00:00Z', 80, 'kg'),
      obs('weight', '2024-03-05T06:00:00Z', 93, 'kg'),
      obs('diarrhoea_volume', '2024-03-04T08:00:00Z', 0, 'mL', 8),
      obs('diarrhoea_volume', '2024-03-04T16:00:00Z', 1200, 'mL', 8),
      obs('diarrhoea_volume', '2024-03-05T00:00:00Z', 1100, 'mL', 8),
      obs('diarrhoea_volume', '2024-03-05T08:00:00Z', 300, 'mL', 8),
    ],
    infusion: [
      { cycle_id: CYCLE, agent: 'phenylephrine', start_at: '2024-03-04T10:00:00Z', end_at: '2024-03-04T14:00:00Z', rate: 1.2, rate_unit: 'ug/kg/min' },
      { cycle_id: CYCLE, agent: 'phenylephrine', start_at: '2024-03-04T14:00:00Z', end_at: '2024-03-04T17:00:00Z', rate: 0.6, rate_unit: 'ug/kg/min' },
    ],
    clinical_event: [{ cycle_id: CYCLE, event_type: 'atrial_fibrillation', onset_at: '2024-03-05T07:00:00Z', resolved_at: '2024-03-05T09:00:00Z' }],
  });
  expect(await computeSlotFeatures(conn)).toBe(6);
  rows = (await conn.runAndReadAll('SELECT * FROM slot_features ORDER BY slot_number')).getRowObjectsJS() as Record<string, unknown>[];
  frame = await readSlotFeatures(conn);
});
afterAll(() => conn.closeSync());

const col = (name: string) => rows.map((r) => (typeof r[name] === 'number' ? Math.round((r[name] as number) * 1000) / 1000 : r[name]));

describe('computeSlotFeatures on a hand-built store', () => {
  it('at dose: latest value within the look-back, else missing', () => {
    expect(col('heart_rate_at_dose')).toEqual([135, null, null, null, null, null]);
    expect(col('creatinine')).toEqual([1.2, 1.2, 1.2, 2.6, 2.6, 2.6]);
    expect(col('creatinine_rising')).toEqual([null, null, null, 1, 1, 1]);
  });
  it('phenylephrine at the dose and its maximum over the preceding interval (segments straddling the window edge count)', () => {
    expect(col('phenylephrine_at_dose')).toEqual([0, 0.6, 0, 0, 0, 0]);
    expect(col('phenylephrine_max_interval')).toEqual([0, 1.2, 0.6, 0, 0, 0]);
    expect(col('pressor_any_interval')).toEqual([0, 1, 1, 0, 0, 0]);
  });
  it('urine output per shift, per kg of dosing weight, lowest rate and hours <10 mL/h; missing once the charting stops', () => {
    expect(col('urine_output_shift')).toEqual([400, 120, 70, 60, null, null]);
    expect(col('urine_output_per_kg_shift')).toEqual([5, 1.5, 0.875, 0.75, null, null]);
    expect(col('urine_output_rate_min')).toEqual([50, 15, 8.75, 7.5, null, null]);
    expect(col('oliguria_hours')).toEqual([0, 0, 8, 16, null, null]);
  });
  it('diarrhoea per shift and consecutive shifts ≥1000 mL', () => {
    expect(col('diarrhoea_shift')).toEqual([0, 1200, 1100, 300, null, null]);
    expect(col('diarrhoea_shifts_over_1000')).toEqual([0, 1, 2, 0, null, null]);
  });
  it('lowest platelets over 24 h, weight gain over the cycle’s first weight', () => {
    expect(col('platelets_min')).toEqual([null, null, null, 45000, 45000, 45000]);
    expect(col('weight_gain_pct')).toEqual([0, 0, 0, 16.25, 16.25, 16.25]);
  });
  it('events active at the dose; event types the centre never records are missing, not absent', () => {
    expect(col('atrial_fibrillation')).toEqual([0, 0, 0, 1, 0, 0]);
    expect(col('svt')).toEqual([null, null, null, null, null, null]);
  });
  it('recorded held doses before each slot', () => {
    expect(col('held_doses_in_cycle')).toEqual([0, 0, 0, 1, 1, 1]);
  });
});

describe('end to end: store -> features -> consensus decisions', () => {
  it('decides every slot with its evidence', () => {
    const consensus = loadRulesets(join(import.meta.dirname, '..', '..', 'rules', 'sources')).find((r) => r.id === 'consensus_2014_t3')!;
    const ev = evaluateRuleset(consensus, frame, { history: 'recorded' });
    const d = Array.from({ length: frame.n }, (_, i) => slotDecision(ev, frame, i));
    expect(d.map((x) => x.decision)).toEqual(['stop_cycle', 'hold', 'stop_cycle', 'stop_cycle', 'hold', 'hold']);
    expect(d.map((x) => x.fired.map((f) => f.rule_id))).toEqual([
      ['hr_absolute'],
      ['diarrhoea_relative', 'phenylephrine_max_relative', 'phenylephrine_at_dose_relative', 'urine_output_relative'],
      ['diarrhoea_relative', 'diarrhoea_absolute', 'urine_output_absolute'],
      ['atrial_fibrillation', 'platelets_relative', 'weight_gain', 'urine_output_absolute', 'creatinine_relative'],
      ['platelets_relative', 'weight_gain', 'creatinine_relative'],
      ['platelets_relative', 'weight_gain', 'creatinine_relative'],
    ]);
    expect(evaluateRuleset(consensus, frame).decision[1]).toBe(4);
  });
});
