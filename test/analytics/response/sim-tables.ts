// Test helper: runs the simulator (simulate/) and turns its truth straight into the analysis input
// tables (no export, no ingest), so analyses can be checked against the simulator's stated effects.
import { CENTRE_PRACTICE } from '../../../simulate/centre-rulesets.js';
import { simulatePatient } from '../../../simulate/patient.js';
import { PROFILES } from '../../../simulate/profiles.js';
import { tshDraws } from '../../../simulate/writers/common.js';
import type { SimPatient } from '../../../simulate/types.js';
import type { CycleDoses, PatientCaseMix } from '../../../analytics/doses/types.js';
import type { CycleTiming, EventRow, LabRow, PressorRow, ResponseInputs, ResponseRow } from '../../../analytics/response/types.js';
import { SIGNAL_LABS } from '../../../analytics/response/types.js';

export interface SimTables {
  patients: SimPatient[];
  cycles: CycleDoses[];
  inputs: ResponseInputs;
}

/** Simulates `perCentre` patients at each of the five sample centres (or those listed). */
export function simulateTables(perCentre: number, options: { seed?: string; centres?: readonly string[] } = {}): SimTables {
  const seed = options.seed ?? 'analytics-test';
  const rulesets: Record<string, (typeof CENTRE_PRACTICE)[keyof typeof CENTRE_PRACTICE]> = CENTRE_PRACTICE;
  const patients: SimPatient[] = [];
  for (const [id, profile] of Object.entries(PROFILES)) {
    if (options.centres && !options.centres.includes(id)) continue;
    for (let i = 0; i < perCentre; i++) patients.push(simulatePatient({ seed, profile: profile as never, ruleset: rulesets[id]! }, i));
  }
  return { patients, ...tablesOf(patients, seed) };
}

export function tablesOf(patients: readonly SimPatient[], seed = 'analytics-test'): { cycles: CycleDoses[]; inputs: ResponseInputs } {
  const cycles: CycleDoses[] = [];
  const timing: CycleTiming[] = [];
  const labs: LabRow[] = [];
  const pressors: PressorRow[] = [];
  const events: EventRow[] = [];
  const responses: ResponseRow[] = [];
  const mix: PatientCaseMix[] = [];
  for (const p of patients) {
    const ids = { centre_id: p.centreId, patient_key: p.localId };
    mix.push({ ...ids, disease: p.disease, age_at_first_dose: p.ageAtFirstDose, ecog: p.ecog });
    for (const course of p.courses) {
      for (const c of course.cycles) {
        const given = c.slots.filter((s) => s.status === 'given');
        const cycleId = `${p.localId}-c${c.courseNumber}.${c.cycleNumber}`;
        const iu = Math.round((given.reduce((a, s) => a + (s.doseIu ?? 0), 0) / c.dosingWeightKg) * 1000) / 1000;
        cycles.push({ ...ids, cycle_id: cycleId, course_number: c.courseNumber, cycle_number: c.cycleNumber, dose_iu_per_kg: c.doseIuPerKg, planned_max_doses: c.plannedMaxDoses, end_reason: c.endReason, doses_given: given.length, iu_per_kg_given: iu });
        timing.push({ ...ids, cycle_id: cycleId, course_number: c.courseNumber, cycle_number: c.cycleNumber, start_at: c.startAt, first_dose_at: given[0]?.givenAt ?? null, last_dose_at: given[given.length - 1]?.givenAt ?? null, doses_given: given.length, iu_per_kg_given: iu });
        for (const d of c.labs) for (const v of SIGNAL_LABS) {
          const value = d.values[v];
          if (value !== undefined) labs.push({ ...ids, variable: v, observed_at: d.at, value });
        }
        for (const s of c.pressors) pressors.push({ ...ids, start_at: s.startAt, rate: s.rate });
      }
      for (const e of course.lateEvents) if (e.type === 'vitiligo' || e.type === 'hypothyroidism' || e.type === 'hyperthyroidism') events.push({ ...ids, event_type: e.type, onset_at: e.onsetAt });
      responses.push({ ...ids, course_number: course.courseNumber, best_overall_response: course.response.category, assessed_at: course.response.assessedAt });
    }
    for (const t of tshDraws(p, seed)) labs.push({ ...ids, variable: 'tsh', observed_at: t.at, value: t.value });
  }
  return { cycles, inputs: { patients: mix, cycles: timing, labs, pressors, events, responses } };
}
