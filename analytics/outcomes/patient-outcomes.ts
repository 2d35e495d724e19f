// Per-patient survival times from the first HD IL-2 dose: overall survival, progression-free survival and, for
// responders, the duration of response. Records that contradict themselves are left out with a message naming them.
import { regimenLabel } from '../doses/types.js';
import type { Disease } from '../../schemas/vocabularies.js';
import { DAY_MS, MONTH_DAYS, type OutcomeInputs, type ResponseCode } from './types.js';

export type OutcomeBestResponse = ResponseCode | 'not_assessed';

/** One row per patient with follow-up: times in months from the first dose (os/pfs) or the first response (dor). */
export interface PatientOutcome {
  centre_id: string;
  patient_key: string;
  disease: Disease;
  /** '600k/14', '720k/15' …, or 'mixed' when a patient's cycles used more than one regimen. */
  regimen: string;
  best_response: OutcomeBestResponse;
  first_dose_at: number;
  os_months: number;
  os_event: 0 | 1;
  pfs_months: number;
  pfs_event: 0 | 1;
  /** Responders (best CR/PR) only: first CR/PR to progression or death. */
  dor_months: number | null;
  dor_event: 0 | 1 | null;
  /** First dated response assessment (any category), the landmark of the landmark analysis. */
  first_assessment_at: number | null;
  /** CR or PR at the first assessment. */
  responder_at_first_assessment: boolean | null;
  death_cause: string | null;
}

export interface PatientOutcomesResult {
  rows: PatientOutcome[];
  /** Patients left out, with why. */
  excluded: { centre_id: string; patient_key: string; reason: string }[];
}

const RANK: Record<ResponseCode, number> = { CR: 4, PR: 3, SD: 2, PD: 1, NE: 0 };
const months = (ms: number): number => ms / DAY_MS / MONTH_DAYS;
const key = (c: string, p: string): string => `${c}\u0000${p}`;

function firstDoses(input: OutcomeInputs): Map<string, { at: number; regimens: Set<string> }> {
  const out = new Map<string, { at: number; regimens: Set<string> }>();
  for (const c of input.cycles) {
    const k = key(c.centre_id, c.patient_key);
    const at = c.first_dose_at ?? c.start_at;
    const cur = out.get(k) ?? { at: Infinity, regimens: new Set<string>() };
    cur.at = Math.min(cur.at, at);
    cur.regimens.add(regimenLabel(c));
    out.set(k, cur);
  }
  return out;
}

function responseSummary(input: OutcomeInputs): Map<string, { best: OutcomeBestResponse; firstResponseAt: number | null }> {
  const out = new Map<string, { best: OutcomeBestResponse; firstResponseAt: number | null }>();
  for (const r of input.responses) {
    const k = key(r.centre_id, r.patient_key);
    const cur = out.get(k) ?? { best: 'not_assessed' as OutcomeBestResponse, firstResponseAt: null };
    if (cur.best === 'not_assessed' || RANK[r.best_overall_response] > RANK[cur.best]) cur.best = r.best_overall_response;
    const resp = r.best_overall_response === 'CR' || r.best_overall_response === 'PR' ? (r.first_response_at ?? r.assessed_at) : null;
    if (resp !== null && (cur.firstResponseAt === null || resp < cur.firstResponseAt)) cur.firstResponseAt = resp;
    out.set(k, cur);
  }
  return out;
}

/** First dated assessment per patient: from response_assessment where the centre keeps every scan, else the course rows. */
function firstAssessments(input: OutcomeInputs): Map<string, { at: number; responder: boolean }> {
  const out = new Map<string, { at: number; responder: boolean }>();
  const take = (k: string, at: number, resp: ResponseCode) => {
    const cur = out.get(k);
    if (!cur || at < cur.at) out.set(k, { at, responder: resp === 'CR' || resp === 'PR' });
  };
  for (const a of input.assessments) take(key(a.centre_id, a.patient_key), a.assessed_at, a.overall_response);
  const scanned = new Set(out.keys());
  for (const r of input.responses) {
    const k = key(r.centre_id, r.patient_key);
    if (!scanned.has(k)) take(k, r.assessed_at, r.best_overall_response);
  }
  return out;
}

/** What is wrong with a follow-up record relative to the first dose, or null. */
function contradiction(f: OutcomeInputs['followUp'][number], first: number): string | null {
  const day = (t: number) => new Date(t).toISOString().slice(0, 10);
  if (f.death_at !== null && f.death_at < first) return `death ${day(f.death_at)} is before the first dose ${day(first)}`;
  if (f.progression_at !== null && f.progression_at < first) return `progression ${day(f.progression_at)} is before the first dose ${day(first)}`;
  if (f.last_contact_at < first) return `last contact ${day(f.last_contact_at)} is before the first dose ${day(first)}`;
  return null;
}

/**
 * Survival times per patient from the follow_up table. A patient without a dose or without follow-up, or whose
 * dates contradict the first dose, is listed in `excluded` with the reason.
 * @example patientOutcomes(inputs).rows.filter((r) => r.best_response === 'CR')
 */
export function patientOutcomes(input: OutcomeInputs): PatientOutcomesResult {
  const doses = firstDoses(input);
  const responses = responseSummary(input);
  const assessed = firstAssessments(input);
  const follow = new Map(input.followUp.map((f) => [key(f.centre_id, f.patient_key), f]));
  const rows: PatientOutcome[] = [];
  const excluded: PatientOutcomesResult['excluded'] = [];
  for (const p of input.patients) {
    const k = key(p.centre_id, p.patient_key);
    const d = doses.get(k);
    const f = follow.get(k);
    const drop = (reason: string) => excluded.push({ centre_id: p.centre_id, patient_key: p.patient_key, reason });
    if (!d) {
      drop('no cycle recorded, so no first dose to count from');
      continue;
    }
    if (!f) {
      drop('no follow_up row (progression, death or last contact)');
      continue;
    }
    const bad = contradiction(f, d.at);
    if (bad) {
      drop(bad);
      continue;
    }
    const end = f.death_at ?? f.last_contact_at;
    const pfsEnd = Math.min(f.progression_at ?? Infinity, f.death_at ?? Infinity);
    const resp = responses.get(k) ?? { best: 'not_assessed' as OutcomeBestResponse, firstResponseAt: null };
    const fa = assessed.get(k) ?? null;
    const dorStart = resp.firstResponseAt;
    rows.push({
      centre_id: p.centre_id,
      patient_key: p.patient_key,
      disease: p.disease,
      regimen: d.regimens.size === 1 ? [...d.regimens][0]! : 'mixed',
      best_response: resp.best,
      first_dose_at: d.at,
      os_months: months(end - d.at),
      os_event: f.death_at !== null ? 1 : 0,
      pfs_months: months((Number.isFinite(pfsEnd) ? pfsEnd : f.last_contact_at) - d.at),
      pfs_event: Number.isFinite(pfsEnd) ? 1 : 0,
      dor_months: dorStart === null ? null : months(Math.max(0, (Number.isFinite(pfsEnd) ? pfsEnd : f.last_contact_at) - dorStart)),
      dor_event: dorStart === null ? null : Number.isFinite(pfsEnd) ? 1 : 0,
      first_assessment_at: fa?.at ?? null,
      responder_at_first_assessment: fa?.responder ?? null,
      death_cause: f.death_cause,
    });
  }
  return { rows, excluded };
}
