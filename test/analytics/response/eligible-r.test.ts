// The response rate of all treated (RECIST 1.1's all-eligible denominator) against R: counts, the rate, and the exact
// (binom.test) and Wilson (prop.test without continuity correction) intervals per centre and disease
// (scripts/r/make-fixtures-response-eligible.R); and which courses count as given.
import { afterAll, describe, expect, it } from 'vitest';
import { eligibleCourses, eligibleRates, type EligibleCourse } from '../../../analytics/response/eligible-rates.js';
import type { ResponseCategoryCode, ResponseInputs } from '../../../analytics/response/types.js';
import { expectClose, loadFixture, reportMaxRel } from '../stats/r-fixtures.js';
import { expectNoNaN } from '../doses/no-nan.js';

interface Rate {
  centre_id: string; disease: string; n_eligible: number; responders: number; complete: number; not_evaluable: number; not_assessed: number;
  rate: number; exact_lower: number; exact_upper: number; wilson_lower: number; wilson_upper: number;
}
const fx = loadFixture<{ rows: { centre_id: string; patient_key: string; disease: 'rcc' | 'melanoma'; response: string }[]; rates: Rate[] }>(
  'response-eligible',
);
afterAll(reportMaxRel);

describe('response rate of all treated against R', () => {
  const courses: EligibleCourse[] = fx.rows.map((r) => ({
    centre_id: r.centre_id, patient_key: r.patient_key, disease: r.disease, course_number: 1,
    response: r.response === 'none' ? null : (r.response as ResponseCategoryCode),
  }));
  const rates = eligibleRates(courses);
  it('has R’s rows: every centre and ALL, all diseases and each', () => {
    const key = (r: { centre_id: string; disease: string }) => `${r.centre_id}|${r.disease}`;
    expect(rates.map(key).sort()).toEqual(fx.rates.map(key).sort());
    expectNoNaN(rates);
  });
  it('counts (courses given, responders, complete, not evaluable, not assessed) and the rate with its intervals', () => {
    for (const e of fx.rates) {
      const r = rates.find((x) => x.centre_id === e.centre_id && x.disease === e.disease)!;
      const what = `${e.centre_id} ${e.disease}`;
      expect([r.n_eligible, r.responders, r.complete, r.not_evaluable, r.not_assessed], what).toEqual([
        e.n_eligible, e.responders, e.complete, e.not_evaluable, e.not_assessed,
      ]);
      expect(r.non_responders, what).toBe(e.n_eligible - e.responders - e.not_evaluable);
      expectClose('all-eligible rate', r.rate, e.rate, 1e-12, 1e-15, what);
      expectClose('all-eligible exact interval', r.exact_lower, e.exact_lower, 1e-6, 1e-12, what);
      expectClose('all-eligible exact interval', r.exact_upper, e.exact_upper, 1e-6, 1e-12, what);
      expectClose('all-eligible Wilson interval', r.wilson_lower, e.wilson_lower, 1e-6, 1e-12, what);
      expectClose('all-eligible Wilson interval', r.wilson_upper, e.wilson_upper, 1e-6, 1e-12, what);
    }
    // The fixture has courses not assessed and NE ones, and a block without a responder.
    expect(fx.rates.some((e) => e.not_assessed > 0 && e.not_evaluable > e.not_assessed)).toBe(true);
    expect(fx.rates.some((e) => e.responders === 0)).toBe(true);
  });
});

describe('courses given', () => {
  const cycle = (patient_key: string, course_number: number) => ({
    centre_id: 'x', patient_key, cycle_id: `${patient_key}-${course_number}`, course_number, cycle_number: 1, start_at: 0, first_dose_at: 0,
    last_dose_at: 1, doses_given: 10, iu_per_kg_given: 6e6,
  });
  const patient = (patient_key: string) => ({ centre_id: 'x', patient_key, disease: 'rcc' as const, age_at_first_dose: 50, ecog: 0 });
  const response = (patient_key: string, course_number: number, r: ResponseCategoryCode) => ({
    centre_id: 'x', patient_key, course_number, best_overall_response: r, assessed_at: 5,
  });
  const inputs: ResponseInputs = {
    patients: [patient('a'), patient('b'), patient('c'), patient('d')],
    // a: two cycles of course 1 (one course); b: course 1, not assessed; c: NE; d: course 2 only; e: no case-mix row.
    cycles: [cycle('a', 1), { ...cycle('a', 1), cycle_id: 'a-1b', cycle_number: 2 }, cycle('b', 1), cycle('c', 1), cycle('d', 2), cycle('e', 1)],
    labs: [], pressors: [], events: [],
    // d's course-1 assessment has no cycle: not a course given.
    responses: [response('a', 1, 'PR'), response('c', 1, 'NE'), response('d', 1, 'CR'), response('d', 2, 'SD'), response('e', 1, 'CR')],
  };
  it('course 1: one per patient with a cycle of it and a case-mix row, assessed or not', () => {
    expect(eligibleCourses(inputs, 1).map((c) => [c.patient_key, c.response])).toEqual([['a', 'PR'], ['b', null], ['c', 'NE']]);
    const [all] = eligibleRates(eligibleCourses(inputs, 1));
    expect([all!.n_eligible, all!.responders, all!.not_evaluable, all!.not_assessed, all!.non_responders]).toEqual([3, 1, 2, 1, 0]);
  });
  it("'all' keeps every course given", () => {
    expect(eligibleCourses(inputs, 'all').map((c) => [c.patient_key, c.course_number, c.response])).toEqual([
      ['a', 1, 'PR'], ['b', 1, null], ['c', 1, 'NE'], ['d', 2, 'SD'],
    ]);
  });
});
