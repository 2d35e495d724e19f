// Row types of the dose analyses. Inputs and outputs are plain, readonly typed row
// arrays (one object per row, documented grain); see README.md for why not arquero.
import type { CycleEndReason, Disease } from '../../schemas/vocabularies.js';

/** One row per cycle: what the dose analyses need (pulled by loadCycleDoses). */
export interface CycleDoses {
  centre_id: string;
  patient_key: string;
  cycle_id: string;
  course_number: number;
  cycle_number: number;
  /** Dose per administration of this cycle (600,000 or 720,000 IU/kg). */
  dose_iu_per_kg: number;
  /** Cap of the cycle (14 label, 15 NCI). */
  planned_max_doses: number;
  end_reason: CycleEndReason;
  /** Slots with status 'given'. */
  doses_given: number;
  /** Sum over given slots whose dose_iu is recorded (or derived) of dose_iu / dosing_weight_kg: a lower bound when doses_unknown_iu > 0. */
  iu_per_kg_given: number;
  /** Given slots whose amount is unknown (dose_iu null: the export left it empty and the spec does not derive it); absent = 0. */
  doses_unknown_iu?: number;
}

/** One row per patient: the case-mix columns used for adjustment. */
export interface PatientCaseMix {
  centre_id: string;
  patient_key: string;
  disease: Disease;
  age_at_first_dose: number;
  /** null when not recorded; becomes its own stratum ('unknown'). */
  ecog: number | null;
}

/** Label used for the all-centres row of a per-centre table. */
export const ALL_CENTRES = 'ALL';

/** Regimen of a cycle as a label: dose per kg and cap, e.g. '600k/14'. Never mixes 600k with 720k or 14 with 15. */
export function regimenLabel(c: Pick<CycleDoses, 'dose_iu_per_kg' | 'planned_max_doses'>): string {
  return `${Math.round(c.dose_iu_per_kg / 1000)}k/${c.planned_max_doses}`;
}

/** How a cycle ended, grouped into the three competing events of the dose-survival analysis. */
export type EndCause = 'toxicity' | 'maximum' | 'other';

/** Each recorded end reason declares its competing-event group (exhaustive: a new reason is a compile error here). */
export const END_REASON_CAUSE = {
  max_reached: 'maximum',
  toxicity_stop: 'toxicity',
  clinician: 'other',
  patient: 'other',
  window_closed: 'other',
  other: 'other',
} as const satisfies Record<CycleEndReason, EndCause>;

/** Cause codes passed to cumulativeIncidence (1..3). */
export const END_CAUSE_CODE = { toxicity: 1, maximum: 2, other: 3 } as const satisfies Record<EndCause, number>;
export const END_CAUSES: readonly EndCause[] = ['toxicity', 'maximum', 'other'];

/** Whether the cycle reached its own cap (doses given >= planned maximum), whatever end_reason says. */
export function reachedMaximum(c: Pick<CycleDoses, 'doses_given' | 'planned_max_doses'>): boolean {
  return c.doses_given >= c.planned_max_doses;
}

/**
 * The competing event a cycle ended with: 'maximum' exactly when it reached its cap; otherwise the
 * group of its recorded end reason, except that a recorded max_reached below the cap counts as 'other'
 * (an inconsistent record; counted in the results' notes).
 */
export function endCause(c: Pick<CycleDoses, 'doses_given' | 'planned_max_doses' | 'end_reason'>): EndCause {
  if (reachedMaximum(c)) return 'maximum';
  const g = END_REASON_CAUSE[c.end_reason];
  return g === 'maximum' ? 'other' : g;
}
