// Engine throughput on synthetic slot features (for bench/index.ts): slots per second over every source ruleset.
import { join } from 'node:path';
import { evaluateRuleset, type SlotFeatureTable } from './engine.js';
import { FEATURE_COLUMNS } from './features.js';
import { loadRulesets } from './load.js';
import type { RuleVariableCode } from '../schemas/vocabularies.js';

/** Synthetic features: cycles of 15 slots, values spread over each variable's rule range, 10% missing. */
export function syntheticFeatures(nSlots: number, seed = 1): SlotFeatureTable {
  let s = seed;
  const rand = () => ((s = (s * 16807) % 2147483647) / 2147483647);
  const ranges: Partial<Record<RuleVariableCode, [number, number]>> = {
    heart_rate_at_dose: [70, 140], sbp_at_dose: [80, 130], phenylephrine_at_dose: [0, 1], phenylephrine_max_interval: [0, 2], urine_output_shift: [50, 800],
    urine_output_per_kg_shift: [0.5, 10], urine_output_rate_min: [5, 100], oliguria_hours: [0, 20], diarrhoea_shift: [0, 1500], diarrhoea_shifts_over_1000: [0, 2.5],
    creatinine: [0.8, 3.5], bicarbonate: [15, 28], bilirubin: [0.3, 8], platelets_min: [20000, 300000], weight_gain_pct: [0, 18], spo2_at_dose: [86, 100],
    o2_flow_at_dose: [0, 6], fio2_at_dose: [21, 50], intubation_hours: [0, 1], dialysis_hours: [0, 1], coma_hours: [0, 1], mental_status_change_hours: [0, 3],
    held_doses_in_cycle: [0, 4],
  };
  const values: Partial<Record<RuleVariableCode, Float64Array>> = {};
  for (const v of FEATURE_COLUMNS) {
    const [lo, hi] = ranges[v] ?? [0, 1];
    const boolean = ranges[v] === undefined;
    const col = new Float64Array(nSlots);
    for (let i = 0; i < nSlots; i++) {
      const r = rand();
      col[i] = r < 0.1 ? NaN : boolean ? (rand() < 0.02 ? 1 : 0) : lo + rand() * (hi - lo);
    }
    values[v] = col;
  }
  const cycle_id = Array.from({ length: nSlots }, (_, i) => `c${Math.floor(i / 15)}`);
  const patient_key = Array.from({ length: nSlots }, (_, i) => `p${Math.floor(i / 30)}`);
  return { n: nSlots, cycle_id, patient_key, slot_number: Int32Array.from({ length: nSlots }, (_, i) => (i % 15) + 1), values };
}

export interface EngineBench {
  slots: number;
  rulesets: number;
  seconds: number;
  slotsPerSecond: number;
  perRuleset: { id: string; rules: number; seconds: number }[];
}

/**
 * Evaluates every source ruleset over synthetic features in both histories and reports throughput.
 * @example benchEngine(1_000_000).slotsPerSecond
 */
export function benchEngine(nSlots: number, dir = join(import.meta.dirname, 'sources')): EngineBench {
  const table = syntheticFeatures(nSlots);
  const rulesets = loadRulesets(dir);
  const perRuleset = rulesets.map((rs) => {
    const t0 = performance.now();
    evaluateRuleset(rs, table);
    evaluateRuleset(rs, table, { history: 'recorded' });
    return { id: rs.id, rules: rs.rules.length, seconds: (performance.now() - t0) / 1000 / 2 };
  });
  const seconds = perRuleset.reduce((s, r) => s + r.seconds, 0);
  return { slots: nSlots, rulesets: rulesets.length, seconds, slotsPerSecond: (nSlots * rulesets.length) / seconds, perRuleset };
}
