// Each sample centre's practice as the simulator knows it: the simulator's own plain copy of the criteria in
// ../shared/reference/il2-domain.md §2 that the centres follow, read by simulate/decide.ts. The kit's copy is the
// hand-written YAML in rules/centres/ (with sources, statuses and notes); the two share no code, so the truth the tests
// compare with (test/rules/truth.test.ts) cannot share a bug with the kit's rule engine. Keep them in step by hand.
import type { RuleVariableCode } from '../schemas/vocabularies.js';
import type { CentreId } from './profiles.js';

/** Edges of a band: '[]' both inclusive, '[)' lower only, '(]' upper only, '()' neither. */
export type PracticeBand = readonly [lower: number, upper: number, edges: '[]' | '[)' | '(]' | '()'];
export type PracticeComparator = 'present' | 'lt' | 'le' | 'gt' | 'ge' | 'in_band';
export type PracticeAction = 'hold' | 'stop_cycle' | 'discontinue';

export interface PracticeCondition {
  variable: RuleVariableCode;
  comparator: PracticeComparator;
  threshold: number | null;
  band: PracticeBand | null;
}

export interface PracticeRule extends PracticeCondition {
  id: string;
  action: PracticeAction;
  level: 'relative' | 'absolute' | null;
  /** A hold stays in force until every resume condition is met (empty: the trigger is reassessed at each dose). */
  resume: PracticeCondition[];
}

/** The centre's count policies; the keys and values mirror the policies block of its rules/centres/<id>.yaml. */
export interface PracticePolicies {
  stop_after_relative_criteria: number | null;
  stop_after_held_doses: number | null;
  relative_criteria_window: 'cycle';
  relative_criteria_window_status: 'inferred';
  allow_dose_delay_minutes: number;
  policy_source: string;
  policy_status: 'verified';
}

export interface CentrePractice {
  /** The id of the centre's ruleset in rules/centres/ (what the centre's export names). */
  id: string;
  version: string;
  policies: PracticePolicies;
  rules: PracticeRule[];
}

function when(variable: RuleVariableCode, comparator: PracticeComparator, arg?: number | PracticeBand): PracticeCondition {
  if (comparator === 'present') return { variable, comparator, threshold: null, band: null };
  if (comparator === 'in_band') return { variable, comparator, threshold: null, band: arg as PracticeBand };
  return { variable, comparator, threshold: arg as number, band: null };
}

function rule(
  id: string,
  action: PracticeAction,
  level: PracticeRule['level'],
  variable: RuleVariableCode,
  comparator: PracticeComparator,
  arg?: number | PracticeBand,
  resume: PracticeCondition[] = [],
): PracticeRule {
  return { id, action, level, ...when(variable, comparator, arg), resume };
}

/** 2014 consensus Table 3 (§2.1): relative → hold, absolute → stop the cycle; `hrLower` 100 as printed, 120 at Amstel. */
function consensus(hrLower: number): PracticeRule[] {
  return [
    rule('cv.hr.relative', 'hold', 'relative', 'heart_rate_at_dose', 'in_band', [hrLower, 130, '[]']),
    rule('cv.hr.absolute', 'stop_cycle', 'absolute', 'heart_rate_at_dose', 'gt', 130),
    rule('cv.ecg_ischaemia', 'stop_cycle', 'absolute', 'ecg_ischaemia', 'present'),
    rule('cv.atrial_fibrillation', 'stop_cycle', 'absolute', 'atrial_fibrillation', 'present'),
    rule('cv.svt', 'stop_cycle', 'absolute', 'svt', 'present'),
    rule('cv.ventricular_arrhythmia', 'stop_cycle', 'absolute', 'ventricular_arrhythmia', 'present'),
    rule('derm.moist_desquamation', 'hold', 'relative', 'moist_desquamation', 'present'),
    rule('gi.diarrhoea.relative', 'hold', 'relative', 'diarrhoea_shift', 'ge', 1000),
    rule('gi.diarrhoea.absolute', 'stop_cycle', 'absolute', 'diarrhoea_shifts_over_1000', 'ge', 2),
    rule('gi.vomiting_refractory', 'stop_cycle', 'absolute', 'vomiting_refractory', 'present'),
    rule('gi.ileus', 'hold', 'relative', 'ileus', 'present'),
    rule('gi.bilirubin', 'hold', 'relative', 'bilirubin', 'gt', 7),
    rule('gi.abdominal_pain', 'stop_cycle', 'absolute', 'abdominal_pain_severe', 'present'),
    rule('haem.phenylephrine_max.relative', 'hold', 'relative', 'phenylephrine_max_interval', 'in_band', [1, 1.5, '[)']),
    rule('haem.phenylephrine_max.absolute', 'stop_cycle', 'absolute', 'phenylephrine_max_interval', 'ge', 1.5),
    rule('haem.phenylephrine_at_dose.relative', 'hold', 'relative', 'phenylephrine_at_dose', 'in_band', [0.5, 0.8, '(]']),
    rule('haem.phenylephrine_at_dose.absolute', 'stop_cycle', 'absolute', 'phenylephrine_at_dose', 'gt', 0.8),
    rule('bleed.occult', 'hold', 'relative', 'occult_blood', 'present'),
    rule('bleed.frank', 'stop_cycle', 'absolute', 'frank_bleeding', 'present'),
    rule('bleed.platelets.relative', 'hold', 'relative', 'platelets_min', 'in_band', [30000, 50000, '[]']),
    rule('bleed.platelets.absolute', 'stop_cycle', 'absolute', 'platelets_min', 'lt', 30000),
    rule('inf.infection', 'stop_cycle', 'absolute', 'infection', 'present'),
    rule('msk.weight_gain', 'hold', 'relative', 'weight_gain_pct', 'gt', 15),
    rule('neuro.vivid_dreams', 'hold', 'relative', 'vivid_dreams', 'present'),
    rule('neuro.hallucinations', 'stop_cycle', 'absolute', 'hallucinations', 'present'),
    rule('neuro.mental_status', 'stop_cycle', 'absolute', 'mental_status_change', 'present'),
    rule('neuro.cognitive_screen', 'stop_cycle', 'absolute', 'cognitive_screen_failed', 'present'),
    rule('pulm.dyspnoea', 'hold', 'relative', 'resting_dyspnoea', 'present'),
    rule('pulm.o2.relative', 'hold', 'relative', 'o2_flow_at_dose', 'in_band', [3, 4, '[]']),
    rule('pulm.o2.absolute', 'stop_cycle', 'absolute', 'o2_flow_at_dose', 'gt', 4),
    rule('pulm.mask.absolute', 'stop_cycle', 'absolute', 'fio2_at_dose', 'ge', 40),
    rule('pulm.intubation', 'stop_cycle', 'absolute', 'intubated', 'present'),
    rule('pulm.rales.relative', 'hold', 'relative', 'rales_third', 'present'),
    rule('pulm.rales.absolute', 'stop_cycle', 'absolute', 'rales_half', 'present'),
    rule('renal.urine.relative', 'hold', 'relative', 'urine_output_shift', 'in_band', [80, 160, '[]']),
    rule('renal.urine.absolute', 'stop_cycle', 'absolute', 'urine_output_shift', 'lt', 80),
    rule('renal.creatinine.relative', 'hold', 'relative', 'creatinine', 'in_band', [2.5, 3, '[)']),
    rule('renal.creatinine.absolute', 'stop_cycle', 'absolute', 'creatinine', 'ge', 3),
    rule('renal.bicarbonate', 'hold', 'relative', 'bicarbonate', 'le', 18),
  ];
}

/** SpringerPlus 2015 Table 1 (§2.5). */
function springerPlus(): PracticeRule[] {
  return [
    rule('cv.hr.relative', 'hold', 'relative', 'heart_rate_at_dose', 'in_band', [120, 130, '[]']),
    rule('cv.hr.absolute', 'stop_cycle', 'absolute', 'heart_rate_at_dose', 'gt', 130),
    rule('cv.ecg_ischaemia', 'stop_cycle', 'absolute', 'ecg_ischaemia', 'present'),
    rule('cv.atrial_fibrillation', 'stop_cycle', 'absolute', 'atrial_fibrillation', 'present'),
    rule('cv.ventricular_arrhythmia', 'stop_cycle', 'absolute', 'ventricular_arrhythmia', 'present'),
    rule('derm.moist_desquamation', 'stop_cycle', 'absolute', 'moist_desquamation', 'present'),
    rule('gi.diarrhoea', 'hold', 'relative', 'diarrhoea_shift', 'gt', 1000),
    rule('gi.vomiting_refractory', 'stop_cycle', 'absolute', 'vomiting_refractory', 'present'),
    rule('gi.abdominal_pain', 'stop_cycle', 'absolute', 'abdominal_pain_severe', 'present'),
    rule('gi.distension', 'stop_cycle', 'absolute', 'ileus', 'present'),
    rule('haem.pressors', 'stop_cycle', 'absolute', 'pressor_any_interval', 'present'),
    rule('bleed.occult', 'hold', 'relative', 'occult_blood', 'present'),
    rule('bleed.platelets.relative', 'hold', 'relative', 'platelets_min', 'in_band', [30000, 50000, '[]']),
    rule('bleed.frank', 'stop_cycle', 'absolute', 'frank_bleeding', 'present'),
    rule('bleed.platelets.absolute', 'stop_cycle', 'absolute', 'platelets_min', 'lt', 30000),
    rule('inf.infection', 'stop_cycle', 'absolute', 'infection', 'present'),
    rule('neuro.mental_status', 'stop_cycle', 'absolute', 'mental_status_change', 'present'),
    rule('neuro.vivid_dreams', 'stop_cycle', 'absolute', 'vivid_dreams', 'present'),
    rule('neuro.hallucinations', 'stop_cycle', 'absolute', 'hallucinations', 'present'),
    rule('pulm.dyspnoea', 'hold', 'relative', 'resting_dyspnoea', 'present'),
    rule('pulm.rales.relative', 'hold', 'relative', 'rales_third', 'present'),
    rule('pulm.o2.relative', 'hold', 'relative', 'o2_flow_at_dose', 'in_band', [3, 4, '[]']),
    rule('pulm.o2.absolute', 'stop_cycle', 'absolute', 'o2_flow_at_dose', 'gt', 4),
    rule('pulm.mask.absolute', 'stop_cycle', 'absolute', 'fio2_at_dose', 'ge', 40),
    rule('pulm.rales.absolute', 'stop_cycle', 'absolute', 'rales_half', 'present'),
    rule('pulm.intubation', 'stop_cycle', 'absolute', 'intubated', 'present'),
    rule('renal.urine.relative', 'hold', 'relative', 'urine_output_shift', 'in_band', [80, 160, '[]']),
    rule('renal.urine.absolute', 'stop_cycle', 'absolute', 'urine_output_shift', 'lt', 80),
    rule('renal.creatinine.relative', 'hold', 'relative', 'creatinine', 'in_band', [2.5, 3, '[)']),
    rule('renal.creatinine.absolute', 'stop_cycle', 'absolute', 'creatinine', 'ge', 3),
    rule('wt.gain', 'hold', 'relative', 'weight_gain_pct', 'ge', 15),
  ];
}

/** Label rows for arrhythmia, SpO2, intubation, mental status, coma and sepsis (§2.2): withhold or discontinue. */
function labelCardioRespNeuro(): PracticeRule[] {
  return [
    rule('cv.atrial_fibrillation', 'hold', null, 'atrial_fibrillation', 'present'),
    rule('cv.svt', 'hold', null, 'svt', 'present'),
    rule('cv.sustained_vt', 'discontinue', null, 'sustained_vt', 'present'),
    rule('cv.ecg_ischaemia', 'discontinue', null, 'ecg_ischaemia', 'present'),
    rule('resp.spo2', 'hold', null, 'spo2_at_dose', 'lt', 90, [when('spo2_at_dose', 'gt', 90)]),
    rule('resp.intubation', 'discontinue', null, 'intubation_hours', 'gt', 72),
    rule('neuro.mental_status', 'hold', null, 'mental_status_change', 'present'),
    rule('neuro.coma', 'discontinue', null, 'coma_hours', 'gt', 48),
    rule('inf.sepsis', 'hold', null, 'sepsis', 'present'),
  ];
}

/** The current label's other rows (§2.2). */
function labelOther(): PracticeRule[] {
  return [
    rule('cv.sbp', 'hold', null, 'sbp_at_dose', 'lt', 90, [when('sbp_at_dose', 'ge', 90)]),
    rule('gi.occult_blood', 'hold', null, 'occult_blood', 'present'),
    rule('derm.bullous', 'hold', null, 'bullous_dermatitis', 'present'),
    rule('renal.creatinine', 'hold', null, 'creatinine', 'gt', 4.5, [when('creatinine', 'lt', 1.5)]),
    rule('renal.oliguria', 'hold', null, 'oliguria_hours', 'ge', 16),
    rule('renal.dialysis', 'discontinue', null, 'dialysis_hours', 'gt', 72),
  ];
}

/** TIL programme (S23, §2.5) with the consensus absolute creatinine and platelet stops and the label rows. */
function tilProgramme(): PracticeRule[] {
  return [
    rule('bp.phenylephrine_at_dose', 'hold', null, 'phenylephrine_at_dose', 'gt', 0.5, [when('phenylephrine_at_dose', 'le', 0.5)]),
    rule('uo.per_kg', 'hold', null, 'urine_output_per_kg_shift', 'lt', 4),
    rule('renal.creatinine.hold', 'hold', null, 'creatinine', 'in_band', [2.5, 3, '[)']),
    rule('renal.creatinine.stop', 'stop_cycle', 'absolute', 'creatinine', 'ge', 3),
    rule('bleed.platelets.stop', 'stop_cycle', 'absolute', 'platelets_min', 'lt', 30000),
    ...labelCardioRespNeuro(),
  ];
}

function policies(relative: number | null, held: number | null, source: string): PracticePolicies {
  return {
    stop_after_relative_criteria: relative,
    stop_after_held_doses: held,
    relative_criteria_window: 'cycle',
    relative_criteria_window_status: 'inferred',
    allow_dose_delay_minutes: 0,
    policy_source: source,
    policy_status: 'verified',
  };
}

export const CENTRE_PRACTICE: Record<CentreId, CentrePractice> = {
  riverside: { id: 'riverside', version: '2024-01', policies: policies(null, null, 'S1-T3 states no count policy (§2.1)'), rules: consensus(100) },
  lakeshore: { id: 'lakeshore', version: '2023-06', policies: policies(3, 3, 'S5 Table 1 action footnote (§2.5)'), rules: springerPlus() },
  summit: {
    id: 'summit',
    version: '2025-01',
    policies: policies(null, null, 'The label has no count policy (§2.2)'),
    rules: [...labelCardioRespNeuro(), ...labelOther()],
  },
  amstel: { id: 'amstel', version: '2022-09', policies: policies(3, null, 'Local adoption of the S5 footnote (§2.5)'), rules: consensus(120) },
  harbour: { id: 'harbour', version: '2024-05', policies: policies(null, null, 'S23 states no count policy (§2.5)'), rules: tilProgramme() },
};
