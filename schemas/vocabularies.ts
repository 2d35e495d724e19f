// Controlled vocabularies of the common schema: exhaustive typed tables.
// Plausible ranges are data-quality bounds (what a monitor can physically read),
// NOT clinical thresholds; hold/stop thresholds live in rules/ with their sources.

/** Diseases HD IL-2 is given for (label indications). */
export const DISEASES = {
  rcc: 'Metastatic renal cell carcinoma',
  melanoma: 'Metastatic melanoma',
} as const;
export type Disease = keyof typeof DISEASES;

export const SEXES = { female: 'Female', male: 'Male', other: 'Other', unknown: 'Unknown' } as const;
export type Sex = keyof typeof SEXES;

/** Risk classification systems; the value of risk_group names its system. */
export const RISK_GROUPS = {
  imdc_favourable: 'IMDC favourable (RCC)',
  imdc_intermediate: 'IMDC intermediate (RCC)',
  imdc_poor: 'IMDC poor (RCC)',
  mskcc_favourable: 'MSKCC favourable (RCC)',
  mskcc_intermediate: 'MSKCC intermediate (RCC)',
  mskcc_poor: 'MSKCC poor (RCC)',
  ajcc_m1a: 'AJCC M1a (melanoma)',
  ajcc_m1b: 'AJCC M1b (melanoma)',
  ajcc_m1c: 'AJCC M1c (melanoma)',
  ajcc_m1d: 'AJCC M1d (melanoma)',
  unknown: 'Not recorded',
} as const;
export type RiskGroup = keyof typeof RISK_GROUPS;

/** Regimens in use (il2-domain.md §1.1): IU/kg per dose and maximum doses per cycle. */
export const DOSE_LEVELS_IU_PER_KG = [600_000, 720_000] as const;
export type DoseLevel = (typeof DOSE_LEVELS_IU_PER_KG)[number];
export const MAX_DOSES_PER_CYCLE = [14, 15] as const;
/** One q8h slot every 8 hours (il2-domain.md §1.1, all sources [V]). */
export const DOSE_INTERVAL_HOURS = 8;

export const DOSING_WEIGHT_BASES = {
  actual_admission: 'Actual weight at admission',
  ideal: 'Ideal body weight',
  adjusted: 'Adjusted body weight',
  capped: 'Capped weight',
  other: 'Other basis',
} as const;
export type DosingWeightBasis = keyof typeof DOSING_WEIGHT_BASES;

/** Status of a scheduled q8h dose opportunity (il2-domain.md §1.2, definitions [INFERRED]). */
export const SLOT_STATUSES = {
  given: 'Dose infused in its 8-h slot',
  held: 'Not given because a hold criterion was met (or the clinician judged it so)',
  skipped: 'Not given for a non-clinical reason (line, logistics, refusal, pharmacy)',
  not_reached: 'Slot after the cycle was stopped or ended',
  not_recorded: 'Slot in the cycle grid that the export never mentions',
} as const;

/** How a cycle ended. */
export const CYCLE_END_REASONS = {
  max_reached: 'Maximum doses of the cycle given',
  toxicity_stop: 'Stopped for toxicity (absolute criterion, relative-criteria count, held-dose count)',
  clinician: 'Stopped by clinician decision without a recorded criterion',
  patient: 'Stopped at the patient’s request',
  window_closed: 'Dosing window (days 1–5) ended before the maximum was reached',
  other: 'Other or unknown reason',
} as const;
export type CycleEndReason = keyof typeof CYCLE_END_REASONS;

export const RESPONSE_CATEGORIES = {
  CR: 'Complete response',
  PR: 'Partial response',
  SD: 'Stable disease',
  PD: 'Progressive disease',
  NE: 'Not evaluable',
} as const;

/** Response criteria (il2-domain.md §4.1). */
export const RESPONSE_CRITERIA = {
  WHO: 'WHO bidimensional criteria',
  ECOG1982: 'ECOG 1982 response criteria (pivotal trials)',
  'RECIST1.0': 'RECIST 1.0',
  'RECIST1.1': 'RECIST 1.1',
  irRC: 'Immune-related response criteria',
  investigator: 'Investigator assessment',
} as const;
export type ResponseCriteria = keyof typeof RESPONSE_CRITERIA;

/** How a course's best overall response came to be stored. */
export const RESPONSE_DERIVATIONS = {
  recorded: 'Recorded as the course\'s best overall response in the export (one row per course)',
  derived_from_assessments: 'Derived at ingest from the dated per-visit assessments by the criteria\'s rules (response_assessment)',
} as const;
export type ResponseDerivation = keyof typeof RESPONSE_DERIVATIONS;

/**
 * How ingest derives a course's best overall response from its dated time-point responses, by criteria
 * (pipelines/map/best-response.ts). Confirmation: a CR or PR counts only when the same or a better response is
 * recorded at a later assessment of the course at least 4 weeks after it (RECIST 1.1 §4.3.2; the contract of issue 22).
 */
export const RESPONSE_DERIVATION_RULES = {
  'RECIST1.1':
    'Time points up to and including the first PD, in date order. CR: a CR confirmed by a CR ≥ 4 weeks later. ' +
    'PR: a PR or unconfirmed-CR time point confirmed by a PR or CR ≥ 4 weeks later. ' +
    'SD: an SD (or unconfirmed CR/PR) time point at least 6 weeks after the course\'s first dose ' +
    '[UNVERIFIED: RECIST 1.1 leaves the minimum to the protocol, "in general 6–8 weeks"]. ' +
    'Otherwise PD if a PD time point exists, else NE.',
  'RECIST1.0': 'As RECIST1.1 (RECIST 1.0 also requires confirmation of CR and PR at ≥ 4 weeks).',
  WHO: 'As RECIST1.1 (WHO criteria require two observations ≥ 4 weeks apart for CR and PR).',
  ECOG1982: 'Best time point by rank CR > PR > SD > PD > NE up to the first PD; no confirmation rule applied (confirmed is null).',
  irRC: 'Best time point by rank CR > PR > SD > PD > NE over all time points; the immune-related confirmation of PD is not applied (confirmed is null).',
  investigator: 'Best time point by rank CR > PR > SD > PD > NE up to the first PD; no confirmation rule applied (confirmed is null).',
} as const satisfies Record<ResponseCriteria, string>;

/** Cause of death on the follow-up record (null while alive). */
export const DEATH_CAUSES = {
  treatment_related: 'Treatment-related (toxicity of IL-2 therapy)',
  disease: 'Progressive disease',
  other: 'Other cause',
  unknown: 'Cause not recorded',
} as const;
export type DeathCause = keyof typeof DEATH_CAUSES;

export type VariableKind = 'point' | 'interval';
export type VariableCategory = 'vital' | 'lab' | 'fluid' | 'neuro' | 'anthropometric';

export interface ObservationVariable {
  label: string;
  category: VariableCategory;
  /** Canonical unit, UCUM code. */
  unit: string;
  /** Plausible range [min, max] in the canonical unit: data-quality bounds, not clinical thresholds. */
  range: readonly [number, number];
  /** 'interval' variables (volumes) are totals over period_hours ending at observed_at. */
  kind: VariableKind;
  /** LOINC code used by the FHIR reader and writer. */
  loinc: string;
}

/** Observation variables and their canonical units (DESIGN.md "observation"; il2-domain.md §5.2, §7.4). */
export const OBSERVATION_VARIABLES = {
  sbp: { label: 'Systolic blood pressure', category: 'vital', unit: 'mm[Hg]', range: [30, 260], kind: 'point', loinc: '8480-6' },
  dbp: { label: 'Diastolic blood pressure', category: 'vital', unit: 'mm[Hg]', range: [10, 180], kind: 'point', loinc: '8462-4' },
  heart_rate: { label: 'Heart rate', category: 'vital', unit: '/min', range: [20, 250], kind: 'point', loinc: '8867-4' },
  temperature: { label: 'Body temperature', category: 'vital', unit: 'Cel', range: [30, 44], kind: 'point', loinc: '8310-5' },
  spo2: { label: 'Oxygen saturation (pulse oximetry)', category: 'vital', unit: '%', range: [40, 100], kind: 'point', loinc: '59408-5' },
  o2_flow: { label: 'Inhaled oxygen flow rate', category: 'vital', unit: 'L/min', range: [0, 60], kind: 'point', loinc: '3151-8' },
  fio2: { label: 'Inhaled oxygen concentration', category: 'vital', unit: '%', range: [21, 100], kind: 'point', loinc: '3150-0' },
  resp_rate: { label: 'Respiratory rate', category: 'vital', unit: '/min', range: [4, 70], kind: 'point', loinc: '9279-1' },
  urine_output: { label: 'Urine output over the period', category: 'fluid', unit: 'mL', range: [0, 6000], kind: 'interval', loinc: '9187-6' },
  diarrhoea_volume: { label: 'Stool (diarrhoea) volume over the period', category: 'fluid', unit: 'mL', range: [0, 6000], kind: 'interval', loinc: '9188-4' },
  weight: { label: 'Body weight', category: 'anthropometric', unit: 'kg', range: [25, 300], kind: 'point', loinc: '29463-7' },
  creatinine: { label: 'Serum creatinine', category: 'lab', unit: 'mg/dL', range: [0.1, 25], kind: 'point', loinc: '2160-0' },
  bun: { label: 'Blood urea nitrogen', category: 'lab', unit: 'mg/dL', range: [1, 250], kind: 'point', loinc: '3094-0' },
  potassium: { label: 'Serum potassium', category: 'lab', unit: 'mmol/L', range: [1.5, 10], kind: 'point', loinc: '2823-3' },
  bicarbonate: { label: 'Serum bicarbonate', category: 'lab', unit: 'mmol/L', range: [3, 50], kind: 'point', loinc: '1963-8' },
  bilirubin: { label: 'Total bilirubin', category: 'lab', unit: 'mg/dL', range: [0.05, 50], kind: 'point', loinc: '1975-2' },
  ast: { label: 'Aspartate aminotransferase', category: 'lab', unit: 'U/L', range: [1, 10000], kind: 'point', loinc: '1920-8' },
  alt: { label: 'Alanine aminotransferase', category: 'lab', unit: 'U/L', range: [1, 10000], kind: 'point', loinc: '1742-6' },
  platelets: { label: 'Platelet count', category: 'lab', unit: '/uL', range: [1_000, 2_000_000], kind: 'point', loinc: '777-3' },
  lymphocytes: { label: 'Absolute lymphocyte count', category: 'lab', unit: '/uL', range: [0, 100_000], kind: 'point', loinc: '731-0' },
  eosinophils: { label: 'Absolute eosinophil count', category: 'lab', unit: '/uL', range: [0, 60_000], kind: 'point', loinc: '711-2' },
  granulocytes: { label: 'Absolute neutrophil (granulocyte) count', category: 'lab', unit: '/uL', range: [0, 100_000], kind: 'point', loinc: '751-8' },
  haemoglobin: { label: 'Haemoglobin', category: 'lab', unit: 'g/dL', range: [2, 25], kind: 'point', loinc: '718-7' },
  troponin: { label: 'Troponin I', category: 'lab', unit: 'ng/mL', range: [0, 500], kind: 'point', loinc: '10839-9' },
  tsh: { label: 'Thyroid-stimulating hormone', category: 'lab', unit: 'm[IU]/L', range: [0.001, 500], kind: 'point', loinc: '3016-3' },
  sits_score: { label: 'Sedation/neurological (SITS) score', category: 'neuro', unit: '{score}', range: [0, 10], kind: 'point', loinc: '' },
} as const satisfies Record<string, ObservationVariable>;

/** Infusions: vasopressors (rate in ug/kg/min) and fluids (mL/h or bolus volume). `max` is a plausibility bound, not a clinical limit. */
/**
 * Why an observation has no value (FHIR R4 value set data-absent-reason, http://hl7.org/fhir/R4/valueset-data-absent-reason.html;
 * SDTM --STAT NOT DONE maps to not-performed). A row with a reason holds no value: analyses never read it as a measurement.
 */
export const VALUE_ABSENT_REASONS = {
  unknown: 'Unknown',
  'asked-unknown': 'Asked but unknown',
  'temp-unknown': 'Temporarily unknown',
  'not-asked': 'Not asked',
  'asked-declined': 'Asked but declined',
  masked: 'Masked',
  'not-applicable': 'Not applicable',
  unsupported: 'Unsupported',
  'as-text': 'As text',
  error: 'Error',
  'not-a-number': 'Not a number (NaN)',
  'negative-infinity': 'Negative infinity (-INF)',
  'positive-infinity': 'Positive infinity (+INF)',
  'not-performed': 'Not performed',
  'not-permitted': 'Not permitted',
} as const;
export type ValueAbsentReason = keyof typeof VALUE_ABSENT_REASONS;

export const INFUSION_AGENTS = {
  phenylephrine: { label: 'Phenylephrine', kind: 'vasopressor', unit: 'ug/kg/min', max: 10 },
  dopamine: { label: 'Dopamine', kind: 'vasopressor', unit: 'ug/kg/min', max: 30 },
  norepinephrine: { label: 'Norepinephrine', kind: 'vasopressor', unit: 'ug/kg/min', max: 5 },
  fluid_bolus: { label: 'Crystalloid bolus (NS/LR)', kind: 'fluid_bolus', unit: 'mL', max: 3000 },
  maintenance_fluid: { label: 'Maintenance fluid (D5NS/D5LR)', kind: 'maintenance', unit: 'mL/h', max: 1000 },
} as const;
export type InfusionKind = (typeof INFUSION_AGENTS)[keyof typeof INFUSION_AGENTS]['kind'];

/** Clinical events with a time (DESIGN.md "clinical_event"; il2-domain.md §2 criteria that are events, not values). */
export const CLINICAL_EVENT_TYPES = {
  atrial_fibrillation: 'Atrial fibrillation',
  svt: 'Supraventricular tachycardia',
  ventricular_arrhythmia: 'Ventricular arrhythmia (PVCs, bigeminy, VT)',
  sustained_vt: 'Sustained ventricular tachycardia (≥5 beats)',
  bradycardia: 'Bradycardia needing treatment',
  ecg_ischaemia: 'ECG evidence of ischaemia',
  myocardial_infarction_or_ischaemia: 'Myocardial infarction or ischaemia (troponin rise)',
  mental_status_change: 'Mental status change (confusion, agitation)',
  hallucinations: 'Hallucinations',
  cognitive_screen_failed: 'Cannot do serial 7s or spell WORLD backwards',
  vivid_dreams: 'Vivid dreams or mild anxiety',
  coma: 'Coma or toxic psychosis',
  seizure: 'Seizure',
  resting_dyspnoea: 'Resting shortness of breath',
  rales_third: 'Rales one third up the chest',
  rales_half: 'Moist rales half up the chest',
  intubation: 'Intubation',
  dialysis: 'Dialysis',
  infection: 'Infection, suspected or documented',
  sepsis: 'Sepsis syndrome, clinically unstable',
  occult_blood: 'Occult blood in sputum, emesis or stool',
  frank_bleeding: 'Frank blood in sputum, emesis or stool',
  vomiting_refractory: 'Vomiting not responsive to medication',
  ileus: 'Ileus or abdominal distension',
  abdominal_pain_severe: 'Severe, unrelenting abdominal pain',
  moist_desquamation: 'Moist desquamation',
  bullous_dermatitis: 'Bullous dermatitis',
  icu_transfer: 'Transfer to intensive care',
  vitiligo: 'Vitiligo',
  hypothyroidism: 'Hypothyroidism',
  hyperthyroidism: 'Hyperthyroidism',
  death: 'Death',
} as const;

/** Kinds of evaluation window a rule variable has (il2-domain.md §7.1–7.2). */
export type RuleWindow = 'at_dose' | 'interval_max' | 'interval_min' | 'interval_sum' | 'consecutive_shifts' | 'duration' | 'cycle_count' | 'present';

export interface RuleVariable {
  label: string;
  /** UCUM unit of the value; '1' for booleans (present/absent). */
  unit: string;
  window: RuleWindow;
  /** Observation variables, infusion agents or event types it is derived from. */
  from: readonly string[];
}

/** The slot features rules are written against (il2-domain.md §2 and §7). */
export const RULE_VARIABLES = {
  heart_rate_at_dose: { label: 'Heart rate at dosing time', unit: '/min', window: 'at_dose', from: ['heart_rate'] },
  sbp_at_dose: { label: 'Systolic BP at dosing time', unit: 'mm[Hg]', window: 'at_dose', from: ['sbp'] },
  sbp_min_interval: { label: 'Lowest systolic BP in the preceding interval', unit: 'mm[Hg]', window: 'interval_min', from: ['sbp'] },
  phenylephrine_at_dose: { label: 'Phenylephrine rate at dosing time', unit: 'ug/kg/min', window: 'at_dose', from: ['phenylephrine'] },
  phenylephrine_max_interval: {
    label: 'Highest phenylephrine rate in the preceding interval',
    unit: 'ug/kg/min',
    window: 'interval_max',
    from: ['phenylephrine'],
  },
  pressor_any_interval: {
    label: 'Any vasopressor running in the preceding interval',
    unit: '1',
    window: 'present',
    from: ['phenylephrine', 'dopamine', 'norepinephrine'],
  },
  urine_output_shift: { label: 'Urine output over the preceding 8-h shift', unit: 'mL', window: 'interval_sum', from: ['urine_output'] },
  urine_output_per_kg_shift: {
    label: 'Urine output per kg over the preceding 8-h shift',
    unit: 'mL/kg',
    window: 'interval_sum',
    from: ['urine_output', 'weight'],
  },
  // A rate rule ("10–20 mL/h") reads the shift mean: the lowest charted period depends on how often the ward charts
  // (hourly charting shows a low hour that 8-h charting averages away). The lowest rate is kept for description only.
  urine_output_rate_mean: { label: 'Mean urine output rate over the preceding 8-h shift', unit: 'mL/h', window: 'interval_sum', from: ['urine_output'] },
  urine_output_rate_min: {
    label: 'Lowest charted urine output rate in the preceding interval (depends on the charting interval; rules read the shift mean)',
    unit: 'mL/h',
    window: 'interval_min',
    from: ['urine_output'],
  },
  oliguria_hours: { label: 'Hours of urine output <10 mL/h up to dosing', unit: 'h', window: 'duration', from: ['urine_output'] },
  diarrhoea_shift: { label: 'Diarrhoea volume over the preceding 8-h shift', unit: 'mL', window: 'interval_sum', from: ['diarrhoea_volume'] },
  diarrhoea_shifts_over_1000: { label: 'Consecutive shifts with diarrhoea ≥1000 mL', unit: '1', window: 'consecutive_shifts', from: ['diarrhoea_volume'] },
  creatinine: { label: 'Latest serum creatinine', unit: 'mg/dL', window: 'at_dose', from: ['creatinine'] },
  creatinine_baseline_change: {
    label: "Creatinine change from the patient's baseline (last value before the first dose)",
    unit: 'mg/dL',
    window: 'at_dose',
    from: ['creatinine'],
  },
  creatinine_rising: { label: 'Creatinine higher than the previous value', unit: '1', window: 'present', from: ['creatinine'] },
  bicarbonate: { label: 'Latest serum bicarbonate', unit: 'mmol/L', window: 'at_dose', from: ['bicarbonate'] },
  bilirubin: { label: 'Latest total bilirubin', unit: 'mg/dL', window: 'at_dose', from: ['bilirubin'] },
  platelets_min: { label: 'Lowest platelet count in the preceding interval (or latest)', unit: '/uL', window: 'interval_min', from: ['platelets'] },
  weight_gain_pct: { label: 'Weight gain over the cycle baseline', unit: '%', window: 'at_dose', from: ['weight'] },
  spo2_at_dose: { label: 'SpO2 at dosing time', unit: '%', window: 'at_dose', from: ['spo2'] },
  o2_flow_at_dose: { label: 'O2 flow by nasal cannula at dosing time', unit: 'L/min', window: 'at_dose', from: ['o2_flow'] },
  fio2_at_dose: { label: 'FiO2 by mask at dosing time', unit: '%', window: 'at_dose', from: ['fio2'] },
  atrial_fibrillation: { label: 'Atrial fibrillation present', unit: '1', window: 'present', from: ['atrial_fibrillation'] },
  svt: { label: 'SVT present', unit: '1', window: 'present', from: ['svt'] },
  ventricular_arrhythmia: { label: 'Ventricular arrhythmia present', unit: '1', window: 'present', from: ['ventricular_arrhythmia', 'sustained_vt'] },
  sustained_vt: { label: 'Sustained VT present', unit: '1', window: 'present', from: ['sustained_vt'] },
  // A myocardial infarction or ischaemia is what the label's row reads ("ECG changes consistent with ischaemia or MI",
  // il2-domain.md §2.2) and the consensus' ischaemia row stops on (issue 22): a rule reading ECG ischaemia reads it too.
  ecg_ischaemia: {
    label: 'ECG ischaemia, myocardial infarction or ischaemia present',
    unit: '1',
    window: 'present',
    from: ['ecg_ischaemia', 'myocardial_infarction_or_ischaemia'],
  },
  troponin: { label: 'Latest troponin I', unit: 'ng/mL', window: 'at_dose', from: ['troponin'] },
  // Coma, seizure, hallucinations and a failed cognitive screen are mental-status changes too (issue 21): a rule reading
  // mental status reads every one of them.
  mental_status_change: {
    label: 'Mental status change present (confusion, agitation, hallucinations, failed cognitive screen, seizure or coma)',
    unit: '1',
    window: 'present',
    from: ['mental_status_change', 'hallucinations', 'cognitive_screen_failed', 'seizure', 'coma'],
  },
  mental_status_change_hours: {
    label: 'Hours the current mental status change has lasted (any of confusion, hallucinations, failed screen, seizure, coma)',
    unit: 'h',
    window: 'duration',
    from: ['mental_status_change', 'hallucinations', 'cognitive_screen_failed', 'seizure', 'coma'],
  },
  hallucinations: { label: 'Hallucinations present', unit: '1', window: 'present', from: ['hallucinations'] },
  cognitive_screen_failed: { label: 'Failed serial 7s / WORLD backwards', unit: '1', window: 'present', from: ['cognitive_screen_failed'] },
  vivid_dreams: { label: 'Vivid dreams or mild anxiety', unit: '1', window: 'present', from: ['vivid_dreams'] },
  resting_dyspnoea: { label: 'Resting dyspnoea', unit: '1', window: 'present', from: ['resting_dyspnoea'] },
  rales_third: { label: 'Rales one third up the chest', unit: '1', window: 'present', from: ['rales_third'] },
  rales_half: { label: 'Moist rales half up the chest', unit: '1', window: 'present', from: ['rales_half'] },
  intubated: { label: 'Intubated', unit: '1', window: 'present', from: ['intubation'] },
  intubation_hours: { label: 'Hours of the longest intubation episode so far (any cycle or course)', unit: 'h', window: 'duration', from: ['intubation'] },
  dialysis_hours: { label: 'Hours of the longest dialysis episode so far (any cycle or course)', unit: 'h', window: 'duration', from: ['dialysis'] },
  infection: { label: 'Infection suspected or documented', unit: '1', window: 'present', from: ['infection'] },
  sepsis: { label: 'Sepsis syndrome, clinically unstable', unit: '1', window: 'present', from: ['sepsis'] },
  occult_blood: { label: 'Occult blood', unit: '1', window: 'present', from: ['occult_blood'] },
  frank_bleeding: { label: 'Frank bleeding', unit: '1', window: 'present', from: ['frank_bleeding'] },
  vomiting_refractory: { label: 'Refractory vomiting', unit: '1', window: 'present', from: ['vomiting_refractory'] },
  ileus: { label: 'Ileus / abdominal distension', unit: '1', window: 'present', from: ['ileus'] },
  abdominal_pain_severe: { label: 'Severe abdominal pain', unit: '1', window: 'present', from: ['abdominal_pain_severe'] },
  moist_desquamation: { label: 'Moist desquamation', unit: '1', window: 'present', from: ['moist_desquamation'] },
  bullous_dermatitis: { label: 'Bullous dermatitis', unit: '1', window: 'present', from: ['bullous_dermatitis'] },
  coma_hours: { label: 'Hours of the longest coma or toxic psychosis episode so far (any cycle or course)', unit: 'h', window: 'duration', from: ['coma'] },
  seizure: { label: 'Seizure', unit: '1', window: 'present', from: ['seizure'] },
  held_doses_in_cycle: { label: 'Doses held so far in the cycle', unit: '1', window: 'cycle_count', from: [] },
  relative_criteria_in_cycle: { label: 'Relative criteria met so far in the cycle', unit: '1', window: 'cycle_count', from: [] },
} as const satisfies Record<string, RuleVariable>;
export type RuleVariableCode = keyof typeof RULE_VARIABLES;

export interface HoldReason {
  label: string;
  /** 'clinical' reasons explain a held slot; 'non_clinical' ones a skipped slot. */
  kind: 'clinical' | 'non_clinical';
  /** The rule variables a criterion of this reason is written against. */
  variables: readonly RuleVariableCode[];
}

/** Hold and skip reason codes, each tied to the rule variables it stands for. */
export const HOLD_REASONS = {
  hypotension: {
    label: 'Hypotension / pressor requirement',
    kind: 'clinical',
    variables: ['sbp_at_dose', 'sbp_min_interval', 'phenylephrine_at_dose', 'phenylephrine_max_interval', 'pressor_any_interval'],
  },
  tachycardia: { label: 'Sinus tachycardia', kind: 'clinical', variables: ['heart_rate_at_dose'] },
  arrhythmia: {
    label: 'Arrhythmia (AF, SVT, ventricular)',
    kind: 'clinical',
    variables: ['atrial_fibrillation', 'svt', 'ventricular_arrhythmia', 'sustained_vt'],
  },
  cardiac_ischaemia: { label: 'Cardiac ischaemia or raised troponin', kind: 'clinical', variables: ['ecg_ischaemia', 'troponin'] },
  oliguria: {
    label: 'Low urine output',
    kind: 'clinical',
    variables: ['urine_output_shift', 'urine_output_per_kg_shift', 'urine_output_rate_mean', 'urine_output_rate_min', 'oliguria_hours'],
  },
  creatinine: { label: 'Rising creatinine', kind: 'clinical', variables: ['creatinine', 'creatinine_rising', 'creatinine_baseline_change'] },
  acidosis: { label: 'Metabolic acidosis (low bicarbonate)', kind: 'clinical', variables: ['bicarbonate'] },
  hypoxia: { label: 'Hypoxia / oxygen requirement', kind: 'clinical', variables: ['spo2_at_dose', 'o2_flow_at_dose', 'fio2_at_dose'] },
  pulmonary: {
    label: 'Dyspnoea, rales or intubation',
    kind: 'clinical',
    variables: ['resting_dyspnoea', 'rales_third', 'rales_half', 'intubated', 'intubation_hours'],
  },
  neurologic: {
    label: 'Mental status change or neurotoxicity',
    kind: 'clinical',
    variables: ['mental_status_change', 'mental_status_change_hours', 'hallucinations', 'cognitive_screen_failed', 'vivid_dreams', 'coma_hours', 'seizure'],
  },
  thrombocytopenia: { label: 'Low platelets', kind: 'clinical', variables: ['platelets_min'] },
  hepatic: { label: 'Raised bilirubin or hepatic toxicity', kind: 'clinical', variables: ['bilirubin'] },
  weight_gain: { label: 'Weight gain', kind: 'clinical', variables: ['weight_gain_pct'] },
  diarrhoea: { label: 'Diarrhoea', kind: 'clinical', variables: ['diarrhoea_shift', 'diarrhoea_shifts_over_1000'] },
  gastrointestinal: { label: 'Vomiting, ileus or abdominal pain', kind: 'clinical', variables: ['vomiting_refractory', 'ileus', 'abdominal_pain_severe'] },
  bleeding: { label: 'Occult or frank bleeding', kind: 'clinical', variables: ['occult_blood', 'frank_bleeding'] },
  infection: { label: 'Infection or sepsis', kind: 'clinical', variables: ['infection', 'sepsis'] },
  skin: { label: 'Moist desquamation or bullous dermatitis', kind: 'clinical', variables: ['moist_desquamation', 'bullous_dermatitis'] },
  renal_replacement: { label: 'Dialysis', kind: 'clinical', variables: ['dialysis_hours'] },
  cycle_limit: { label: 'Cycle counters (held doses, relative criteria)', kind: 'clinical', variables: ['held_doses_in_cycle', 'relative_criteria_in_cycle'] },
  clinical_other: { label: 'Clinical judgement, no criterion named', kind: 'clinical', variables: [] },
  line_issue: { label: 'Venous access problem', kind: 'non_clinical', variables: [] },
  logistics: { label: 'Logistics, pharmacy or scheduling', kind: 'non_clinical', variables: [] },
  patient_refusal: { label: 'Patient declined the dose', kind: 'non_clinical', variables: [] },
  unspecified: { label: 'Reason not recorded', kind: 'non_clinical', variables: [] },
} as const satisfies Record<string, HoldReason>;

/** Rule actions (il2-domain.md §7.1). */
export const RULE_ACTIONS = {
  hold: 'Withhold this dose; reassess at the next scheduled dose',
  stop_cycle: 'No further doses this cycle',
  stop_course: 'No further doses this course: this cycle and the course’s later cycles (label: “withhold all further doses of that course”)',
  discontinue: 'Permanently discontinue IL-2',
  notify: 'Notify the physician; no dosing action by itself',
} as const;
export type RuleAction = keyof typeof RULE_ACTIONS;

/** Verification status of a rule or fact, as tagged in il2-domain.md. */
export const VERIFICATION_STATUSES = {
  verified: 'Read in a copy of the cited source; wording or number matches ([V], [V-partial])',
  inferred: 'A reading of a table layout or an arithmetic step from verified numbers ([INFERRED])',
  unverified: 'Background knowledge or recall; check the primary document ([UNVERIFIED])',
} as const;
export type VerificationStatus = keyof typeof VERIFICATION_STATUSES;

/** Keys helper that keeps the literal tuple type zod's enum wants. */
export function codesOf<T extends Record<string, unknown>>(table: T): [keyof T & string, ...(keyof T & string)[]] {
  const keys = Object.keys(table) as (keyof T & string)[];
  if (keys.length === 0) throw new Error('vocabulary table is empty');
  return keys as [keyof T & string, ...(keyof T & string)[]];
}
