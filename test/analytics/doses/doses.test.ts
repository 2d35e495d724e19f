// Dose analyses on tiny inline tables: exact values, regimens kept apart, edge cases, no NaN, no mutation.
import { describe, expect, it } from 'vitest';
import { analyseDoses, courseDoses, cycleComparison, doseDistribution, doseHistogram, doseSurvival, endCause, reachingDoses, type CycleDoses, type PatientCaseMix } from '../../../analytics/doses/index.js';
import type { CycleEndReason } from '../../../schemas/vocabularies.js';
import { expectNoNaN } from './no-nan.js';
import { simulateTables } from '../response/sim-tables.js';

function cyc(centre: string, patient: string, course: number, cycle: number, doses: number, end: CycleEndReason, regimen: [number, number] = [600_000, 14]): CycleDoses {
  return { centre_id: centre, patient_key: patient, cycle_id: `${patient}-c${course}.${cycle}`, course_number: course, cycle_number: cycle, dose_iu_per_kg: regimen[0], planned_max_doses: regimen[1], end_reason: end, doses_given: doses, iu_per_kg_given: doses * regimen[0] };
}
const pt = (centre: string, patient: string, ecog: number | null = 0): PatientCaseMix => ({ centre_id: centre, patient_key: patient, disease: 'rcc', age_at_first_dose: 55, ecog });

const given: CycleDoses[] = [
  cyc('a', 'p1', 1, 1, 14, 'max_reached'),
  cyc('a', 'p1', 1, 2, 9, 'toxicity_stop'),
  cyc('a', 'p2', 1, 1, 6, 'toxicity_stop'),
  cyc('a', 'p2', 1, 2, 6, 'patient'),
  cyc('b', 'p3', 1, 1, 15, 'max_reached', [720_000, 15]),
  cyc('b', 'p3', 1, 2, 11, 'toxicity_stop', [720_000, 15]),
  cyc('b', 'p4', 1, 1, 10, 'window_closed', [720_000, 15]),
];

describe('doses per cycle and per course', () => {
  it('summarises per centre, regimen and cycle number without mixing 600k/14 with 720k/15', () => {
    const d = doseDistribution(given);
    const a1 = d.find((r) => r.centre_id === 'a' && r.cycle_number === '1')!;
    expect(a1).toMatchObject({ regimen: '600k/14', n_cycles: 2, mean: 10, median: 10, min: 6, max: 14, n_reached_max: 1, share_reached_max: 0.5 });
    expect(new Set(d.filter((r) => r.centre_id === 'ALL').map((r) => r.regimen))).toEqual(new Set(['600k/14', '720k/15']));
    expect(d.find((r) => r.centre_id === 'ALL' && r.regimen === '720k/15' && r.cycle_number === 'all')).toMatchObject({ n_cycles: 3, mean: 12 });
  });
  it('histogram counts every dose number up to the cap, zeros included', () => {
    const h = doseHistogram(given).filter((r) => r.centre_id === 'b' && r.cycle_number === 'all');
    expect(h).toHaveLength(16);
    expect(h.filter((r) => r.n_cycles > 0).map((r) => r.doses_given)).toEqual([10, 11, 15]);
  });
  it('courses sum doses and cumulative MIU/kg from the dose actually given per kg', () => {
    const c = courseDoses(given);
    expect(c.find((r) => r.patient_key === 'p1')).toMatchObject({ regimen: '600k/14', cycles: 2, doses_given: 23, max_possible: 28, miu_per_kg_given: 13.8 });
    expect(c.find((r) => r.patient_key === 'p3')).toMatchObject({ regimen: '720k/15', doses_given: 26, max_possible: 30, miu_per_kg_given: 26 * 0.72 });
    const mixed = courseDoses([cyc('a', 'p9', 1, 1, 4, 'toxicity_stop', [720_000, 15]), cyc('a', 'p9', 1, 2, 5, 'toxicity_stop')]);
    expect(mixed[0]!.regimen).toBe('mixed');
  });
  it('pairs cycle 1 with cycle 2 of the same course', () => {
    const a = cycleComparison(given).find((r) => r.centre_id === 'a')!;
    expect(a).toMatchObject({ n_pairs: 2, mean_cycle1: 10, mean_cycle2: 7.5, mean_difference: -2.5, n_fewer: 1, n_same: 1, n_more: 0 });
    expect(cycleComparison(given).find((r) => r.centre_id === 'b')).toMatchObject({ n_pairs: 1, difference_lower: null, difference_upper: null });
  });
  it('does not mutate its input', () => {
    const frozen = Object.freeze(given.map((c) => Object.freeze({ ...c })));
    expect(() => analyseDoses(frozen, [pt('a', 'p1'), pt('a', 'p2'), pt('b', 'p3'), pt('b', 'p4')])).not.toThrow();
  });
});

describe('dose survival', () => {
  it('reads P(at least k) from the KM curve; caps censor, 14-dose cycles are never read at dose 15', () => {
    const s = doseSurvival(given);
    const a = s.curves.filter((r) => r.centre_id === 'a');
    expect(a.map((r) => r.doses)).toEqual(Array.from({ length: 14 }, (_, i) => i + 1));
    // a: 14 (max), 9, 6, 6 stopped → P(>=7) = 2/4, P(>=10) = 1/4, P(>=14) = 1/4
    expect(a.find((r) => r.doses === 7)!.p_at_least).toBeCloseTo(0.5, 12);
    expect(a.find((r) => r.doses === 10)!.p_at_least).toBeCloseTo(0.25, 12);
    expect(a.find((r) => r.doses === 14)!.p_at_least).toBeCloseTo(0.25, 12);
    expect(s.curves.filter((r) => r.centre_id === 'ALL').map((r) => r.cap).filter((v, i, x) => x.indexOf(v) === i)).toEqual([14, 15]);
  });
  it('end causes: reaching the cap is "maximum" whatever was recorded; max_reached below the cap is "other" and noted', () => {
    expect(endCause(cyc('a', 'x', 1, 1, 14, 'toxicity_stop'))).toBe('maximum');
    expect(endCause(cyc('a', 'x', 1, 1, 12, 'max_reached'))).toBe('other');
    expect(endCause(cyc('a', 'x', 1, 1, 12, 'window_closed'))).toBe('other');
    const s = doseSurvival([...given, cyc('a', 'p5', 1, 1, 12, 'max_reached')]);
    expect(s.notes.join(' ')).toMatch(/1 cycle\(s\) are recorded as max_reached but gave fewer doses/);
  });
  it('cumulative incidences of the three causes add up to 1 at the cap when every cycle has ended', () => {
    const s = doseSurvival(given);
    const at = s.incidence.filter((r) => r.centre_id === 'a' && r.doses === 14);
    expect(at.reduce((x, r) => x + r.cumulative_incidence, 0)).toBeCloseTo(1, 12);
    expect(at.find((r) => r.cause === 'maximum')!.cumulative_incidence).toBeCloseTo(0.25, 12);
  });
});

describe('edge cases give a defined result or a clear message, never NaN', () => {
  it('all cycles reaching the maximum', () => {
    const all = [cyc('a', 'p1', 1, 1, 14, 'max_reached'), cyc('a', 'p2', 1, 1, 14, 'max_reached'), cyc('b', 'p3', 1, 1, 14, 'max_reached')];
    const r = analyseDoses(all, [pt('a', 'p1'), pt('a', 'p2'), pt('b', 'p3')]);
    expect(r.survival.logRank[0]!.message).toMatch(/every cycle reached its maximum/);
    expect(r.survival.curves.every((c) => c.p_at_least === 1)).toBe(true);
    expect(r.reaching.notes.join(' ')).toMatch(/pooled share is 1/);
    expect(r.reaching.adjusted.every((a) => a.ratio === 1)).toBe(true);
    expectNoNaN(r);
  });
  it('one-patient centres and a single centre', () => {
    const one = [cyc('solo', 'p1', 1, 1, 7, 'toxicity_stop')];
    const r = analyseDoses(one, [pt('solo', 'p1')]);
    expect(r.survival.logRank[0]!.message).toMatch(/only one centre \(solo\)/);
    expect(r.distribution[0]).toMatchObject({ n_cycles: 1, sd: null, mean_lower: null });
    expect(r.notes.join(' ')).toMatch(/no course has both a cycle 1 and a cycle 2/);
    expectNoNaN(r);
    const two = analyseDoses([...given, cyc('c', 'p7', 1, 1, 3, 'toxicity_stop')], [pt('a', 'p1'), pt('a', 'p2'), pt('b', 'p3'), pt('b', 'p4'), pt('c', 'p7', null)]);
    expect(two.reaching.crude.find((c) => c.centre_id === 'c')).toMatchObject({ n_cycles: 1, n_reaching: 0 });
    expectNoNaN(two);
  });
  it('cycles without a patient row are left out of the adjusted funnel with a note; no cycles at all is an error naming the fix', () => {
    const r = reachingDoses(given, [pt('a', 'p1')]);
    expect(r.notes.join(' ')).toMatch(/5 cycle\(s\) have no patient row/);
    expect(() => analyseDoses([], [])).toThrow(/no cycles to analyse; ingest a centre first/);
  });
});

describe('on simulated centres', () => {
  it('dose distributions equal a direct count from the simulator truth', () => {
    const sim = simulateTables(40);
    const d = doseDistribution(sim.cycles);
    for (const p of ['riverside', 'summit']) {
      const truth = sim.patients.filter((x) => x.centreId === p).flatMap((x) => x.courses.flatMap((c) => c.cycles.filter((y) => y.cycleNumber === 1).map((y) => y.dosesGiven)));
      const row = d.find((r) => r.centre_id === p && r.cycle_number === '1')!;
      expect(row.n_cycles).toBe(truth.length);
      expect(row.mean).toBeCloseTo(truth.reduce((a, b) => a + b, 0) / truth.length, 12);
      expect(row.max).toBe(Math.max(...truth));
    }
    expectNoNaN(analyseDoses(sim.cycles, sim.inputs.patients));
  });
});
