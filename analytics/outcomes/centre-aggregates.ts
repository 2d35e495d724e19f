// Per-centre outcome aggregates (the input of the practice → outcome meta-regression) from patient-level rows.
import { groupBy } from '../doses/group.js';
import type { PatientOutcome } from './patient-outcomes.js';
import type { CentreAggregate } from './practice-outcome.js';
import { centresWithoutDeathCause, SERIOUS_EVENTS } from './safety.js';
import type { OutcomeInputs } from './types.js';

/**
 * One aggregate per centre: doses per cycle (mean, sample variance), responders among the assessed, patients with a
 * serious event (a clinical_event of SERIOUS_EVENTS or a treatment-related death) among those treated. A centre whose
 * deaths all lack a cause (its export has no cause of death) gets serious_patients null: its treatment-related deaths
 * cannot be told from others, and counting them as none would understate its serious-event share.
 * @example practiceOutcome(centreAggregates(inputs, patientOutcomes(inputs).rows), measures)
 */
export function centreAggregates(input: OutcomeInputs, outcomes: readonly PatientOutcome[]): CentreAggregate[] {
  const serious = new Set<string>();
  for (const e of input.events) if ((SERIOUS_EVENTS as readonly string[]).includes(e.event_type)) serious.add(`${e.centre_id}\u0000${e.patient_key}`);
  for (const f of input.followUp) if (f.death_cause === 'treatment_related') serious.add(`${f.centre_id}\u0000${f.patient_key}`);
  const byCentre = groupBy(outcomes, (r) => r.centre_id);
  const noCause = centresWithoutDeathCause(input);
  return [...groupBy(input.cycles, (c) => c.centre_id).entries()].map(([centre, cs]) => {
    const doses = cs.map((c) => c.doses_given);
    const mean = doses.reduce((a, b) => a + b, 0) / doses.length;
    const v = doses.length > 1 ? doses.reduce((s, d) => s + (d - mean) ** 2, 0) / (doses.length - 1) : 0;
    const patients = new Set(cs.map((c) => c.patient_key));
    const rows = byCentre.get(centre) ?? [];
    const assessed = rows.filter((r) => r.best_response !== 'not_assessed');
    return {
      centre_id: centre,
      cycles: cs.length,
      doses_mean: mean,
      doses_var: v,
      assessed: assessed.length,
      responders: assessed.filter((r) => r.best_response === 'CR' || r.best_response === 'PR').length,
      patients: patients.size,
      serious_patients: noCause.has(centre) ? null : [...patients].filter((p) => serious.has(`${centre}\u0000${p}`)).length,
    };
  });
}
