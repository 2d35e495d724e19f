// Doses and response by regimen (600k/14 vs 720k/15), disease and cycle number: regimens are never pooled here.
import { clopperPearsonInterval } from '../stats/index.js';
import { groupBy } from '../doses/group.js';
import { regimenLabel } from '../doses/types.js';
import type { PatientOutcome } from './patient-outcomes.js';
import type { OutcomeCycle, OutcomePatient } from './types.js';

/** One row per regimen × disease × cycle number. */
export interface DosesByRegimenRow {
  regimen: string;
  disease: string;
  cycle_number: number;
  cycles: number;
  mean_doses: number;
  sd_doses: number | null;
  share_at_cap: number;
  /** Mean IU/kg given in the cycle, in millions, over the cycles whose every given dose has an amount (null: none has). */
  mean_miu_per_kg: number | null;
}

/** One row per regimen × disease: best response over all courses (patients with an assessment). */
export interface ResponseByRegimenRow {
  regimen: string;
  disease: string;
  assessed: number;
  responders: number;
  response_rate: number | null;
  lower: number | null;
  upper: number | null;
  complete: number;
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const knownMean = (xs: readonly (number | null)[]) => {
  const known = xs.filter((x): x is number => x !== null);
  return known.length === 0 ? null : mean(known) / 1e6;
};
const sd = (xs: readonly number[]) => {
  if (xs.length < 2) return null;
  const m = mean(xs); // once, not per element
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
};

/**
 * Doses per cycle by regimen × disease × cycle number.
 * @example dosesByRegimen(cycles, patients).filter((r) => r.cycle_number === 1)
 */
export function dosesByRegimen(cycles: readonly OutcomeCycle[], patients: readonly OutcomePatient[]): DosesByRegimenRow[] {
  const disease = new Map(patients.map((p) => [`${p.centre_id}\u0000${p.patient_key}`, p.disease]));
  const groups = groupBy(cycles, (c) => [regimenLabel(c), disease.get(`${c.centre_id}\u0000${c.patient_key}`) ?? 'unknown', c.cycle_number].join('\u0000'));
  return [...groups.entries()].map(([k, cs]) => {
    const [regimen, dis, cn] = k.split('\u0000') as [string, string, string];
    const doses = cs.map((c) => c.doses_given);
    return {
      regimen,
      disease: dis,
      cycle_number: Number(cn),
      cycles: cs.length,
      mean_doses: mean(doses),
      sd_doses: sd(doses),
      share_at_cap: cs.filter((c) => c.doses_given >= c.planned_max_doses).length / cs.length,
      mean_miu_per_kg: knownMean(cs.map((c) => c.iu_per_kg_given)),
    };
  });
}

/**
 * Best overall response by the patient's regimen × disease; a patient treated with two regimens is 'mixed'.
 * @example responseByRegimen(patientOutcomes(inputs).rows)
 */
export function responseByRegimen(rows: readonly PatientOutcome[]): ResponseByRegimenRow[] {
  const assessed = rows.filter((r) => r.best_response !== 'not_assessed');
  return [...groupBy(assessed, (r) => `${r.regimen}\u0000${r.disease}`).entries()].map(([k, rs]) => {
    const [regimen, disease] = k.split('\u0000') as [string, string];
    const responders = rs.filter((r) => r.best_response === 'CR' || r.best_response === 'PR').length;
    const ci = clopperPearsonInterval(responders, rs.length);
    return {
      regimen,
      disease,
      assessed: rs.length,
      responders,
      response_rate: ci.estimate,
      lower: ci.lower,
      upper: ci.upper,
      complete: rs.filter((r) => r.best_response === 'CR').length,
    };
  });
}
