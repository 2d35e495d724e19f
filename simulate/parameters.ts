// Every number the simulator uses, in one place, each with the il2-domain.md section it comes from
// and that section's verification tag. Tags used below:
//   [V §x]            a verified number or shape in ../shared/reference/il2-domain.md §x
//   [INFERRED §x]     a reading or arithmetic step from verified numbers
//   [UNVERIFIED §x]   background knowledge flagged unverified in the reference
//   [ASSUMPTION]      a magnitude chosen here to give the documented shape; no source gives it.
//                     These are the generator's own knobs, not clinical facts: do not cite them.
//   [CALIBRATED]      an assumption tuned so an aggregate matches a verified figure (named beside it).
// No hold/stop threshold lives here: those are in rules/centres/*.yaml with their sources (the simulator's copy: centre-rulesets.ts).

export const SIMULATOR_VERSION = '1.0.0';

/** Regimen and calendar (il2-domain.md §1.1, §1.2, §7.7). */
export const REGIMEN = {
  /** q8h slots [V §1.1]. */
  doseIntervalHours: 8,
  /** Cycle = days 1–5 = 15 q8h slots; the label caps at 14 of them, NCI at 15 [V §1.1; INFERRED §1.2]. */
  slotsPerCycle: 15,
  /** Cycle 2 starts on day 15, i.e. 9 rest days after cycle 1's days 1–5 [V §1.1, S3]. */
  cycle2StartDay: 15,
  /** 15-min infusion [V §1.1]; given_at lags the scheduled time by a log-normal delay. Delay size [ASSUMPTION]. */
  infusionMinutes: 15,
  givenDelayMedianMin: 12,
  givenDelaySdLog: 0.7,
  /** Response checked ~4 weeks after a course [V §1.1, S3]. */
  responseAssessmentDaysAfterCourse: 28,
  /**
   * Next course ≥7 weeks after discharge (legacy label, S3a) and every 6–12 weeks [V §1.1, S3a/S4/S15/S16]: days from
   * the last discharge, drawn uniformly.
   */
  nextCourseDaysAfterDischarge: [49, 84] as const,
  /** A few courses start earlier than the sources allow, for the compliance analysis: share and window (days after discharge) [ASSUMPTION]. */
  retreatmentViolationShare: 0.03,
  retreatmentViolationDays: [35, 48] as const,
  /**
   * After a CR/PR the next course waits for the confirming scan "just before the next course" [V §1.1 S3], ≥ 4 weeks
   * after the first (RECIST) [INFERRED].
   */
  confirmationBeforeNextCourseDays: 30,
  /** At most two courses are simulated (brief; NCI: no response after 2 courses → no later response [V §4.3, S30]). */
  maxCourses: 2,
  /** Admission the evening before the first dose; discharge when recovered after the last dose [ASSUMPTION]. */
  admitHoursBeforeFirstSlot: 14,
  dischargeHoursAfterLastDose: [30, 48] as const,
  /** A clinic CBC/CMP 3–4 days after the last dose, so the rebound is in the data (S11 "maximum count right after therapy") [ASSUMPTION for the timing]. */
  followUpLabHoursAfterLastDose: [72, 96] as const,
  /** Hours of truth simulated after the last slot (for recovery and rebound) [ASSUMPTION]. */
  hoursAfterLastSlot: 120,
} as const;

/** Patient mix (il2-domain.md §4.2, §5.1; proportions mostly [ASSUMPTION]). */
export const POPULATION = {
  /** Age: mean 52, sd 10, clipped 18–72; physiological age ≤70 preferred (S35) [V §5.1 for the ceiling; distribution ASSUMPTION]. */
  age: { mean: 52, sd: 10, min: 18, max: 72 },
  /** ECOG: PS0 65%, PS1 31% in pivotal mRCC [V §5.1, S29]; the remaining 4% given PS2 here [INFERRED]. */
  ecog: [[0, 0.65], [1, 0.31], [2, 0.04]] as const,
  /** Share male by disease [ASSUMPTION]. */
  maleShare: { rcc: 0.7, melanoma: 0.6 },
  /** RCC risk groups (IMDC) [ASSUMPTION for shares; IMDC named in S8 §4.3]. */
  rccRisk: [['imdc_favourable', 0.3], ['imdc_intermediate', 0.55], ['imdc_poor', 0.15]] as const,
  /** Melanoma AJCC M stage [ASSUMPTION]. */
  melanomaRisk: [['ajcc_m1a', 0.2], ['ajcc_m1b', 0.25], ['ajcc_m1c', 0.5], ['ajcc_m1d', 0.05]] as const,
  /** Prior nephrectomy is the norm in selected RCC patients (S35 ranked priority) [V §5.1]; share [ASSUMPTION]. */
  priorNephrectomyRcc: 0.9,
  priorSystemic: [[0, 0.6], [1, 0.3], [2, 0.1]] as const,
  priorImmunotherapy: 0.2,
  /** Treated, stable brain metastases acceptable (S36) [V §5.1]; share [ASSUMPTION]. */
  treatedBrainMets: 0.05,
  /** Weight kg by sex, normal [ASSUMPTION]. */
  weight: { male: [88, 15], female: [72, 14], min: 45, max: 160 },
  /** Baseline labs: mean, sd, min, max [ASSUMPTION, within the screening limits of §5.1: creatinine ≤1.5 (S3a), platelets ≥100k (S27)]. */
  baseline: {
    creatinineMale: [1.0, 0.18, 0.6, 1.5],
    creatinineFemale: [0.85, 0.16, 0.5, 1.5],
    bun: [15, 4, 6, 28],
    potassium: [4.1, 0.3, 3.4, 5.0],
    bicarbonate: [25, 1.8, 21, 30],
    bilirubin: [0.6, 0.2, 0.2, 1.4],
    ast: [24, 7, 10, 60],
    alt: [24, 9, 8, 70],
    platelets: [260_000, 60_000, 120_000, 450_000],
    granulocytes: [4_200, 1_200, 1_800, 9_000],
    haemoglobin: [13.2, 1.3, 10, 17],
    sbp: [124, 11, 100, 155],
    heartRate: [76, 9, 55, 100],
    temperature: [36.8, 0.2, 36.2, 37.3],
    respRate: [16, 1.5, 12, 20],
  },
  /** Log-normal baselines: median, sd of log [ASSUMPTION]. */
  lymphocytes: [1_600, 0.3],
  eosinophils: [150, 0.5],
  tsh: [1.6, 0.4],
  /** Per-patient susceptibility multipliers (log-normal, median 1) [ASSUMPTION]: they spread doses reached across patients. */
  susceptibilitySdLog: { tox: 0.3, cardiovascular: 0.25, renal: 0.3, lung: 0.45, haem: 0.3, gi: 0.5, neuro: 0.5 },
} as const;

/**
 * Physiology (il2-domain.md §3). Hourly state driven by three latent stores:
 *   E exposure     (+dose, decays τE)  — lymphoid depletion [shape V §3.5, S26]
 *   C toxicity     (+dose×susceptibility, decays τC) — capillary leak: BP drift, weight, UO, O2 [shape V §3.0 fig 1–4, §3.2]
 *   R renal load   (follows C with lag τR) — creatinine/BUN/HCO3 peaking near the end of dosing [shape V §3.0 fig 3]
 * One dose at 600,000 IU/kg = 1 unit; 720,000 = 1.2 units [INFERRED: proportional to IU/kg].
 * Time constants and gains are [ASSUMPTION]/[CALIBRATED] to give the verified magnitudes quoted beside them.
 */
export const PHYSIOLOGY = {
  exposureTauH: 12,
  toxicityTauH: 36,
  renalLagTauH: 16,
  /**
   * Extra toxicity per unit dose in cycle 2 of a course: cycle 2 reaches fewer doses [UNVERIFIED §1.4, §8.5 —
   * tunable]; cycle-2 renal toxicity worse (S40) [V §1.4].
   */
  cycle2ToxicityMultiplier: 1.25,

  /** Acute post-dose curve g(x)=(x/tp)^2·exp(2(1−x/tp)), peak 1 at tp. SBP dip peaks 3–4 h after each dose [V §3.0 fig 1]. */
  acuteBpPeakH: 3.5,
  /** Fever 2–4 h after a dose [V §3.1, S1-T2]; rigors 1–2 h [V §3.1]. */
  feverPeakH: 3,
  /** Acute SBP dip at the peak, mmHg, grows with C [CALIBRATED: SBP falls 3–4 h post-dose, fig 1]. */
  acuteSbpDip: 11,
  acuteSbpDipPerC: 1.2,
  /** SBP drift per unit C: MAP 98→84 over 5 days (S32) ≈ SBP −20 at C≈5 [INFERRED from V §3.2]. */
  sbpDriftPerC: 4.2,
  /** DBP = ratio × SBP [ASSUMPTION]. */
  dbpRatio: 0.56,
  bpNoiseSd: 5,
  /**
   * HR: drift per C, acute rise at fever peak, compensation per mmHg SBP below 100, per °C fever [ASSUMPTION;
   * tachycardia by day 4 in all patients, V §3.2 S32].
   */
  hrDriftPerC: 4.5,
  hrAcuteRise: 12,
  hrPerMmHgBelow100: 0.45,
  hrPerDegreeFever: 8,
  hrNoiseSd: 5,
  /** Fever amplitude °C at the peak (premedicated with acetaminophen, V §5.2) [ASSUMPTION]. */
  feverAmplitude: [1.2, 0.35],
  tempDriftPerC: 0.06,
  tempNoiseSd: 0.15,
  /** Urine output: baseline mL/kg/h, fall per unit C, perfusion factor below SBP 100 [CALIBRATED: oliguria in 77.5% (S31) V §3.3]. */
  urineBaselineMlPerKgH: [1.0, 0.15],
  urineFallPerC: 0.3,
  urinePerfusionPerMmHgBelow100: 0.02,
  urineNoiseSdLog: 0.3,
  /**
   * Creatinine rise per unit R (mg/dL) [CALIBRATED: mean peak 2.6 cycle 1 / 3.8 cycle 2 (S40), 3.44 (S31) V §1.4,
   * §3.3]. Prior nephrectomy ×1.15 [ASSUMPTION; S40 studied its effect, V §1.4].
   */
  creatininePerR: 0.38,
  creatinineNephrectomyFactor: 1.15,
  /** Slower recovery when baseline creatinine >1.4 (S31) [V §3.3]: R decays with this extra lag factor. */
  slowRecoveryBaselineCr: 1.4,
  slowRecoveryFactor: 1.6,
  /** BUN rise per unit R, mg/dL (prerenal azotaemia, V §3.3) [ASSUMPTION]. */
  bunPerR: 6.5,
  /** Bicarbonate fall per unit R, mmol/L [CALIBRATED: HCO3 <19 in a subset (S6) V §3.3]. */
  bicarbonatePerR: 1.15,
  potassiumNoiseSd: 0.25,
  /** Bilirubin and aminotransferases multiplicative rise per unit C [ASSUMPTION]. */
  bilirubinPerC: 0.3,
  transaminasePerC: 0.15,
  /** Weight gain per unit C (kg) plus retained bolus fraction [CALIBRATED: mean +4.0 kg per cycle (S25) V §3.4]. */
  weightKgPerC: 0.75,
  bolusRetainedFraction: 0.35,
  bolusRetentionTauH: 48,
  /** Platelets: log fall per unit C; rebound gain after dosing [shape V §3.0 fig 5; magnitudes UNVERIFIED §3.5]. */
  plateletLogFallPerC: 0.25,
  plateletRebound: [4.2, 0.35],
  /**
   * Lymphocytes: fall by ~an order of magnitude during dosing (ln 10 ≈ 2.3), rebound 2–5× baseline 24–72 h after
   * the last dose [UNVERIFIED magnitudes §3.5; shape V §3.0 fig 5, S26/S11/S12].
   */
  lymphocyteLogDepletion: 2.3,
  exposureHalfMask: 0.3,
  lymphocyteRebound: [3.6, 0.35],
  /** Proliferative drive: +per dose up to saturation, decays τ (h) [ASSUMPTION]. */
  reboundDrivePerDose: 0.16,
  reboundDriveTauH: 110,
  /** Eosinophils climb during dosing and persist for weeks; peaks 2,328–15,958/mm³ (S33) [V §3.5]; gain /µL per dose-unit [CALIBRATED]. */
  eosinophilGainPerUnit: [420, 0.55],
  eosinophilDriveTauH: 400,
  eosinophilLagTauH: 40,
  /** Granulocytes up, haemoglobin down (dilution) [UNVERIFIED §3.5]. */
  granulocytePerC: 0.1,
  haemoglobinPerC: 0.22,
  /** SpO2: native fall per unit C×lung susceptibility; O2 titrated to SpO2 ≥95% (S1-AF1) [V §2.5]; 1 L/min NC ≈ +1.5% [ASSUMPTION]; >6 L → 40% mask. */
  spo2Native: 97.5,
  spo2FallPerC: 0.55,
  spo2NoiseSd: 0.8,
  spo2TargetPct: 95,
  spo2PerLitre: 1.5,
  maxNasalLitres: 6,
  maskFio2Pct: 40,
  respRatePerC: 0.8,
  /** Diarrhoea per 8-h shift, median mL per unit C [ASSUMPTION; "increases with continued therapy" V §3.1]. */
  diarrhoeaMlPerShiftPerC: 70,
  /** Maintenance fluid 10–125 mL/h (S1-T2) [V §3.4]; drawn per cycle. */
  maintenanceMlH: [75, 125] as const,
  /**
   * Fluid bolus 250–500 mL when SBP below target (S23) [V §2.5]; SBP target 90 [ASSUMPTION, taken from the label's
   * SBP <90 withholding line §2.2 as a nursing target].
   */
  bolusSbpTarget: 90,
  bolusVolumesMl: [250, 500] as const,
  bolusSbpGainPer500: 7,
  bolusTauH: 2.5,
  bolusUrineGainPer500: 0.5,
  /** Urine-output bolus: 500 mL when UO over the last 2 h is below 0.5 mL/kg/h (S23 target ≥0.5 mL/kg/h, 500 mL bolus, recheck after 1 h) [V §2.5]. */
  urineTargetMlPerKgH: 0.5,
  urineBolusMl: 500,
  /** At most this many boluses in any 8 h [ASSUMPTION; total fluid ~18.4 L over 5 days incl. maintenance, S25 V §3.4]. */
  maxBolusesPer8h: 2,
  /** Vasopressor when hypotension persists after ≥2 boluses within 6 h; titrate to SBP ≥80 (S24) [V §2.5].
   * Phenylephrine start and step 0.1–0.25 mcg/kg/min (S23 starts 0.1, titrated) [V §2.5; step ASSUMPTION]. SBP gain per mcg/kg/min [ASSUMPTION]. */
  pressorSbpTarget: 80,
  pressorRefractoryBoluses: 2,
  phenylephrineStart: 0.2,
  phenylephrineStep: 0.15,
  phenylephrineMax: 2.5,
  phenylephrineWeanAboveSbp: 100,
  phenylephrineSbpGainPerUnit: 14,
  /** Labs drawn daily at this local hour during the stay [V §3.1 "bloods daily"; hour ASSUMPTION]. */
  labHourLocal: 5,
  /** Daily weight at 06:00 [V §3.1, S1-AF1]. */
  weightHourLocal: 6,
} as const;

/**
 * Clinical events: expected count per 100 h of dosing at reference toxicity C=3, scaled by (C/3)^exponent
 * and the named susceptibility; duration median hours. Rates are [ASSUMPTION] except where noted;
 * they give "occasional AF/arrhythmia, hypoxia, confusion, infection" (brief; §2 criteria list).
 */
export const EVENTS = [
  { type: 'atrial_fibrillation', per100h: 0.06, exponent: 1.5, susceptibility: 'cardiovascular', durationMedianH: 8 },
  { type: 'svt', per100h: 0.02, exponent: 1.5, susceptibility: 'cardiovascular', durationMedianH: 3 },
  { type: 'ventricular_arrhythmia', per100h: 0.03, exponent: 1.5, susceptibility: 'cardiovascular', durationMedianH: 4 },
  { type: 'sustained_vt', per100h: 0.002, exponent: 1.5, susceptibility: 'cardiovascular', durationMedianH: 1 },
  { type: 'ecg_ischaemia', per100h: 0.004, exponent: 1.5, susceptibility: 'cardiovascular', durationMedianH: 12 },
  { type: 'mental_status_change', per100h: 0.1, exponent: 2, susceptibility: 'neuro', durationMedianH: 18 },
  { type: 'hallucinations', per100h: 0.02, exponent: 2, susceptibility: 'neuro', durationMedianH: 10 },
  { type: 'cognitive_screen_failed', per100h: 0.04, exponent: 2, susceptibility: 'neuro', durationMedianH: 14 },
  { type: 'vivid_dreams', per100h: 0.12, exponent: 1, susceptibility: 'neuro', durationMedianH: 10 },
  { type: 'resting_dyspnoea', per100h: 0.06, exponent: 2, susceptibility: 'lung', durationMedianH: 16 },
  { type: 'rales_third', per100h: 0.06, exponent: 2, susceptibility: 'lung', durationMedianH: 20 },
  { type: 'rales_half', per100h: 0.01, exponent: 2, susceptibility: 'lung', durationMedianH: 20 },
  { type: 'infection', per100h: 0.03, exponent: 0.5, susceptibility: 'tox', durationMedianH: 120 },
  { type: 'sepsis', per100h: 0.004, exponent: 1, susceptibility: 'tox', durationMedianH: 48 },
  { type: 'occult_blood', per100h: 0.03, exponent: 1, susceptibility: 'haem', durationMedianH: 24 },
  { type: 'frank_bleeding', per100h: 0.003, exponent: 1, susceptibility: 'haem', durationMedianH: 12 },
  { type: 'vomiting_refractory', per100h: 0.02, exponent: 1, susceptibility: 'gi', durationMedianH: 10 },
  { type: 'ileus', per100h: 0.015, exponent: 1.5, susceptibility: 'gi', durationMedianH: 24 },
  { type: 'abdominal_pain_severe', per100h: 0.005, exponent: 1.5, susceptibility: 'gi', durationMedianH: 8 },
  { type: 'moist_desquamation', per100h: 0.01, exponent: 1, susceptibility: 'tox', durationMedianH: 72 },
  { type: 'bullous_dermatitis', per100h: 0.002, exponent: 1, susceptibility: 'tox', durationMedianH: 96 },
  { type: 'intubation', per100h: 0.002, exponent: 2, susceptibility: 'lung', durationMedianH: 36 },
  { type: 'icu_transfer', per100h: 0.01, exponent: 2, susceptibility: 'cardiovascular', durationMedianH: 48 },
] as const;
export type SimEventType =
  | (typeof EVENTS)[number]['type']
  | 'vitiligo'
  | 'hypothyroidism'
  | 'hyperthyroidism'
  | 'coma'
  | 'dialysis'
  | 'seizure'
  | 'myocardial_infarction_or_ischaemia';

/**
 * Rare serious events at cited per-patient rates (issue 22; sources and the search record in docs/simulator.md "Rare
 * serious events"). S3a = the 9/2023 US Proleukin label (FDA Reference ID 5252575), §6.1 Table 4 "Adverse Reactions
 * (≥10% all grades or ≥1% Grade 4) … (n=525)" and the paragraph under it: "Additional life-threatening adverse
 * reactions (Grade 4) were reported by <1% of the 525 patients". Each patient draws each event once, from its own
 * stream (`<seed>/<centre>/<i>/serious`), so no other draw moves; the event falls in course 1, cycle 1, after dose
 * `afterDose` (or at the end of dosing if fewer are given) [ASSUMPTION for the timing: the sources give rates, not
 * when]. Durations: log-normal, median hours and sd of log [ASSUMPTION: no retrieved source gives them].
 * `limitH` is the label's permanent-discontinuation limit (§2.2 [V S3a §2.4 Table 2]): an episode lasting longer ends
 * the patient's IL-2 (no further dose, cycle or course); while it lasts no dose is given (the ward does not dose a
 * comatose or dialysed patient) [ASSUMPTION]. A seizure is a mental-status change the centre's rules act on.
 * Intubation and ICU transfer keep their hourly hazards in EVENTS ([ASSUMPTION]); treatment-related death is OUTCOMES'.
 */
export const SERIOUS_EVENTS = {
  /** Coma, Grade 4: 2% of 525 (S3a §6.1 Table 4, "Nervous system disorders", row "Coma", Grade 4 column) [V]. */
  coma: { perPatient: 0.02, durationMedianH: 30, durationSdLog: 0.6, limitH: 48, status: 'V' },
  /**
   * Dialysis: no retrieved source states a dialysis rate. S3a Table 4 "Renal and urinary disorders" Grade 4 column:
   * acute kidney injury 1%, anuria 5%, oliguria 6% [V]; the acute-kidney-injury row is used as the dialysis rate
   * [INFERRED: the label does not say which Grade-4 renal events were dialysed; anuria's 5% bounds the share above].
   */
  dialysis: { perPatient: 0.01, durationMedianH: 72, durationSdLog: 0.5, limitH: 72, status: 'INFERRED' },
  /**
   * Seizure, Grade 4: listed among the events "reported by <1% of the 525 patients" (S3a §6.1, paragraph after Table 4,
   * "Nervous system disorders: … seizure, generalized tonic-clonic seizure") [V for the bound 1/525 ≤ share < 1%];
   * 0.5% is the middle of that bound [INFERRED]. A single seizure; its duration is the post-ictal state.
   */
  seizure: { perPatient: 0.005, durationMedianH: 8, durationSdLog: 0.5, limitH: null, status: 'INFERRED' },
  /**
   * Myocardial infarction or ischaemia, Grade 4: 1% of 525 (S3a §6.1 Table 4, row "Myocardial infarction", Grade 4
   * column) [V]; myocardial ischaemia is among the Grade-4 events "reported by <1%" (same paragraph
   * as seizure) and is not added on top [INFERRED: the two are one event type here]. `limitH` 0: the label permanently
   * discontinues at "ECG changes consistent with ischaemia or MI" (§2.2 [V S3a §2.4 Table 2]), so no dose follows the
   * onset and no later cycle or course. Duration (chest pain and ECG changes to resolution) and its floor [ASSUMPTION]. Troponin I
   * ("troponin/CK-MB when indicated", §5.2 [V]) at each daily draw from the onset to discharge: log-normal, median
   * `troponinMedianNgMl`, sd of log `troponinSdLog` [ASSUMPTION: no retrieved source gives the size of the rise; no
   * ruleset holds on a troponin value (none printed, rules/sources), so the value decides nothing in the simulation].
   */
  myocardial_infarction_or_ischaemia: {
    perPatient: 0.01,
    durationMedianH: 48,
    durationSdLog: 0.5,
    /** At least 12 h, so the next scheduled slot (≤ 8 h after the dose before it) sees it under way, as a rule reads it. */
    minDurationH: 12,
    limitH: 0,
    status: 'V',
    troponinMedianNgMl: 2,
    troponinSdLog: 1,
  },
  /** Dose after which the event starts, uniform [ASSUMPTION]. */
  afterDose: [2, 9] as const,
} as const;
export type SeriousEventType = 'coma' | 'dialysis' | 'seizure' | 'myocardial_infarction_or_ischaemia';
/** Drawn in this order from each patient's own stream: a new type goes last, so no earlier draw moves. */
export const SERIOUS_EVENT_TYPES: readonly SeriousEventType[] = ['coma', 'dialysis', 'seizure', 'myocardial_infarction_or_ischaemia'];


/**
 * Late autoimmune events after a course (§4.3: thyroid dysfunction S11/S22, vitiligo S11 [V for the associations]).
 * P = logistic(intercept + immune·z_imm + perDose·(doses−16)); intercepts [ASSUMPTION] give ~15% thyroid and ~8% vitiligo in melanoma.
 */
export const LATE_EVENTS = {
  thyroidIntercept: -1.9,
  thyroidImmune: 0.9,
  thyroidPerDose: 0.05,
  /** Of thyroid dysfunction, share hypothyroid [ASSUMPTION]. */
  hypothyroidShare: 0.75,
  vitiligoInterceptMelanoma: -2.6,
  vitiligoInterceptRcc: -5.0,
  vitiligoImmune: 1.1,
  /** Onset days after the course's last dose [ASSUMPTION]. */
  thyroidOnsetDays: [14, 35] as const,
  vitiligoOnsetDays: [10, 30] as const,
} as const;

/**
 * Response after each course: logistic model on the §4.3 signals. Coefficients are log-odds shifts;
 * the directions are [V §4.3] (S6, S11, S12, S5, S21, S22), the magnitudes are [ASSUMPTION] except where stated.
 */
export const RESPONSE_MODEL = {
  /** Intercept by disease [CALIBRATED: overall response 15–25% (§4.2: mRCC 14–25%, mM 15–28%) V]. */
  intercept: { rcc: -2.65, melanoma: -2.75 },
  /** Per doubling of the post-therapy lymphocyte peak over baseline (rebound lymphocytosis, S11 p=.0026, S12) [direction V §4.3]. */
  perLog2LymphocyteRebound: 0.45,
  /** Per dose given in the course above 16 (S11, S21; not significant per cycle in S5) [direction V §4.3]. */
  perDoseAbove16: 0.05,
  /** Platelet nadir <50,000/µL (S6 p<.025, S5) [direction V §4.3; cut-off from §3.5 "nadir <50k"]. */
  plateletNadirBelow50k: 0.55,
  /** Bicarbonate nadir <19 mmol/L (S6 p<.01) [V §4.3 for the cut-off and direction]. */
  bicarbonateNadirBelow19: 0.6,
  /** Per mcg/kg/min of the highest phenylephrine rate in the course (S6 p<.003) [direction V §4.3]. */
  perPhenylephrineUnit: 0.45,
  /** Thyroid dysfunction (S11, S22; contrary 1991 series) [direction V §4.3]. */
  thyroidDysfunction: 0.9,
  /** Vitiligo (S11 p<1e-6) [direction V §4.3]. */
  vitiligo: 1.6,
  /** Per ECOG point (performance status, S15/S16) [direction V §4.3]. */
  perEcogPoint: -0.45,
  /** Unobserved immune reactivity z_imm ~ N(0,1) also raises rebound, thyroid and vitiligo [ASSUMPTION]. */
  immuneLatent: 0.5,
  /** Course 2: prior partial response carries forward; prior stable disease rarely converts (S30) [direction V §4.3]. */
  course2PriorPR: 3.0,
  course2PriorSD: -1.2,
  /** Responders: share CR (S12 8.1% CR of 17% ORR; S16 5% of 14%) [INFERRED ≈0.35–0.48 from V §4.2]. */
  crShareOfResponders: 0.4,
  /** Non-responders: SD 22% of all patients in PROCLAIM (S7) ≈ 0.26 of non-responders [INFERRED from V §4.2]; NE share [ASSUMPTION]. */
  sdShareOfNonResponders: 0.27,
  neShare: 0.03,
  /** Who gets course 2: PR or SD after course 1 (label: some shrinkage; NCI stable or responding) [V §1.1]; probabilities [ASSUMPTION]. */
  course2Probability: { CR: 0.15, PR: 0.9, SD: 0.7, PD: 0, NE: 0 },
} as const;

/** Clinical context the exports add (all [ASSUMPTION]). */
export const EXPORT_DEFAULTS = {
  /** Vital-sign sampling in exports, hours: q2–4h typical, q2h in standing orders [V §3.1]. */
  vitalsEveryHours: { hourly: 1, q2h: 2, q4h: 4 },
  /** Patient-record dates span. */
  firstCycleFrom: '2016-01-04',
  firstCycleSpanDays: 8 * 365,
} as const;

/**
 * Realistic imperfections applied by the export writers; each one is logged in _truth/<centre>/imperfections.csv.
 * Rates are per eligible value or row [ASSUMPTION].
 */
export const IMPERFECTIONS = {
  /** A measured value left blank. */
  missingValueRate: 0.015,
  /** An exact duplicate of a row (re-sent interface message / double entry). */
  duplicateRowRate: 0.004,
  /** Stray whitespace or different letter case on a categorical value. */
  whitespaceCaseRate: 0.01,
  /** Per creatinine result: entered wrong and corrected later (the wrong row stays, a corrected row follows; FHIR: status corrected). */
  lateCorrectionRate: 0.01,
  /** A value with a slipped decimal point or extra digit (out of plausible range). */
  outOfRangeTypoRate: 0.0015,
} as const;

/**
 * Follow-up after the last course (il2-domain.md §4.2): scans, progression, death, last contact. Times by the response
 * category of the last course; each patient's draws come from its own stream (`<seed>/<centre>/<i>/outcome`).
 */
export const OUTCOMES = {
  /** Data cut-off of the exports [ASSUMPTION]; last contact falls before it by up to `lastContactLagDays` [ASSUMPTION]. */
  dataCutoff: '2025-06-30',
  lastContactLagDays: [0, 120] as const,
  /** Second scan of a course (confirmation) 5–7 weeks after the first: CT 4–8 weeks after IL-2 [V §1.1 S36]; RECIST confirmation ≥ 4 weeks. */
  confirmationScanDays: [35, 49] as const,
  /** Surveillance scans after the last course every 12 weeks: "every 6–12 weeks if stable/responding" [V §1.1 S15/S16]; interval [ASSUMPTION] within it. */
  surveillanceDays: 84,
  /**
   * Share of CRs that never progress: 82% of CRs ongoing at 39–148+ months (S12, both diseases) [V §4.2]; 59% of
   * melanoma CRs progression-free (S15) [V §4.2].
   */
  durableCrShare: { rcc: 0.82, melanoma: 0.59 },
  /** Relapse of a non-durable CR, median months from confirmation: no source gives it [ASSUMPTION]. */
  crRelapseMedianMonths: 24,
  /** PR duration, median months (exponential): mRCC 19 (S16), mM 5.9 (S15) [V §4.2]. */
  prDurationMedianMonths: { rcc: 19, melanoma: 5.9 },
  /** SD: months to progression from the first scan, median: no source gives it [ASSUMPTION]. */
  sdProgressionMedianMonths: 6,
  /** NE: progression documented at the next scan, weeks [ASSUMPTION]. */
  neProgressionWeeks: 6,
  /** Survival after progression, median months (exponential) [CALIBRATED: median OS mM 19.6, mRCC 41 months, PROCLAIM S7, V §4.2]. */
  postProgressionMedianMonths: { rcc: 29, melanoma: 13.5 },
  /** Share of deaths after progression recorded as another cause [ASSUMPTION]. */
  otherCauseShare: 0.05,
  /**
   * Treatment-related death per patient: 4 of 408 in PROCLAIM (SITC 2015 abstract) [V §6] ≈ 1% [INFERRED]; pivotal era
   * 4% mRCC (S16), 2% mM (S15) [V §4.2], "fatal adverse reactions occurred in 4% (11/255) … and 2% (6/270)" (S3a §6.1,
   * first paragraph) [V]. The current-era figure is used (docs/simulator.md "Rare serious events").
   */
  treatmentRelatedDeath: 0.01,
  /** Days from the last dose to a treatment-related death [ASSUMPTION]. */
  treatmentRelatedDeathDays: [2, 30] as const,
} as const;

/** Clinic labs after the last dose of each course, for reversal (il2-domain.md §3.3, §3.0 figure 5). */
export const FOLLOW_UP_LABS = {
  /**
   * Weekly until about the response scan, the last on day 30 so a draw falls on each day S31 reports (7, 14, 30): days
   * after the last dose [ASSUMPTION: no source gives the schedule].
   */
  days: [7, 14, 21, 30] as const,
  /**
   * Renal function back to baseline in 62% by day 7, 84% by day 14, 95% by day 30 (S31, Belldegrun) [V §3.3]; the
   * rest by day 60 [ASSUMPTION]; within each band uniform [ASSUMPTION]. S31 read these shares on measured creatinine,
   * so they are shares an analyst sees on the clinic draws (decisions "reversal on the observed scale"): the recovery
   * day drawn is on the true scale, with the bands' shares [CALIBRATED] (follow-up-labs.ts renalRecoveryBands) so that
   * a reader judging by the reference change value (rcvZ) sees these shares at the draws' days.
   */
  renalRecovery: [[3, 7, 0.62], [7, 14, 0.84], [14, 30, 0.95], [30, 60, 1]] as const,
  /**
   * How S31's "back to baseline" is read on measured creatinine: within the reference change value of the pre-course
   * draw, √2 · z · CV with z = 1.645 (Fraser, one-sided 95%) and the lab's own CV [statistical convention]. A draw at
   * baseline is then misread as raised 5% of the time; the draws of one course share their pre-course draw, so their
   * misreads are correlated (follow-up-labs.ts allMisread).
   */
  rcvZ: 1.645,
  /**
   * Until the recovery day creatinine stays measurably raised: at least this share above baseline when the last cycle
   * rose by more [ASSUMPTION: a rise far beyond the lab's noise, about 3× the reference change value at creatinineCv].
   */
  notRecoveredMinRise: 0.25,
  /** Baseline creatinine >1.4 recovers slower (S31) [V §3.3 direction]: the recovery day × PHYSIOLOGY.slowRecoveryFactor [ASSUMPTION magnitude]. */
  /**
   * Lymphocytes and platelets return to baseline with PHYSIOLOGY.reboundDriveTauH; eosinophilia fades with
   * PHYSIOLOGY.eosinophilDriveTauH ("can last for weeks", fig 5 [V §3.0]).
   */
  labCv: 0.05,
  /** Creatinine at the clinic: the same analytical CV as the ward's daily creatinine (cycle.ts drawLabs, 3%) [ASSUMPTION]. */
  creatinineCv: 0.03,
} as const;

/** Months as days: 365.25 / 12. */
export const DAYS_PER_MONTH = 30.4375;
