// The change point's patient bootstrap (implied-thresholds.ts stepBootstrap) adds each drawn patient's value counts
// once, times its draws (issue 25). This checks its interval against a direct reference: resample patients one draw at
// a time, add their slots one by one, and locate the step with the public fitStep, with the same seeded generator.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fitStep, impliedThresholds } from '../../../analytics/practice/implied-thresholds.js';
import { featureTableFromRows } from '../../../rules/engine.js';
import type { SlotFeatureFrame } from '../../../rules/features.js';
import { loadRulesets } from '../../../rules/load.js';
import { RULE_VARIABLES, type RuleVariableCode } from '../../../schemas/vocabularies.js';

const consensus = loadRulesets(join(import.meta.dirname, '..', '..', '..', 'rules', 'sources')).find((r) => r.id === 'consensus_2014_t3')!;
const VARS = Object.keys(RULE_VARIABLES) as RuleVariableCode[];

interface Row {
  patient: string;
  hr: number;
  held: boolean;
}

function frameOf(rows: readonly Row[]): SlotFeatureFrame {
  const full = rows.map((r, i) => ({
    centre_id: 'a', cycle_id: `c${i}`, slot_number: 1, patient_key: r.patient, status: r.held ? 'held' : 'given',
    hold_reason_codes: r.held ? ['tachycardia'] : [], heart_rate_at_dose: r.hr,
  }));
  return {
    ...featureTableFromRows(full, VARS),
    centre_id: full.map((r) => r.centre_id),
    patient_key: full.map((r) => r.patient_key),
    status: full.map((r) => r.status),
    hold_reason_codes: full.map((r) => r.hold_reason_codes),
  };
}

/** The interval as the bootstrap was first written: a patient per draw, a slot per addition, fitStep on each replicate. */
function referenceInterval(rows: readonly Row[], direction: 'up' | 'down', replicates: number, seed: number, level = 0.95): [number, number] {
  const patients = [...new Set(rows.map((r) => r.patient))];
  const slotsOf = new Map(patients.map((p) => [p, rows.filter((r) => r.patient === p)]));
  let s = seed >>> 0 || 1;
  const rand = (): number => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
  const out: number[] = [];
  for (let b = 0; b < replicates; b++) {
    const counts = new Map<number, [number, number]>();
    for (let g = 0; g < patients.length; g++) {
      for (const r of slotsOf.get(patients[Math.floor(rand() * patients.length)]!)!) {
        const c = counts.get(r.hr) ?? [0, 0];
        c[0] += 1;
        c[1] += r.held ? 1 : 0;
        counts.set(r.hr, c);
      }
    }
    const xs = [...counts.keys()].sort((a, b) => a - b);
    const f = fitStep(xs, xs.map((x) => counts.get(x)![0]), xs.map((x) => counts.get(x)![1]));
    out.push(f === null || f.direction !== direction ? (direction === 'up' ? Infinity : -Infinity) : f.threshold);
  }
  out.sort((a, b) => a - b);
  const q = (p: number): number => out[Math.min(out.length - 1, Math.max(0, Math.floor(p * out.length)))]!;
  const all = rows.map((r) => r.hr).sort((a, b) => a - b);
  const lo = q((1 - level) / 2), hi = q(1 - (1 - level) / 2 - 1e-9);
  return [Number.isFinite(lo) ? lo : all[0]!, Number.isFinite(hi) ? hi : all[all.length - 1]!];
}

let state = 7;
const rand = (): number => (state = (state * 16807) % 2147483647) / 2147483647;

describe('change point bootstrap', () => {
  it('gives the interval of a direct patient-by-patient resample with the same seed', () => {
    // 60 patients of 5–24 slots each; whole-beat heart rates; holds mostly at ≥ 112/min, some below, some given above.
    const rows: Row[] = [];
    for (let p = 0; p < 60; p++) {
      const slots = 5 + Math.floor(rand() * 20);
      const base = 85 + rand() * 30;
      for (let k = 0; k < slots; k++) {
        const hr = Math.round(base + (rand() - 0.5) * 30);
        rows.push({ patient: `p${p}`, hr, held: hr >= 112 ? rand() < 0.8 : rand() < 0.05 });
      }
    }
    for (const [replicates, seed] of [[200, 1], [57, 12345]] as const) {
      const [row] = impliedThresholds(frameOf(rows), consensus, { variables: ['heart_rate_at_dose'], bootstrap: replicates, seed, adjust: false });
      expect(row!.step_direction).toBe('up');
      expect([row!.step_lower, row!.step_upper]).toEqual(referenceInterval(rows, 'up', replicates, seed));
    }
  });
});
