// Hand-made typed rows for the outcome analyses: a few patients whose every number can be worked out by hand.
import { DAY_MS, type OutcomeCycle, type OutcomeInputs } from '../../../analytics/outcomes/index.js';

export const T0 = Date.UTC(2024, 0, 1);
export const day = (d: number): number => T0 + d * DAY_MS;

/** A cycle of `doses` q8h doses from day `startDay`. */
export function cycle(
  centre: string,
  patient: string,
  course: number,
  n: number,
  startDay: number,
  doses: number,
  over: Partial<OutcomeCycle> = {},
): OutcomeCycle {
  const first = day(startDay);
  return {
    centre_id: centre,
    patient_key: patient,
    cycle_id: `${patient}-c${course}.${n}`,
    course_number: course,
    cycle_number: n,
    start_at: first,
    dose_iu_per_kg: 600_000,
    planned_max_doses: 14,
    end_reason: doses >= 14 ? 'max_reached' : 'toxicity_stop',
    doses_given: doses,
    iu_per_kg_given: doses * 600_000,
    first_dose_at: doses > 0 ? first : null,
    last_dose_at: doses > 0 ? first + (doses - 1) * 8 * 3_600_000 : null,
    last_hold_reasons: [],
    ...over,
  };
}

export function emptyInputs(): OutcomeInputs & { [K in keyof OutcomeInputs]: OutcomeInputs[K] extends readonly (infer R)[] ? R[] : never } {
  return { patients: [], followUp: [], responses: [], assessments: [], cycles: [], creatinine: [], pressors: [], events: [] };
}

/** Deterministic multi-centre inputs (LCG-seeded): three centres, both regimens, follow-up, labs, pressors and events. */
export function syntheticInputs(perCentre = 30, seed = 7): OutcomeInputs {
  let s = seed >>> 0;
  const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const inp = emptyInputs();
  const centres = ['north', 'south', 'west'];
  centres.forEach((centre, ci) => {
    for (let i = 0; i < perCentre; i++) {
      const id = `${centre}${i}`;
      const regimen = ci === 2 ? { dose_iu_per_kg: 720_000, planned_max_doses: 15 } : {};
      inp.patients.push({ centre_id: centre, patient_key: id, disease: i % 2 ? 'rcc' : 'melanoma' });
      const doses = 4 + Math.floor(rnd() * 11);
      const c1 = cycle(centre, id, 1, 1, 0, doses, { ...regimen, last_hold_reasons: doses < 14 ? ['hypotension'] : [] });
      const c2 = cycle(centre, id, 1, 2, 14, Math.max(1, doses - 2), regimen);
      inp.cycles.push(c1, c2);
      if (i % 4 === 0) inp.cycles.push(cycle(centre, id, 2, 1, 40 + Math.floor(rnd() * 40), doses, regimen));
      const best = (['CR', 'PR', 'SD', 'PD', 'PD'] as const)[Math.floor(rnd() * 5)]!;
      inp.responses.push({
        centre_id: centre,
        patient_key: id,
        course_number: 1,
        best_overall_response: best,
        assessed_at: day(60),
        first_response_at: best === 'CR' || best === 'PR' ? day(60) : null,
      });
      inp.assessments.push({ centre_id: centre, patient_key: id, course_number: 1, overall_response: best, assessed_at: day(60) });
      const scale = best === 'CR' ? 4000 : best === 'PR' ? 900 : 400;
      const prog = best === 'CR' && rnd() < 0.7 ? null : 60 + Math.floor(rnd() * scale);
      const death = rnd() < 0.6 && prog !== null ? prog + Math.floor(rnd() * 500) : null;
      const last = death ?? 200 + Math.floor(rnd() * 1300);
      inp.followUp.push({
        centre_id: centre,
        patient_key: id,
        progression_at: prog === null || prog > last ? null : day(prog),
        death_at: death === null ? null : day(death),
        last_contact_at: day(last),
        death_cause: death === null ? null : 'disease',
      });
      inp.creatinine.push({ centre_id: centre, patient_key: id, observed_at: day(-1), value: 1 });
      inp.creatinine.push({ centre_id: centre, patient_key: id, observed_at: day(16), value: 1.4 + rnd() * 2 });
      for (const d of [5, 7, 10, 15, 20, 35])
        inp.creatinine.push({ centre_id: centre, patient_key: id, observed_at: day(d + 18.2), value: 0.9 + 2 / d + rnd() * 0.3 });
      if (rnd() < 0.5) inp.pressors.push({ centre_id: centre, patient_key: id, start_at: day(16), end_at: day(18 + rnd() * 3) });
      if (rnd() < 0.15)
        inp.events.push({ centre_id: centre, patient_key: id, cycle_id: c1.cycle_id, event_type: 'icu_transfer', onset_at: day(3), resolved_at: day(5) });
      if (rnd() < 0.2)
        inp.events.push({
          centre_id: centre,
          patient_key: id,
          cycle_id: c1.cycle_id,
          event_type: 'mental_status_change',
          onset_at: day(17),
          resolved_at: rnd() < 0.8 ? day(19 + rnd() * 5) : null,
        });
    }
  });
  return inp;
}
