// Hand-made typed rows for the outcome analyses: a few patients whose every number can be worked out by hand.
import { DAY_MS, type OutcomeCycle, type OutcomeInputs } from '../../../analytics/outcomes/index.js';

export const T0 = Date.UTC(2024, 0, 1);
export const day = (d: number): number => T0 + d * DAY_MS;

/** A cycle of `doses` q8h doses from day `startDay`. */
export function cycle(centre: string, patient: string, course: number, n: number, startDay: number, doses: number, over: Partial<OutcomeCycle> = {}): OutcomeCycle {
  const first = day(startDay);
  return {
    centre_id: centre, patient_key: patient, cycle_id: `${patient}-c${course}.${n}`, course_number: course, cycle_number: n,
    start_at: first, dose_iu_per_kg: 600_000, planned_max_doses: 14, end_reason: doses >= 14 ? 'max_reached' : 'toxicity_stop',
    doses_given: doses, iu_per_kg_given: doses * 600_000, first_dose_at: doses > 0 ? first : null, last_dose_at: doses > 0 ? first + (doses - 1) * 8 * 3_600_000 : null,
    last_hold_reasons: [], ...over,
  };
}

export function emptyInputs(): OutcomeInputs & { [K in keyof OutcomeInputs]: OutcomeInputs[K] extends readonly (infer R)[] ? R[] : never } {
  return { patients: [], followUp: [], responses: [], assessments: [], cycles: [], creatinine: [], pressors: [], events: [] };
}
