// Row types of the response analyses: plain readonly typed row arrays, times as epoch milliseconds (UTC).
import type { PatientCaseMix } from '../doses/types.js';

export type ResponseCategoryCode = 'CR' | 'PR' | 'SD' | 'PD' | 'NE';

/** One row per course assessment. */
export interface ResponseRow {
  centre_id: string;
  patient_key: string;
  course_number: number;
  best_overall_response: ResponseCategoryCode;
  assessed_at: number;
}

/** One row per cycle: timing and doses (pulled by loadCycleTiming). */
export interface CycleTiming {
  centre_id: string;
  patient_key: string;
  cycle_id: string;
  course_number: number;
  cycle_number: number;
  /** Scheduled first slot of the cycle. */
  start_at: number;
  /** First and last given dose; null when no dose was given. */
  first_dose_at: number | null;
  last_dose_at: number | null;
  doses_given: number;
  /** IU/kg given over the doses whose amount is recorded (a lower bound when doses_unknown_iu > 0). */
  iu_per_kg_given: number;
  /** Given doses whose amount is unknown (dose_iu null); absent = 0. */
  doses_unknown_iu?: number;
}

export type SignalLab = 'lymphocytes' | 'eosinophils' | 'platelets' | 'bicarbonate' | 'tsh';
export const SIGNAL_LABS: readonly SignalLab[] = ['lymphocytes', 'eosinophils', 'platelets', 'bicarbonate', 'tsh'];

/** One row per lab value of a signal variable (canonical units: counts /uL, bicarbonate mmol/L, TSH mIU/L). */
export interface LabRow {
  centre_id: string;
  patient_key: string;
  variable: SignalLab;
  observed_at: number;
  value: number;
}

/** One row per phenylephrine infusion segment (rate in ug/kg/min). */
export interface PressorRow {
  centre_id: string;
  patient_key: string;
  start_at: number;
  rate: number;
}

export type SignalEventType = 'vitiligo' | 'hypothyroidism' | 'hyperthyroidism';
export const SIGNAL_EVENTS: readonly SignalEventType[] = ['vitiligo', 'hypothyroidism', 'hyperthyroidism'];

/** One row per autoimmune clinical event. */
export interface EventRow {
  centre_id: string;
  patient_key: string;
  event_type: SignalEventType;
  onset_at: number;
}

/** The landmark-window parameters a course's lab summary was computed with (CourseSignalOptions' defaults unless set). */
export interface LabWindowParams {
  windowEndGraceHours: number;
  baselineLookbackHours: number;
  tshReference: readonly [number, number] | null;
}

/**
 * One row per assessed patient course: the signal labs reduced to what the course's row needs, in DuckDB
 * (courseLabSummary), so the analysis never holds the lab values themselves. null = no value in the window.
 */
export interface CourseLabRow {
  centre_id: string;
  patient_key: string;
  course_number: number;
  lymphocyte_baseline: number | null;
  lymphocyte_peak_after_dosing: number | null;
  eosinophil_peak: number | null;
  platelet_nadir: number | null;
  bicarbonate_nadir: number | null;
  /** A TSH value outside the reference interval in the window (false when tshReference is null). */
  tsh_outside: boolean;
}

/** Course lab summaries and the parameters they were computed with. */
export interface CourseLabs {
  params: LabWindowParams;
  rows: readonly CourseLabRow[];
}

/** Everything the response analyses read from the store. */
export interface ResponseInputs {
  patients: readonly PatientCaseMix[];
  cycles: readonly CycleTiming[];
  /** Lab values, one row each (the reference path; empty when courseLabs is given). */
  labs: readonly LabRow[];
  /** The same labs summarised per course in DuckDB (loadResponseInputs); used instead of labs when present. */
  courseLabs?: CourseLabs;
  pressors: readonly PressorRow[];
  events: readonly EventRow[];
  responses: readonly ResponseRow[];
}

/**
 * One row per assessed patient course: the outcome and the signals measured in the landmark window
 * (from the course's first scheduled slot to the end of the assessment day). null = not measured.
 */
export interface CourseSignalRow {
  centre_id: string;
  patient_key: string;
  disease: PatientCaseMix['disease'];
  ecog: number | null;
  age_at_first_dose: number;
  course_number: number;
  response: ResponseCategoryCode;
  /** 1 for CR or PR. */
  responder: 0 | 1;
  window_start: number;
  window_end: number;
  doses_given: number;
  /** Cumulative MIU/kg of the course; null when a given dose's amount is unknown (not a silently low total). */
  miu_per_kg_given: number | null;
  lymphocyte_baseline: number | null;
  lymphocyte_peak_after_dosing: number | null;
  /** Peak after the last dose of a cycle / pre-course baseline. */
  lymphocyte_rebound: number | null;
  eosinophil_peak: number | null;
  platelet_nadir: number | null;
  bicarbonate_nadir: number | null;
  /** Highest phenylephrine rate in the window, ug/kg/min (0 when none ran). */
  phenylephrine_max: number;
  thyroid_dysfunction: 0 | 1;
  vitiligo: 0 | 1;
}
