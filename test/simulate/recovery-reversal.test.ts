// Recovery (issue 22, "Must show"): the simulator's stated renal recovery — creatinine back to baseline in 62% by day
// 7, 84% by day 14, 95% by day 30 where pre-treatment creatinine ≤ 1.4 mg/dL (S31, il2-domain.md §3.3 [V]) — comes
// back from the reversal analysis (reversalTimes → reversibility, Aalen–Johansen with death competing) within its 95%
// intervals, on 2,000 seeded simulated patients fed straight to the analysis (recovery-inputs.ts).
//
// "Back to baseline" is judged within the reference change value from the data's own creatinine CV (decisions:
// reversal under noise). The same data read "at or below the pre-course value" (the definition before this decision)
// gives about 37/59/78% — far outside — so this test fails on that reading (checked below) and on the old simulator
// (45/69/88% measured, its follow-up draws at baseline read at or below it only half the time).
// Size and power: about 2,500 courses with a rise in the stratum; the day-7 interval is about ±1.9 points, so a bias of
// 3 points (the one-sided 5% misread of a noise-aware reading, had the simulator not been calibrated for it) fails.
import { beforeAll, describe, expect, it } from 'vitest';
import { reversalTimes, reversibility, type ReversalTime } from '../../analytics/outcomes/index.js';
import type { OutcomeInputs } from '../../analytics/outcomes/types.js';
import { FOLLOW_UP_LABS } from '../../simulate/parameters.js';
import { simulatePatient } from '../../simulate/patient.js';
import { CENTRE_IDS, PROFILES } from '../../simulate/profiles.js';
import { centrePractice } from '../../simulate/rulesets.js';
import type { SimPatient } from '../../simulate/types.js';
import { reversalInputs } from './recovery-inputs.js';

const PER_CENTRE = 400;
const SEED = 'recovery-22-reversal';
/** S31 shares by day (il2-domain.md §3.3 [V]), as the simulator states them. */
const STATED = Object.fromEntries(FOLLOW_UP_LABS.renalRecovery.slice(0, 3).map(([, day, share]) => [day, share])) as Record<number, number>;
let inputs: OutcomeInputs;

beforeAll(() => {
  const patients: SimPatient[] = [];
  for (const id of CENTRE_IDS) {
    const ruleset = centrePractice(id);
    for (let i = 0; i < PER_CENTRE; i++) patients.push(simulatePatient({ seed: SEED, profile: PROFILES[id], ruleset }, i));
  }
  inputs = reversalInputs(patients);
}, 600_000);

/** The pre-course creatinine of each timed course (the last value before the course's first dose), as S31 stratified. */
function preCourse(times: readonly ReversalTime[]): Map<string, number> {
  const first = new Map<string, number>();
  const courseOf = new Map(inputs.cycles.map((c) => [c.cycle_id, `${c.patient_key}/${c.course_number}`]));
  for (const c of inputs.cycles) {
    const k = `${c.patient_key}/${c.course_number}`;
    if (c.first_dose_at !== null) first.set(k, Math.min(first.get(k) ?? Infinity, c.first_dose_at));
  }
  const out = new Map<string, number>();
  const byPatient = new Map<string, OutcomeInputs['creatinine'][number][]>();
  for (const r of inputs.creatinine) (byPatient.get(r.patient_key) ?? byPatient.set(r.patient_key, []).get(r.patient_key)!).push(r);
  for (const t of times) {
    const at = first.get(courseOf.get(t.cycle_id)!)!;
    const before = (byPatient.get(t.patient_key) ?? []).filter((r) => r.observed_at <= at).sort((a, b) => a.observed_at - b.observed_at);
    if (before.length) out.set(t.cycle_id, before[before.length - 1]!.value);
  }
  return out;
}

function sharesInStratum(tolerance: number | 'rcv') {
  const { times } = reversalTimes(inputs, { baselineTolerance: tolerance });
  const mine = times.filter((t) => t.measure === 'creatinine_baseline');
  const base = preCourse(mine);
  const stratum = mine.filter((t) => (base.get(t.cycle_id) ?? Infinity) <= 1.4);
  const rows = reversibility(stratum).filter((r) => r.centre_id === 'ALL' && r.measure === 'creatinine_baseline');
  return { courses: stratum.length, rows };
}

describe(`recovery of the stated renal recovery (${CENTRE_IDS.length * PER_CENTRE} simulated patients)`, () => {
  it('creatinine back to baseline by day 7/14/30 (pre-course ≤ 1.4 mg/dL): 62/84/95% (S31) lie in the 95% intervals', () => {
    const { courses, rows } = sharesInStratum('rcv');
    expect(courses).toBeGreaterThan(2000);
    expect(rows.map((r) => r.day)).toEqual([7, 14, 30]);
    for (const r of rows) {
      const what = `day ${r.day}: ${(100 * r.cumulative_incidence!).toFixed(1)}% (${(100 * r.lower!).toFixed(1)}–${(100 * r.upper!).toFixed(1)})`;
      expect(STATED[r.day], what).toBeGreaterThanOrEqual(r.lower!);
      expect(STATED[r.day], what).toBeLessThanOrEqual(r.upper!);
      // Narrow enough to mean something: a 3-point bias would fall outside.
      expect(r.upper! - r.lower!, what).toBeLessThan(0.05);
    }
  });

  it('the reading "at or below the pre-course value" (no noise margin) misses S31 by far at every day', () => {
    const { rows } = sharesInStratum(0);
    for (const r of rows) expect(r.upper!, `day ${r.day}: ${(100 * r.cumulative_incidence!).toFixed(1)}%`).toBeLessThan(STATED[r.day]! - 0.1);
  });

  it("the store's own creatinine CV (pairs of pre-course values) is the simulator's lab CV", () => {
    const { noise } = reversalTimes(inputs);
    const all = noise.find((n) => n.centre_id === 'ALL')!;
    expect(all.pairs).toBeGreaterThan(400);
    expect(all.source).toBe('all');
    // Creatinine is drawn with creatinineCv (3%) at the ward and the clinic; 1.4826·MAD on ~500 pairs: SE about 7%.
    expect(all.cv!).toBeGreaterThan(FOLLOW_UP_LABS.creatinineCv * 0.85);
    expect(all.cv!).toBeLessThan(FOLLOW_UP_LABS.creatinineCv * 1.15);
    expect(all.tolerance).toBeCloseTo(Math.SQRT2 * 1.645 * all.cv!, 12);
  });
});
