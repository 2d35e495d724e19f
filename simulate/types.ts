// The simulated truth for one patient: what actually happened, before any export shapes or damages it.
// Times are epoch milliseconds (UTC).
import type { CycleEndReason, Disease, DosingWeightBasis, RiskGroup, RuleVariableCode } from '../schemas/vocabularies.js';
import type { SimEventType } from './parameters.js';

export interface Susceptibility {
  tox: number;
  cardiovascular: number;
  renal: number;
  lung: number;
  haem: number;
  gi: number;
  neuro: number;
}

export interface Baseline {
  creatinine: number;
  bun: number;
  potassium: number;
  bicarbonate: number;
  bilirubin: number;
  ast: number;
  alt: number;
  platelets: number;
  lymphocytes: number;
  eosinophils: number;
  granulocytes: number;
  haemoglobin: number;
  tsh: number;
  sbp: number;
  heartRate: number;
  temperature: number;
  respRate: number;
  urineMlPerKgH: number;
  feverAmplitude: number;
  lymphocyteRebound: number;
  plateletRebound: number;
  eosinophilGain: number;
}

export interface SimPatient {
  centreId: string;
  index: number;
  /** The centre's local patient identifier (MRN / hospital number) used in its exports and in _truth. */
  localId: string;
  givenName: string;
  familyName: string;
  birthDate: { year: number; month: number; day: number };
  sex: 'male' | 'female';
  disease: Disease;
  ageAtFirstDose: number;
  ecog: number;
  riskGroup: RiskGroup;
  priorNephrectomy: boolean | null;
  priorSystemicTherapies: number;
  priorImmunotherapy: boolean;
  treatedBrainMetastases: boolean;
  baselineWeightKg: number;
  baseline: Baseline;
  susceptibility: Susceptibility;
  /** Unobserved immune reactivity z ~ N(0,1) (parameters RESPONSE_MODEL.immuneLatent). */
  immuneLatent: number;
  courses: SimCourse[];
  permanentlyDiscontinued: boolean;
  /** Scans, progression, death and last contact after the courses (outcome.ts). */
  followUp: SimFollowUp;
}

/** One dated scan: the time-point response (the course's best overall response is derived from these at ingest). */
export interface SimAssessment {
  courseNumber: number;
  at: number;
  response: 'CR' | 'PR' | 'SD' | 'PD' | 'NE';
}

export interface SimFollowUp {
  progressionAt: number | null;
  deathAt: number | null;
  /** Last date known alive, or the death date. */
  lastContactAt: number;
  deathCause: 'treatment_related' | 'disease' | 'other' | null;
  assessments: SimAssessment[];
}

export interface SimCourse {
  courseNumber: number;
  startAt: number;
  cycles: SimCycle[];
  lateEvents: SimEvent[];
  signals: ResponseSignals;
  response: SimResponse;
  /** Days after the last dose when creatinine is back at baseline (follow-up-labs.ts). */
  renalRecoveryDays: number;
}

export interface ResponseSignals {
  dosesGiven: number;
  lymphocyteReboundRatio: number;
  plateletNadir: number;
  bicarbonateNadir: number;
  maxPhenylephrine: number;
  thyroidDysfunction: boolean;
  vitiligo: boolean;
}

export interface SimResponse {
  logit: number;
  probability: number;
  responder: boolean;
  category: 'CR' | 'PR' | 'SD' | 'PD' | 'NE';
  assessedAt: number;
  contributions: Record<string, number>;
}

/** One hour of the simulated state (index h = hours since the cycle's hour zero). */
export interface HourSeries {
  t0: number;
  n: number;
  sbp: Float64Array;
  dbp: Float64Array;
  heartRate: Float64Array;
  temperature: Float64Array;
  spo2: Float64Array;
  o2Flow: Float64Array;
  fio2: Float64Array;
  respRate: Float64Array;
  /** Urine in the hour ending at h, mL. */
  urine: Float64Array;
  /** Phenylephrine rate during hour h (ug/kg/min). */
  phenylephrine: Float64Array;
  /** Bolus volume started at hour h (mL). */
  bolus: Float64Array;
  weight: Float64Array;
  creatinine: Float64Array;
  bun: Float64Array;
  potassium: Float64Array;
  bicarbonate: Float64Array;
  bilirubin: Float64Array;
  ast: Float64Array;
  alt: Float64Array;
  platelets: Float64Array;
  lymphocytes: Float64Array;
  eosinophils: Float64Array;
  granulocytes: Float64Array;
  haemoglobin: Float64Array;
  /** Latent toxicity C and exposure E (truth, for tests). */
  toxicity: Float64Array;
  exposure: Float64Array;
}

export type SlotDecision = 'give' | 'hold' | 'skip' | 'stop_cycle' | 'discontinue' | 'not_reached';
export type Deviation = 'none' | 'dosed_through' | 'hold_without_criterion' | 'clinician_stop' | 'patient_stop';

export interface SimSlot {
  slotNumber: number;
  scheduledAt: number;
  /** Hour index in the cycle series. */
  hour: number;
  status: 'given' | 'held' | 'skipped' | 'not_reached';
  decision: SlotDecision;
  givenAt: number | null;
  doseIu: number | null;
  firedRules: string[];
  /** Relative (hold-level) and absolute rules among the fired ones. */
  holdRules: string[];
  stopRules: string[];
  reasonCodes: string[];
  deviation: Deviation;
  /** Skip reason for non-clinical skips. */
  skipReason: 'line_issue' | 'logistics' | 'patient_refusal' | null;
  variables: Partial<Record<RuleVariableCode, number | null>>;
  heldSoFar: number;
  relativeCriteriaSoFar: number;
  /** A myocardial infarction under way at the slot (its reason is charted by name); absent otherwise. */
  seriousEvent?: 'myocardial_infarction_or_ischaemia';
}

export interface SimLabDraw {
  at: number;
  kind: 'daily' | 'follow_up' | 'baseline' | 'troponin';
  values: Partial<Record<LabCode, number>>;
}
export type LabCode =
  | 'creatinine'
  | 'bun'
  | 'potassium'
  | 'bicarbonate'
  | 'bilirubin'
  | 'ast'
  | 'alt'
  | 'platelets'
  | 'lymphocytes'
  | 'eosinophils'
  | 'granulocytes'
  | 'haemoglobin'
  | 'troponin'
  | 'tsh';

export interface SimEvent {
  type: SimEventType;
  onsetAt: number;
  resolvedAt: number | null;
  grade: number | null;
}

export interface PressorSegment {
  agent: 'phenylephrine';
  startAt: number;
  endAt: number;
  rate: number;
}

export interface SimCycle {
  courseNumber: number;
  cycleNumber: number;
  admitAt: number;
  dischargeAt: number;
  startAt: number;
  doseIuPerKg: number;
  dosingWeightKg: number;
  dosingWeightBasis: DosingWeightBasis;
  plannedMaxDoses: number;
  cycleBaselineWeight: number;
  maintenanceMlH: number;
  endReason: CycleEndReason;
  endSlot: number | null;
  lastDoseAt: number | null;
  dosesGiven: number;
  slots: SimSlot[];
  series: HourSeries;
  labs: SimLabDraw[];
  weights: { at: number; kg: number }[];
  pressors: PressorSegment[];
  boluses: { at: number; volumeMl: number }[];
  /** Diarrhoea per 8-h shift ending at `at`. */
  stools: { at: number; volumeMl: number }[];
  events: SimEvent[];
  discontinued: boolean;
}
