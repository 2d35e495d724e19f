// Row types of the outcome and safety analyses: plain readonly typed row arrays, times as epoch milliseconds (UTC).
// The store tables they come from: patient, cycle (+ dose_slot), follow_up, response, response_assessment,
// observation (creatinine), infusion (vasopressors), clinical_event (load.ts reads them).
import type { CycleEndReason, DeathCause, Disease } from '../../schemas/vocabularies.js';

export type ResponseCode = 'CR' | 'PR' | 'SD' | 'PD' | 'NE';

/** One row per patient: case mix. */
export interface OutcomePatient {
  centre_id: string;
  patient_key: string;
  disease: Disease;
}

/** One row per patient: follow-up after HD IL-2 (table follow_up). */
export interface FollowUpRow {
  centre_id: string;
  patient_key: string;
  progression_at: number | null;
  death_at: number | null;
  last_contact_at: number;
  death_cause: DeathCause | null;
}

/** One row per course: best overall response (table response). */
export interface CourseResponseRow {
  centre_id: string;
  patient_key: string;
  course_number: number;
  best_overall_response: ResponseCode;
  assessed_at: number;
  /** First CR/PR assessment of the course, start of the response duration; null when none (or not recorded). */
  first_response_at: number | null;
}

/** One row per dated response assessment (table response_assessment). */
export interface AssessmentRow {
  centre_id: string;
  patient_key: string;
  course_number: number;
  overall_response: ResponseCode;
  assessed_at: number;
}

/** One row per cycle: timing, regimen, doses and how it ended (cycle + dose_slot). */
export interface OutcomeCycle {
  centre_id: string;
  patient_key: string;
  cycle_id: string;
  course_number: number;
  cycle_number: number;
  start_at: number;
  dose_iu_per_kg: number;
  planned_max_doses: number;
  end_reason: CycleEndReason;
  doses_given: number;
  /** IU per kg actually given in the cycle (sum of given doses ÷ dosing weight); null when a given dose's amount is unknown. */
  iu_per_kg_given: number | null;
  first_dose_at: number | null;
  last_dose_at: number | null;
  /** Hold-reason codes of every held slot after the cycle's last given dose, one entry per slot and code (what the record says stopped it). */
  last_hold_reasons: readonly string[];
}

/** One row per creatinine value (mg/dL). */
export interface CreatinineRow {
  centre_id: string;
  patient_key: string;
  observed_at: number;
  value: number;
}

/** One row per vasopressor infusion segment. end_at null: still running at export, or not recorded. */
export interface PressorSegment {
  centre_id: string;
  patient_key: string;
  start_at: number;
  end_at: number | null;
}

/** One row per clinical event of the types the outcome analyses read. */
export interface OutcomeEvent {
  centre_id: string;
  patient_key: string;
  cycle_id: string | null;
  event_type: string;
  onset_at: number;
  resolved_at: number | null;
}

/** Everything the outcome analyses read from the store. */
export interface OutcomeInputs {
  patients: readonly OutcomePatient[];
  followUp: readonly FollowUpRow[];
  responses: readonly CourseResponseRow[];
  assessments: readonly AssessmentRow[];
  cycles: readonly OutcomeCycle[];
  creatinine: readonly CreatinineRow[];
  pressors: readonly PressorSegment[];
  events: readonly OutcomeEvent[];
}

/** Milliseconds per day, and the month used for survival times (365.25 / 12 days). */
export const DAY_MS = 86_400_000;
export const MONTH_DAYS = 365.25 / 12;
