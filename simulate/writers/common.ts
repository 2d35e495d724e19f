// What every export draws on: vital-sign samples during the stay, shift totals, reason texts, TSH at assessment.
import { Rng } from '../prng.js';
import { tshAtAssessment } from '../patient.js';
import type { PracticeProfile } from '../profiles.js';
import { HOUR_MS } from '../time.js';
import type { SimCourse, SimCycle, SimEvent, SimPatient, SimSlot } from '../types.js';

export interface CentreWriter {
  /** File names (relative to the centre folder) this writer produces. */
  readonly files: string[];
  writePatient(p: SimPatient): void;
  close(): Promise<void>;
}

export interface WriterContext {
  dir: string;
  profile: PracticeProfile;
  seed: string;
}

export interface VitalSample {
  at: number;
  h: number;
  sbp: number;
  dbp: number;
  hr: number;
  temp: number;
  spo2: number;
  o2: number;
  fio2: number;
  rr: number;
}

/** Vital-sign samples every `everyH` hours from admission to discharge (hours on the local clock grid). */
export function vitalSamples(c: SimCycle, everyH: number): VitalSample[] {
  const out: VitalSample[] = [];
  const s = c.series;
  const last = Math.round((c.dischargeAt - s.t0) / HOUR_MS);
  for (let h = 0; h <= last && h < s.n; h++) {
    if (h % everyH !== 0) continue;
    out.push(vitalAt(c, h));
  }
  return out;
}

export function vitalAt(c: SimCycle, h: number): VitalSample {
  const s = c.series;
  return {
    at: s.t0 + h * HOUR_MS,
    h,
    sbp: Math.round(s.sbp[h] ?? NaN),
    dbp: Math.round(s.dbp[h] ?? NaN),
    hr: Math.round(s.heartRate[h] ?? NaN),
    temp: Math.round((s.temperature[h] ?? NaN) * 10) / 10,
    spo2: Math.round(s.spo2[h] ?? NaN),
    o2: s.o2Flow[h] ?? 0,
    fio2: s.fio2[h] ?? 21,
    rr: Math.round(s.respRate[h] ?? NaN),
  };
}

/** Urine per block of `everyH` hours ending at each block end, admission to discharge. */
export function urineBlocks(c: SimCycle, everyH: number, alignHour = 0): { at: number; ml: number; hours: number }[] {
  const s = c.series;
  const last = Math.round((c.dischargeAt - s.t0) / HOUR_MS);
  const out: { at: number; ml: number; hours: number }[] = [];
  let acc = 0;
  let n = 0;
  for (let h = 1; h <= last && h < s.n; h++) {
    acc += s.urine[h] ?? 0;
    n++;
    if ((h - alignHour) % everyH === 0) {
      out.push({ at: s.t0 + h * HOUR_MS, ml: Math.round(acc / 5) * 5, hours: n });
      acc = 0;
      n = 0;
    }
  }
  return out;
}

/** Sum of boluses in the 8 h up to a slot. */
export function bolusInWindow(c: SimCycle, at: number, hours = 8): number {
  let v = 0;
  for (const b of c.boluses) if (b.at <= at && b.at > at - hours * HOUR_MS) v += b.volumeMl;
  return v;
}

export function stoolInShiftEnding(c: SimCycle, at: number): number {
  return c.stools.find((x) => x.at === at)?.volumeMl ?? 0;
}

export function eventActive(c: SimCycle, type: string, at: number): boolean {
  return c.events.some((e) => e.type === type && e.onsetAt <= at && (e.resolvedAt === null || e.resolvedAt > at));
}

export function rhythmAt(c: SimCycle, at: number, hr: number): string {
  if (eventActive(c, 'atrial_fibrillation', at)) return 'AFIB';
  if (eventActive(c, 'svt', at)) return 'SVT';
  if (eventActive(c, 'sustained_vt', at)) return 'VT';
  if (eventActive(c, 'ventricular_arrhythmia', at)) return 'SR w/ PVCs';
  return hr >= 100 ? 'ST' : 'SR';
}

export function neuroAt(c: SimCycle, at: number): string {
  if (eventActive(c, 'hallucinations', at)) return 'Hallucinating';
  if (eventActive(c, 'mental_status_change', at)) return 'Confused';
  if (eventActive(c, 'cognitive_screen_failed', at)) return 'Unable serial 7s';
  if (eventActive(c, 'vivid_dreams', at)) return 'Anxious/vivid dreams';
  return 'A&Ox3';
}

/** TSH draws: baseline (admission of course 1) and at each course's response assessment. */
export function tshDraws(p: SimPatient, seed: string): { at: number; value: number; course: SimCourse }[] {
  const rng = new Rng(`${seed}/${p.centreId}/${p.index}/tsh`);
  const draws = p.courses.map((course) => ({ at: course.response.assessedAt - 2 * HOUR_MS, value: tshAtAssessment(p, course, rng), course }));
  // None after death (a treatment-related death can come before the scan).
  return draws.filter((d) => p.followUp.deathAt === null || d.at < p.followUp.deathAt);
}

export function allCycles(p: SimPatient): SimCycle[] {
  return p.courses.flatMap((c) => c.cycles);
}

export function allEvents(p: SimPatient): { event: SimEvent; cycle: SimCycle | null; course: SimCourse }[] {
  const out: { event: SimEvent; cycle: SimCycle | null; course: SimCourse }[] = [];
  for (const course of p.courses) {
    for (const cycle of course.cycles) for (const event of cycle.events) out.push({ event, cycle, course });
    for (const event of course.lateEvents) out.push({ event, cycle: null, course });
  }
  return out;
}

export const EVENT_TEXT: Record<string, string> = {
  atrial_fibrillation: 'Atrial fibrillation with RVR',
  svt: 'Supraventricular tachycardia',
  ventricular_arrhythmia: 'Frequent PVCs / bigeminy',
  sustained_vt: 'Sustained ventricular tachycardia',
  ecg_ischaemia: 'ST depression on ECG, ?ischemia',
  myocardial_infarction_or_ischaemia: 'Myocardial infarction (troponin rise)',
  mental_status_change: 'Confusion / altered mental status',
  hallucinations: 'Visual hallucinations',
  cognitive_screen_failed: 'Unable to do serial 7s / WORLD backwards',
  vivid_dreams: 'Vivid dreams, anxiety',
  resting_dyspnoea: 'Dyspnea at rest',
  rales_third: 'Crackles 1/3 up bilaterally',
  rales_half: 'Crackles 1/2 up bilaterally',
  infection: 'Suspected line infection',
  sepsis: 'Sepsis, hemodynamically unstable',
  occult_blood: 'Guaiac positive stool',
  frank_bleeding: 'Hematemesis',
  vomiting_refractory: 'Intractable vomiting',
  ileus: 'Ileus / abdominal distension',
  abdominal_pain_severe: 'Severe abdominal pain',
  moist_desquamation: 'Moist desquamation',
  bullous_dermatitis: 'Bullous dermatitis',
  intubation: 'Intubated for respiratory failure',
  icu_transfer: 'Transfer to ICU',
  coma: 'Unresponsive, GCS 6 - coma',
  dialysis: 'Started on CRRT (dialysis)',
  seizure: 'Generalized tonic-clonic seizure',
  vitiligo: 'Vitiligo',
  hypothyroidism: 'Hypothyroidism',
  hyperthyroidism: 'Hyperthyroidism',
};

const f1 = (x: number | null | undefined): string => (x === null || x === undefined ? '?' : String(Math.round(x * 10) / 10));

/** The neurologic reason as charted: a coma or seizure by name (rare serious events), else confusion or dreams. */
function neuroTextEn(v: SimSlot['variables']): string {
  if ((v.coma_hours ?? 0) > 0) return 'unresponsive - coma';
  if ((v.seizure ?? 0) !== 0) return 'post-ictal after seizure';
  return v.vivid_dreams === 1 && v.mental_status_change !== 1 ? 'vivid dreams/anxious' : 'confused';
}

/** Free-text reason as a US nurse would chart it (EHR/flowsheet). */
export function reasonTextEn(slot: SimSlot, rng: Rng, short = false): string {
  const v = slot.variables;
  if (slot.status === 'skipped') {
    if (slot.skipReason === 'line_issue') return rng.pick(['not given: line issue', 'not given - PICC occluded', 'line infiltrated, not given']);
    if (slot.skipReason === 'logistics') return rng.pick(['not given - pharmacy delay', 'not given: drug not available']);
    return rng.pick(['pt refused', 'patient declined dose']);
  }
  if (slot.status !== 'held') return '';
  const parts: string[] = [];
  for (const code of slot.reasonCodes) {
    switch (code) {
      case 'hypotension': {
        const pe = v.phenylephrine_at_dose ?? 0;
        parts.push(pe > 0 ? `SBP ${v.sbp_at_dose ?? '?'} on neo ${f1(pe)}` : `SBP ${v.sbp_at_dose ?? '?'}`);
        break;
      }
      case 'tachycardia':
        parts.push(`HR ${v.heart_rate_at_dose ?? '?'}`);
        break;
      case 'oliguria':
        parts.push(`UOP ${v.urine_output_shift ?? '?'}ml/8h`);
        break;
      case 'creatinine':
        parts.push(`Cr ${f1(v.creatinine)}`);
        break;
      case 'acidosis':
        parts.push(`CO2 ${v.bicarbonate ?? '?'}`);
        break;
      case 'hypoxia':
        parts.push(
          (v.fio2_at_dose ?? 21) >= 40
            ? 'on 40% face mask'
            : (v.spo2_at_dose ?? 100) < 90
              ? `sats ${v.spo2_at_dose}%`
              : `on ${v.o2_flow_at_dose ?? '?'}L NC`,
        );
        break;
      case 'pulmonary':
        parts.push(rng.pick(['SOB', 'crackles', 'resp distress']));
        break;
      case 'neurologic':
        parts.push(neuroTextEn(v));
        break;
      case 'renal_replacement':
        parts.push('on CRRT (dialysis)');
        break;
      case 'thrombocytopenia':
        parts.push(`plt ${Math.round((v.platelets_min ?? 0) / 1000)}K`);
        break;
      case 'weight_gain':
        parts.push(`wt up ${f1(v.weight_gain_pct)}%`);
        break;
      case 'diarrhoea':
        parts.push(`diarrhea ${v.diarrhoea_shift ?? '?'}ml/shift`);
        break;
      case 'gastrointestinal':
        parts.push(rng.pick(['vomiting', 'abd distension']));
        break;
      case 'bleeding':
        parts.push(v.frank_bleeding === 1 ? 'frank blood' : 'guaiac +');
        break;
      case 'infection':
        parts.push(v.sepsis === 1 ? 'septic' : 'febrile, ?line infection');
        break;
      case 'arrhythmia':
        parts.push(v.atrial_fibrillation === 1 ? 'afib' : v.svt === 1 ? 'SVT' : 'PVCs');
        break;
      case 'cardiac_ischaemia':
        parts.push(slot.seriousEvent === 'myocardial_infarction_or_ischaemia' ? 'troponin up - ?MI' : 'ST changes');
        break;
      case 'skin':
        parts.push('skin desquamation');
        break;
      case 'clinical_other':
        parts.push(rng.pick(['per MD', 'MD held dose', 'pt unwell, held per team', 'per attending']));
        break;
      case 'cycle_limit':
        break;
      case 'patient_refusal':
        parts.push('pt requests to stop');
        break;
      default:
        parts.push(code.replaceAll('_', ' '));
    }
  }
  const text = parts.join(', ');
  if (slot.decision === 'stop_cycle' || slot.decision === 'discontinue') return short ? `STOP: ${text}` : `IL-2 d/c'd for cycle - ${text}`;
  return short ? text : `held - ${text}`;
}
