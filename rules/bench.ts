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

/**
 * Fills an open store (tables already created) with a crude synthetic load for timing only: 4 cycles × 15 slots per
 * patient, 5 vitals q2h, 5 daily labs, phenylephrine segments, some AF. Values are noise, not physiology.
 * @example await fillSyntheticStore(conn, 2000); await computeSlotFeatures(conn);
 */
export async function fillSyntheticStore(conn: import('@duckdb/node-api').DuckDBConnection, patients: number): Promise<void> {
  const prov = `'x', '${'a'.repeat(64)}', 1, NULL, 's', '1'`;
  const stmts = [
    `INSERT INTO cycle SELECT 'c', lpad(p::VARCHAR, 16, '0'), lpad(p::VARCHAR, 16, '0') || '-c1.' || cy, 1, cy, TIMESTAMPTZ '2024-01-01 08:00:00+00' + INTERVAL (p * 100 + cy * 20) DAY, 600000, 80, 'actual_admission', 14, 'max_reached', ${prov} FROM range(${patients}) t(p), range(1, 5) u(cy)`,
    `INSERT INTO dose_slot SELECT 'c', patient_key, cycle_id, s, start_at + INTERVAL (8 * (s - 1)) HOUR, CASE WHEN random() < 0.3 THEN 'held' ELSE 'given' END, NULL, NULL, [], NULL, ${prov} FROM cycle, range(1, 16) v(s)`,
    `UPDATE dose_slot SET given_at = scheduled_at, dose_iu = 1 WHERE status = 'given'`,
    `INSERT INTO observation SELECT 'c', patient_key, cycle_id, start_at - INTERVAL 12 HOUR + INTERVAL (2 * h) HOUR, v, 100 + random() * 20, 'u', CASE WHEN v = 'urine_output' THEN 2 END, NULL, NULL, ${prov}
      FROM cycle, range(0, 66) w(h), (VALUES ('heart_rate'), ('sbp'), ('spo2'), ('urine_output'), ('o2_flow')) x(v)`,
    `INSERT INTO observation SELECT 'c', patient_key, cycle_id, start_at - INTERVAL 2 HOUR + INTERVAL (24 * d) HOUR, v, 1 + random(), 'u', NULL, NULL, NULL, ${prov}
      FROM cycle, range(0, 6) w(d), (VALUES ('creatinine'), ('platelets'), ('bicarbonate'), ('bilirubin'), ('weight')) x(v)`,
    `INSERT INTO infusion SELECT 'c', patient_key, cycle_id, 'phenylephrine', start_at + INTERVAL (h) HOUR, start_at + INTERVAL (h + 3) HOUR, random(), 'ug/kg/min', NULL, NULL, NULL, ${prov} FROM cycle, range(24, 120, 6) w(h)`,
    `INSERT INTO clinical_event SELECT 'c', patient_key, cycle_id, 'atrial_fibrillation', start_at + INTERVAL 50 HOUR, start_at + INTERVAL 53 HOUR, NULL, NULL, ${prov} FROM cycle WHERE random() < 0.1`,
  ];
  for (const s of stmts) await conn.run(s);
}
