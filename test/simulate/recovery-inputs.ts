// Simulated patients straight into the outcome analyses' input rows (no writer, no ingest): only what the reversal
// times read — cycles with their doses' times, creatinine values, follow-up. For recovery tests that need thousands
// of patients; the writer/ingest path is covered by the pipeline tests.
import type { OutcomeInputs } from '../../analytics/outcomes/index.js';
import type { SimPatient } from '../../simulate/types.js';

export function reversalInputs(patients: readonly SimPatient[]): OutcomeInputs {
  const cycles: OutcomeInputs['cycles'][number][] = [];
  const creatinine: OutcomeInputs['creatinine'][number][] = [];
  for (const p of patients) {
    const key = `${p.centreId}-${p.index}`;
    for (const course of p.courses) {
      for (const c of course.cycles) {
        const given = c.slots.filter((s) => s.givenAt !== null).map((s) => s.givenAt!);
        cycles.push({
          centre_id: p.centreId,
          patient_key: key,
          cycle_id: `${key}-${c.courseNumber}.${c.cycleNumber}`,
          course_number: c.courseNumber,
          cycle_number: c.cycleNumber,
          start_at: c.startAt,
          dose_iu_per_kg: c.doseIuPerKg,
          planned_max_doses: c.plannedMaxDoses,
          end_reason: c.endReason,
          doses_given: c.dosesGiven,
          iu_per_kg_given: null,
          first_dose_at: given.length ? Math.min(...given) : null,
          last_dose_at: c.lastDoseAt,
          last_hold_reasons: [],
        });
        for (const l of c.labs) {
          const v = l.values.creatinine;
          if (v !== undefined) creatinine.push({ centre_id: p.centreId, patient_key: key, observed_at: l.at, value: v });
        }
      }
    }
  }
  const followUp = patients.map((p) => ({
    centre_id: p.centreId,
    patient_key: `${p.centreId}-${p.index}`,
    progression_at: p.followUp.progressionAt,
    death_at: p.followUp.deathAt,
    last_contact_at: p.followUp.lastContactAt,
    death_cause: p.followUp.deathCause,
  }));
  return { patients: [], followUp, responses: [], assessments: [], cycles, creatinine, pressors: [], events: [] };
}
