// Builds the five centres' local rulesets (rules/centres/<id>.json) from the criteria in
// ../shared/reference/il2-domain.md §2. The JSON files are the committed data; this module is how they
// were written, and a test checks the two agree. Run: npx tsx simulate/centre-rulesets.ts --write
import { writeFileSync } from 'node:fs';
import { z } from 'zod';
import { Ruleset } from '../schemas/ruleset.js';
import { RULE_VARIABLES, type RuleVariableCode } from '../schemas/vocabularies.js';

type RuleIn = z.input<typeof Ruleset>['rules'][number];
type RulesetIn = z.input<typeof Ruleset>;
type Status = 'verified' | 'inferred' | 'unverified';
type Level = 'relative' | 'absolute' | null;
type Action = 'hold' | 'stop_cycle' | 'discontinue' | 'notify';

interface Meta {
  system: string;
  source: string;
  status: Status;
  level?: Level;
  note?: string;
  resume?: RuleIn['resume'];
  resume_text?: string;
  window_hours?: number;
}

const unit = (v: RuleVariableCode): string => RULE_VARIABLES[v].unit;

function cmp(id: string, variable: RuleVariableCode, comparator: 'lt' | 'le' | 'gt' | 'ge', threshold: number, action: Action, m: Meta): RuleIn {
  return { id, variable, unit: unit(variable), comparator, threshold, action, ...meta(m) };
}
function band(id: string, variable: RuleVariableCode, lower: number | null, upper: number | null, incl: { lower?: boolean; upper?: boolean }, action: Action, m: Meta): RuleIn {
  return {
    id,
    variable,
    unit: unit(variable),
    comparator: 'in_band',
    band: { lower, upper, lower_inclusive: incl.lower ?? true, upper_inclusive: incl.upper ?? false },
    action,
    ...meta(m),
  };
}
function present(id: string, variable: RuleVariableCode, action: Action, m: Meta): RuleIn {
  return { id, variable, unit: unit(variable), comparator: 'present', action, ...meta(m) };
}
function meta(m: Meta): Omit<RuleIn, 'id' | 'variable' | 'unit' | 'comparator' | 'action'> {
  return {
    system: m.system,
    level: m.level ?? null,
    source: m.source,
    status: m.status,
    note: m.note ?? null,
    resume: m.resume ?? [],
    resume_text: m.resume_text ?? null,
    ...(m.window_hours !== undefined ? { window_hours: m.window_hours } : {}),
  };
}

const T3 = 'S1-T3 (Dutcher 2014 consensus, Table 3; il2-domain.md §2.1)';
const T3_DAGGER = 'Column placement of a single-item line inferred from the layout and the parallel S5 table (§2.1 †).';

/** Consensus 2014 Table 3 rows the simulator can exercise; `hrRelativeLower` 100 as printed, 120 as a local variation. */
function consensusRules(opts: { hrRelativeLower: number; hrNote: string | null; hrSource: string }): RuleIn[] {
  const rel: Meta = { system: '', source: T3, status: 'verified', level: 'relative' };
  const abs: Meta = { system: '', source: T3, status: 'verified', level: 'absolute' };
  const relI: Meta = { ...rel, status: 'inferred' };
  const absI: Meta = { ...abs, status: 'inferred', note: T3_DAGGER };
  return [
    band('cv.hr.relative', 'heart_rate_at_dose', opts.hrRelativeLower, 130, { upper: true }, 'hold', { ...rel, system: 'Cardiovascular', source: opts.hrSource, note: ['Printed "100–130"; the absolute line is ">130", so 130 is inside the relative band. Footnote: persistent at time of dosing after correcting hypotension, fever and discontinuing dopamine.', opts.hrNote].filter(Boolean).join(' ') }),
    cmp('cv.hr.absolute', 'heart_rate_at_dose', 'gt', 130, 'stop_cycle', { ...abs, system: 'Cardiovascular' }),
    present('cv.ecg_ischaemia', 'ecg_ischaemia', 'stop_cycle', { ...absI, system: 'Cardiovascular' }),
    present('cv.atrial_fibrillation', 'atrial_fibrillation', 'stop_cycle', { ...absI, system: 'Cardiovascular', note: `${T3_DAGGER} The label only withholds for AF (§2.2).` }),
    present('cv.svt', 'svt', 'stop_cycle', { ...absI, system: 'Cardiovascular' }),
    present('cv.ventricular_arrhythmia', 'ventricular_arrhythmia', 'stop_cycle', { ...absI, system: 'Cardiovascular', note: `${T3_DAGGER} Includes PVCs, bigeminy, ventricular tachycardia.` }),
    present('derm.moist_desquamation', 'moist_desquamation', 'hold', { ...relI, system: 'Dermatologic', note: 'S5 puts it in the absolute column.' }),
    cmp('gi.diarrhoea.relative', 'diarrhoea_shift', 'ge', 1000, 'hold', { ...rel, system: 'GI', note: 'Printed "Diarrhea, 1000 ml/shift".' }),
    cmp('gi.diarrhoea.absolute', 'diarrhoea_shifts_over_1000', 'ge', 2, 'stop_cycle', { ...abs, system: 'GI', note: '1000 mL/shift on 2 shifts.' }),
    present('gi.vomiting_refractory', 'vomiting_refractory', 'stop_cycle', { ...absI, system: 'GI', note: 'Column ambiguous ("probable" absolute); S5 has refractory vomiting as absolute.' }),
    present('gi.ileus', 'ileus', 'hold', { ...rel, system: 'GI', note: 'Absolute only for severe distension affecting breathing, which the rule variable does not separate.' }),
    cmp('gi.bilirubin', 'bilirubin', 'gt', 7, 'hold', { ...rel, system: 'GI' }),
    present('gi.abdominal_pain', 'abdominal_pain_severe', 'stop_cycle', { ...absI, system: 'GI', note: 'Severe, unrelenting abdominal pain.' }),
    band('haem.phenylephrine_max.relative', 'phenylephrine_max_interval', 1.0, 1.5, {}, 'hold', { ...rel, system: 'Haemodynamic', status: 'inferred', note: 'Printed relative 1–1.5 and absolute 1.5–2.0 overlap at 1.5; coded half-open [1.0, 1.5) per §2.1 engine notes.' }),
    cmp('haem.phenylephrine_max.absolute', 'phenylephrine_max_interval', 'ge', 1.5, 'stop_cycle', { ...abs, system: 'Haemodynamic', status: 'inferred', note: 'Printed 1.5–2.0 (upper edge centre-variable); coded ≥1.5 per §2.1 engine notes.' }),
    band('haem.phenylephrine_at_dose.relative', 'phenylephrine_at_dose', 0.5, 0.8, { lower: false, upper: true }, 'hold', { ...rel, system: 'Haemodynamic', note: 'Printed ">0.5" relative and ">0.8" absolute: (0.5, 0.8].' }),
    cmp('haem.phenylephrine_at_dose.absolute', 'phenylephrine_at_dose', 'gt', 0.8, 'stop_cycle', { ...abs, system: 'Haemodynamic' }),
    present('bleed.occult', 'occult_blood', 'hold', { ...rel, system: 'Haemorrhagic' }),
    present('bleed.frank', 'frank_bleeding', 'stop_cycle', { ...abs, system: 'Haemorrhagic' }),
    band('bleed.platelets.relative', 'platelets_min', 30_000, 50_000, { upper: true }, 'hold', { ...rel, system: 'Haemorrhagic', note: 'Printed 30,000–50,000; absolute <30,000.' }),
    cmp('bleed.platelets.absolute', 'platelets_min', 'lt', 30_000, 'stop_cycle', { ...abs, system: 'Haemorrhagic' }),
    present('inf.infection', 'infection', 'stop_cycle', { ...absI, system: 'Infectious', note: 'Strong clinical suspicion or documented.' }),
    cmp('msk.weight_gain', 'weight_gain_pct', 'gt', 15, 'hold', { ...rel, system: 'Musculoskeletal (as printed)' }),
    present('neuro.vivid_dreams', 'vivid_dreams', 'hold', { ...rel, system: 'Neurologic' }),
    present('neuro.hallucinations', 'hallucinations', 'stop_cycle', { ...absI, system: 'Neurologic' }),
    present('neuro.mental_status', 'mental_status_change', 'stop_cycle', { ...absI, system: 'Neurologic', note: `${T3_DAGGER} Printed "not reversible within 2 h": the rule variable is presence at dosing time, so reversibility is approximated by presence at the scheduled dose.` }),
    present('neuro.cognitive_screen', 'cognitive_screen_failed', 'stop_cycle', { ...absI, system: 'Neurologic' }),
    present('pulm.dyspnoea', 'resting_dyspnoea', 'hold', { ...rel, system: 'Pulmonary' }),
    band('pulm.o2.relative', 'o2_flow_at_dose', 3, 4, { upper: true }, 'hold', { ...rel, system: 'Pulmonary', note: '3–4 L/min nasal cannula to keep SpO2 ≥95%.' }),
    cmp('pulm.o2.absolute', 'o2_flow_at_dose', 'gt', 4, 'stop_cycle', { ...abs, system: 'Pulmonary' }),
    cmp('pulm.mask.absolute', 'fio2_at_dose', 'ge', 40, 'stop_cycle', { ...abs, system: 'Pulmonary', note: '40% by mask.' }),
    present('pulm.intubation', 'intubated', 'stop_cycle', { ...abs, system: 'Pulmonary' }),
    present('pulm.rales.relative', 'rales_third', 'hold', { ...rel, system: 'Pulmonary' }),
    present('pulm.rales.absolute', 'rales_half', 'stop_cycle', { ...abs, system: 'Pulmonary' }),
    band('renal.urine.relative', 'urine_output_shift', 80, 160, { upper: true }, 'hold', { ...rel, system: 'Renal', note: 'mL per ≈8-h shift; absolute <80.' }),
    cmp('renal.urine.absolute', 'urine_output_shift', 'lt', 80, 'stop_cycle', { ...abs, system: 'Renal' }),
    band('renal.creatinine.relative', 'creatinine', 2.5, 3.0, {}, 'hold', { ...rel, system: 'Renal', note: 'Printed 2.5–2.9; absolute ≥3.0, so coded [2.5, 3.0).' }),
    cmp('renal.creatinine.absolute', 'creatinine', 'ge', 3.0, 'stop_cycle', { ...abs, system: 'Renal' }),
    cmp('renal.bicarbonate', 'bicarbonate', 'le', 18, 'hold', { ...rel, system: 'Renal/metabolic', status: 'inferred', note: 'Printed "≤18 meq/dL" (presumably mEq/L = mmol/L); column ambiguous, probably relative (§2.1).' }),
  ];
}

const S5 = 'S5 (SpringerPlus 2015;4:118, Table 1; il2-domain.md §2.5)';
const S3 = 'S3/S3a (US Proleukin label §2.4 Table 2; il2-domain.md §2.2)';
const S23 = 'S23 (JITC 2024;12:e008735 Table 2, TIL programme; il2-domain.md §2.5)';

function s5Rules(): RuleIn[] {
  const rel: Meta = { system: '', source: S5, status: 'verified', level: 'relative' };
  const abs: Meta = { system: '', source: S5, status: 'verified', level: 'absolute' };
  return [
    band('cv.hr.relative', 'heart_rate_at_dose', 120, 130, { upper: true }, 'hold', { ...rel, system: 'Cardiac', note: 'Sinus tachycardia HR 120–130 (consensus: 100–130).' }),
    cmp('cv.hr.absolute', 'heart_rate_at_dose', 'gt', 130, 'stop_cycle', { ...abs, system: 'Cardiac' }),
    present('cv.ecg_ischaemia', 'ecg_ischaemia', 'stop_cycle', { ...abs, system: 'Cardiac' }),
    present('cv.atrial_fibrillation', 'atrial_fibrillation', 'stop_cycle', { ...abs, system: 'Cardiac' }),
    present('cv.ventricular_arrhythmia', 'ventricular_arrhythmia', 'stop_cycle', { ...abs, system: 'Cardiac', note: 'Frequent PVCs/bigeminy/ventricular arrhythmia.' }),
    present('derm.moist_desquamation', 'moist_desquamation', 'stop_cycle', { ...abs, system: 'Dermatologic' }),
    cmp('gi.diarrhoea', 'diarrhoea_shift', 'gt', 1000, 'hold', { ...rel, system: 'GI', note: 'Printed ">1000 cc/shift".' }),
    present('gi.vomiting_refractory', 'vomiting_refractory', 'stop_cycle', { ...abs, system: 'GI' }),
    present('gi.abdominal_pain', 'abdominal_pain_severe', 'stop_cycle', { ...abs, system: 'GI' }),
    present('gi.distension', 'ileus', 'stop_cycle', { ...abs, system: 'GI', note: 'Abdominal distension.' }),
    present('haem.pressors', 'pressor_any_interval', 'stop_cycle', { ...abs, system: 'Haemodynamic', note: 'Hypotension requiring pressors → discontinue (also in the action footnote).' }),
    present('bleed.occult', 'occult_blood', 'hold', { ...rel, system: 'Haemorrhage' }),
    band('bleed.platelets.relative', 'platelets_min', 30_000, 50_000, { upper: true }, 'hold', { ...rel, system: 'Haemorrhage', note: 'Platelets 30–50k.' }),
    present('bleed.frank', 'frank_bleeding', 'stop_cycle', { ...abs, system: 'Haemorrhage' }),
    cmp('bleed.platelets.absolute', 'platelets_min', 'lt', 30_000, 'stop_cycle', { ...abs, system: 'Haemorrhage' }),
    present('inf.infection', 'infection', 'stop_cycle', { ...abs, system: 'Infectious' }),
    present('neuro.mental_status', 'mental_status_change', 'stop_cycle', { ...abs, system: 'Neurologic', note: 'Mental status changes; the footnote also stops for any neurological change.' }),
    present('neuro.vivid_dreams', 'vivid_dreams', 'stop_cycle', { ...abs, system: 'Neurologic', note: 'Disorientation, vivid dreams, emotional lability.' }),
    present('neuro.hallucinations', 'hallucinations', 'stop_cycle', { ...abs, system: 'Neurologic', status: 'inferred', note: 'Not named in S5; covered by "neurological changes → discontinue" in the action footnote.' }),
    present('pulm.dyspnoea', 'resting_dyspnoea', 'hold', { ...rel, system: 'Pulmonary' }),
    present('pulm.rales.relative', 'rales_third', 'hold', { ...rel, system: 'Pulmonary', note: 'Crackles >1/3 but <1/2 of chest.' }),
    band('pulm.o2.relative', 'o2_flow_at_dose', 3, 4, { upper: true }, 'hold', { ...rel, system: 'Pulmonary', note: '3–4 L O2 for SpO2 >95%.' }),
    cmp('pulm.o2.absolute', 'o2_flow_at_dose', 'gt', 4, 'stop_cycle', { ...abs, system: 'Pulmonary' }),
    cmp('pulm.mask.absolute', 'fio2_at_dose', 'ge', 40, 'stop_cycle', { ...abs, system: 'Pulmonary' }),
    present('pulm.rales.absolute', 'rales_half', 'stop_cycle', { ...abs, system: 'Pulmonary' }),
    present('pulm.intubation', 'intubated', 'stop_cycle', { ...abs, system: 'Pulmonary' }),
    band('renal.urine.relative', 'urine_output_shift', 80, 160, { upper: true }, 'hold', { ...rel, system: 'Renal', note: 'UO 80–160 mL/8 h. S5 also lists "UO 10–20 mL/h", the same band per hour (80/8 = 10), so it is not coded twice [INFERRED].' }),
    cmp('renal.urine.absolute', 'urine_output_shift', 'lt', 80, 'stop_cycle', { ...abs, system: 'Renal', note: 'UO <80 mL/8 h (and its per-hour form <10 mL/h).' }),
    band('renal.creatinine.relative', 'creatinine', 2.5, 3.0, {}, 'hold', { ...rel, system: 'Renal', note: 'Creatinine 2.5–2.9; absolute ≥3 → [2.5, 3.0).' }),
    cmp('renal.creatinine.absolute', 'creatinine', 'ge', 3.0, 'stop_cycle', { ...abs, system: 'Renal' }),
    cmp('wt.gain', 'weight_gain_pct', 'ge', 15, 'hold', { ...rel, system: 'Weight', note: 'Printed "gain 15% over baseline".' }),
  ];
}

function labelRules(which: 'all' | 'cardio_resp_neuro'): RuleIn[] {
  const v: Meta = { system: '', source: S3, status: 'verified' };
  const cardioRespNeuro: RuleIn[] = [
    present('cv.atrial_fibrillation', 'atrial_fibrillation', 'hold', { ...v, system: 'Cardiovascular', resume_text: 'Patient asymptomatic with full recovery to normal sinus rhythm' }),
    present('cv.svt', 'svt', 'hold', { ...v, system: 'Cardiovascular', resume_text: 'Patient asymptomatic with full recovery to normal sinus rhythm' }),
    present('cv.sustained_vt', 'sustained_vt', 'discontinue', { ...v, system: 'Cardiovascular', note: 'Sustained VT (≥5 beats) → permanently discontinue.' }),
    present('cv.ecg_ischaemia', 'ecg_ischaemia', 'discontinue', { ...v, system: 'Cardiovascular', note: 'ECG changes consistent with ischaemia or MI, or angina → permanently discontinue.' }),
    cmp('resp.spo2', 'spo2_at_dose', 'lt', 90, 'hold', { ...v, system: 'Respiratory', resume: [{ variable: 'spo2_at_dose', unit: '%', comparator: 'gt', threshold: 90 }], resume_text: 'SpO2 >90%' }),
    cmp('resp.intubation', 'intubation_hours', 'gt', 72, 'discontinue', { ...v, system: 'Respiratory', window_hours: 72 }),
    present('neuro.mental_status', 'mental_status_change', 'hold', { ...v, system: 'Neurologic', note: 'Mental status change including moderate confusion or agitation.', resume_text: 'Completely resolved' }),
    cmp('neuro.coma', 'coma_hours', 'gt', 48, 'discontinue', { ...v, system: 'Neurologic', window_hours: 48 }),
    present('inf.sepsis', 'sepsis', 'hold', { ...v, system: 'Infectious', resume_text: 'Sepsis resolved, clinically stable, infection under treatment (S3a)' }),
  ];
  if (which === 'cardio_resp_neuro') return cardioRespNeuro;
  return [
    ...cardioRespNeuro,
    cmp('cv.sbp', 'sbp_at_dose', 'lt', 90, 'hold', {
      ...v,
      system: 'Cardiovascular',
      resume: [{ variable: 'sbp_at_dose', unit: 'mm[Hg]', comparator: 'ge', threshold: 90 }],
      resume_text: 'label_resume_condition_not_specified: the label gives no SBP-specific resume condition; encoded as SBP ≥90 [INFERRED §2.2]',
      note: '"Systolic BP falls to <90 mmHg": judged at the scheduled dosing time here (the label does not say when).',
    }),
    present('gi.occult_blood', 'occult_blood', 'hold', { ...v, system: 'Gastrointestinal', note: 'FIT or FOBT positive.', resume_text: 'FIT/FOBT negative' }),
    present('derm.bullous', 'bullous_dermatitis', 'hold', { ...v, system: 'Dermatologic', resume_text: 'All signs of bullous dermatitis resolved (S3a)' }),
    cmp('renal.creatinine', 'creatinine', 'gt', 4.5, 'hold', {
      ...v,
      system: 'Renal',
      resume: [{ variable: 'creatinine', unit: 'mg/dL', comparator: 'lt', threshold: 1.5 }],
      resume_text: 'Creatinine back to normal (<1.5 mg/dL) or baseline, fluid and electrolytes stable (S3a)',
      note: 'The "≥4 mg/dL with severe volume overload, acidosis or hyperkalaemia" limb needs two variables; a rule is one condition, so it is not coded.',
    }),
    cmp('renal.oliguria', 'oliguria_hours', 'ge', 16, 'hold', {
      ...v,
      system: 'Renal',
      window_hours: 24,
      note: 'Persistent oliguria <10 mL/h for 16–24 h "with rising creatinine": the rising-creatinine limb needs a second condition (schema: one condition per rule), so it is not coded.',
      resume_text: 'Urine output >10 mL/h with creatinine falling by >1.5 mg/dL, or creatinine normalised (S3a)',
    }),
    cmp('renal.dialysis', 'dialysis_hours', 'gt', 72, 'discontinue', { ...v, system: 'Renal', window_hours: 72 }),
  ];
}

function s23Rules(): RuleIn[] {
  const v: Meta = { system: '', source: S23, status: 'verified' };
  const local = (src: string, note: string): Meta => ({ system: '', source: src, status: 'verified', note: `Local addition at this centre: ${note}` });
  return [
    cmp('bp.phenylephrine_at_dose', 'phenylephrine_at_dose', 'gt', 0.5, 'hold', {
      ...v,
      system: 'Blood pressure',
      note: 'Centre pressor pathway: phenylephrine titrated from 0.1 µg/kg/min; dosing reassessed once phenylephrine ≤0.5 µg/kg/min (S23 "some experienced centres"). The fluid-refractory → discontinue branch is not this centre’s practice.',
      resume: [{ variable: 'phenylephrine_at_dose', unit: 'ug/kg/min', comparator: 'le', threshold: 0.5 }],
      resume_text: 'Phenylephrine ≤0.5 µg/kg/min',
    }),
    cmp('uo.per_kg', 'urine_output_per_kg_shift', 'lt', 4, 'hold', { ...v, system: 'Urine output', note: 'UO <4 mL/kg over 8 h.' }),
    band('renal.creatinine.hold', 'creatinine', 2.5, 3.0, {}, 'hold', { ...v, system: 'Renal', note: 'Creatinine 2.5–2.9 → hold; coded [2.5, 3.0).' }),
    cmp('renal.creatinine.stop', 'creatinine', 'ge', 3.0, 'stop_cycle', { ...local(T3, 'S23 lists only the 2.5–2.9 hold; the ≥3.0 stop is taken from the consensus absolute column.'), system: 'Renal', level: 'absolute' }),
    cmp('bleed.platelets.stop', 'platelets_min', 'lt', 30_000, 'stop_cycle', { ...local(T3, 'platelets <30,000 stop from the consensus absolute column (S23 only stops indomethacin below 50k).'), system: 'Haemorrhagic', level: 'absolute' }),
    ...labelRules('cardio_resp_neuro').map((r) => ({ ...r, note: [r.note, 'Local addition at this centre: label row (S23 has no cardiac/respiratory/neurologic criteria).'].filter(Boolean).join(' ') })),
  ];
}

export const CENTRE_RULESETS: Record<string, RulesetIn> = {
  riverside: {
    id: 'riverside',
    title: 'Riverside University Cancer Center — local hold/stop rules (2014 consensus Table 3 as printed)',
    version: '2024-01',
    source: T3,
    status: 'verified',
    description: 'Relative criterion → hold and reassess at the next dose; absolute → stop the cycle (mapping [INFERRED] from the table title and S5). No cycle-count policy stated by the consensus.',
    policies: { stop_after_relative_criteria: null, stop_after_held_doses: null, allow_dose_delay_minutes: 0, policy_source: 'S1-T3 states no count policy (§2.1)', policy_status: 'verified' },
    rules: consensusRules({ hrRelativeLower: 100, hrNote: null, hrSource: T3 }),
  },
  lakeshore: {
    id: 'lakeshore',
    title: 'Lakeshore Community Hospital — institutional relative and absolute criteria (S5 Table 1)',
    version: '2023-06',
    source: S5,
    status: 'verified',
    description: 'Any relative criterion → hold, reassess at the next scheduled dose; ≥3 relative criteria or any absolute → discontinue the cycle; pressors needed → stop; 3 held doses → stop (S5 action footnote [V]).',
    policies: { stop_after_relative_criteria: 3, stop_after_held_doses: 3, allow_dose_delay_minutes: 0, policy_source: 'S5 Table 1 action footnote (§2.5)', policy_status: 'verified' },
    rules: s5Rules(),
  },
  summit: {
    id: 'summit',
    title: 'Summit Cytokine Program — current label dose-modification rows (withhold / permanently discontinue)',
    version: '2025-01',
    source: S3,
    status: 'verified',
    description: 'Withhold until the stated recovery condition, or permanently discontinue; no dose reduction, no cycle-count policy (S3 §2.4 [V]). Hepatic (Grade ≥3 AST/ALT) and renal-with-modifier limbs are not coded: no rule variable / one condition per rule.',
    policies: { stop_after_relative_criteria: null, stop_after_held_doses: null, allow_dose_delay_minutes: 0, policy_source: 'The label has no count policy (§2.2)', policy_status: 'verified' },
    rules: labelRules('all'),
  },
  amstel: {
    id: 'amstel',
    title: 'Amstel Medisch Centrum — 2014 consensus Table 3 with a local heart-rate cut-off and S5 count policy',
    version: '2022-09',
    source: T3,
    status: 'verified',
    description: 'Consensus Table 3, except sinus tachycardia is a relative criterion from HR 120 (not 100), as at the S5 institution; cycle stops after 3 distinct relative criteria (S5 policy). Local variation documented in rule notes.',
    policies: { stop_after_relative_criteria: 3, stop_after_held_doses: null, allow_dose_delay_minutes: 0, policy_source: 'Local adoption of the S5 footnote (§2.5)', policy_status: 'verified' },
    rules: consensusRules({ hrRelativeLower: 120, hrNote: 'Local variation: relative band starts at 120, as in S5 (§2.5, §6 "HR 100 vs 120").', hrSource: `${T3}; lower edge from ${S5}` }),
  },
  harbour: {
    id: 'harbour',
    title: 'Harbour Cellular Therapy Institute — TIL programme IL-2 guidelines with label cardiac/respiratory/neurologic rows',
    version: '2024-05',
    source: S23,
    status: 'verified',
    description: 'S23 blood-pressure, urine-output and creatinine holds; label rows for arrhythmia, SpO2 and mental status; consensus absolute creatinine and platelet stops. No count policy: holds continue until the 5-day window closes.',
    policies: { stop_after_relative_criteria: null, stop_after_held_doses: null, allow_dose_delay_minutes: 0, policy_source: 'S23 states no count policy (§2.5)', policy_status: 'verified' },
    rules: s23Rules(),
  },
};

/** Parsed (defaults applied) rulesets. */
export function buildCentreRulesets(): Record<string, Ruleset> {
  const out: Record<string, Ruleset> = {};
  for (const [id, rs] of Object.entries(CENTRE_RULESETS)) out[id] = Ruleset.parse(rs);
  return out;
}

export function rulesetJson(rs: Ruleset): string {
  return `${JSON.stringify(rs, null, 2)}\n`;
}

if (process.argv[1]?.endsWith('centre-rulesets.ts') && process.argv.includes('--write')) {
  const dir = new URL('../rules/centres/', import.meta.url);
  for (const [id, rs] of Object.entries(buildCentreRulesets())) {
    writeFileSync(new URL(`${id}.json`, dir), rulesetJson(rs));
    process.stdout.write(`wrote rules/centres/${id}.json (${rs.rules.length} rules)\n`);
  }
}
