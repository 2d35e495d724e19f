// Response on the all-eligible denominator (RECIST 1.1 §4.6; the HD IL-2 literature reports ORR over all treated
// patients): every patient course given, with CR + PR as responders and "not evaluable" (no assessment, or an NE
// assessment) counted explicitly in the denominator. Beside it responseRates keeps the rate of the assessed.
import { groupBy } from '../doses/group.js';
import { ALL_CENTRES, type PatientCaseMix } from '../doses/types.js';
import { clopperPearsonInterval, wilsonInterval } from '../stats/binomial.js';
import type { ResponseCategoryCode, ResponseInputs } from './types.js';

/** One row per patient course given (a cycle of the course exists and the patient has a case-mix row). */
export interface EligibleCourse {
  centre_id: string;
  patient_key: string;
  disease: PatientCaseMix['disease'];
  course_number: number;
  /** The course's best overall response; null when it has no assessment. */
  response: ResponseCategoryCode | null;
}

/** One row per centre (and ALL) × disease ('all', 'rcc', 'melanoma'): the rate of all treated. */
export interface EligibleRateRow {
  centre_id: string;
  disease: string;
  /** Patient courses given: the denominator. */
  n_eligible: number;
  responders: number;
  complete: number;
  /** SD or PD. */
  non_responders: number;
  /** No assessment, or an NE assessment (counted in the denominator, never as responders). */
  not_evaluable: number;
  /** Of not_evaluable: the courses with no assessment at all. */
  not_assessed: number;
  rate: number;
  wilson_lower: number;
  wilson_upper: number;
  exact_lower: number;
  exact_upper: number;
}

const key = (r: { centre_id: string; patient_key: string }) => `${r.centre_id}\u0000${r.patient_key}`;

/**
 * The patient courses given (course n, or every course with 'all'), each with its assessment or none, in
 * (centre, patient, course) order. An assessment of a course with no cycle, or of a patient without a case-mix row,
 * is not a course given (courseSignals leaves those out too, with a note).
 * @example eligibleCourses(inputs, 1).filter((c) => c.response === null).length // courses not assessed
 */
export function eligibleCourses(inputs: ResponseInputs, course: number | 'all' = 1): EligibleCourse[] {
  const patients = new Map(inputs.patients.map((p) => [key(p), p]));
  const assessed = new Map(inputs.responses.map((r) => [`${key(r)}\u0000${r.course_number}`, r.best_overall_response]));
  const seen = new Map<string, EligibleCourse>();
  for (const c of inputs.cycles) {
    if (course !== 'all' && c.course_number !== course) continue;
    const p = patients.get(key(c));
    const id = `${key(c)}\u0000${c.course_number}`;
    if (p === undefined || seen.has(id)) continue;
    const response = assessed.get(id) ?? null;
    seen.set(id, { centre_id: c.centre_id, patient_key: c.patient_key, disease: p.disease, course_number: c.course_number, response });
  }
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...seen.values()].sort((a, b) => cmp(a.centre_id, b.centre_id) || cmp(a.patient_key, b.patient_key) || a.course_number - b.course_number);
}

/** True for CR or PR. */
export const isResponder = (r: ResponseCategoryCode | null) => r === 'CR' || r === 'PR';
/** True for no assessment or an NE one. */
export const isNotEvaluable = (r: ResponseCategoryCode | null) => r === null || r === 'NE';

function rateRow(centre: string, disease: string, g: readonly EligibleCourse[], level: number): EligibleRateRow {
  const x = g.filter((c) => isResponder(c.response)).length;
  const ne = g.filter((c) => isNotEvaluable(c.response)).length;
  const w = wilsonInterval(x, g.length, level);
  const e = clopperPearsonInterval(x, g.length, level);
  return {
    centre_id: centre,
    disease,
    n_eligible: g.length,
    responders: x,
    complete: g.filter((c) => c.response === 'CR').length,
    non_responders: g.length - x - ne,
    not_evaluable: ne,
    not_assessed: g.filter((c) => c.response === null).length,
    rate: x / g.length,
    wilson_lower: w.lower,
    wilson_upper: w.upper,
    exact_lower: e.lower,
    exact_upper: e.upper,
  };
}

/**
 * Response rates of all treated per centre (and ALL when there are several) and disease, with Wilson and
 * Clopper-Pearson intervals, in the same row order as responseRates.
 * @example eligibleRates(eligibleCourses(inputs, 1)).find((r) => r.centre_id === 'ALL' && r.disease === 'all')!.rate
 */
export function eligibleRates(courses: readonly EligibleCourse[], options: { level?: number } = {}): EligibleRateRow[] {
  const level = options.level ?? 0.95;
  const centres = [...groupBy(courses, (r) => r.centre_id).entries()];
  const blocks: [string, EligibleCourse[]][] = centres.length > 1 ? [...centres, [ALL_CENTRES, [...courses]]] : centres;
  return blocks.flatMap(([centre, g]) =>
    [['all', g] as [string, EligibleCourse[]], ...groupBy(g, (r) => r.disease).entries()].map(([d, dg]) => rateRow(centre, d, dg, level)),
  );
}
