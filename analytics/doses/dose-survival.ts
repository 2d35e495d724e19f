// Dose survival: P(at least k doses) per centre (Kaplan-Meier over the dose number), the reason a
// cycle ended as competing events (Aalen-Johansen), and the log-rank test between centres.
//
// Time is the number of doses a cycle gave, D. A cycle that stopped short of its cap has an event at
// D ("stopped after D doses"); one that reached its cap is censored at D = cap. KM gives
// S(t) = P(D > t), so P(at least k doses) = S(k − 1). Curves are per centre AND cap (14 vs 15), so a
// 14-dose cycle is never read as having failed to reach dose 15.
import { cumulativeIncidence } from '../stats/competing-risks.js';
import { normalQuantile } from '../stats/distributions.js';
import { kaplanMeier, survivalAt } from '../stats/kaplan-meier.js';
import { logRankTest } from '../stats/log-rank.js';
import { byCentreAndAll, groupBy } from './group.js';
import { doseMessages } from './messages.js';
import { ALL_CENTRES, END_CAUSE_CODE, END_CAUSES, endCause, reachedMaximum, type CycleDoses, type EndCause } from './types.js';

/** One row per centre (and ALL) × cap × dose number k = 1 … cap. */
export interface DoseSurvivalRow {
  centre_id: string;
  cap: number;
  doses: number;
  /** Cycles that gave at least k − 1 doses: the risk set for stopping before dose k. */
  n_at_risk: number;
  /** Kaplan-Meier P(at least k doses). */
  p_at_least: number;
  /** Greenwood SE; null once the estimate is 0. */
  std_err: number | null;
  /** Log-scale pointwise interval (survfit's default); null once the estimate is 0. */
  lower: number | null;
  upper: number | null;
}

/** One row per centre (and ALL) × cap × dose count d = 0 … cap × competing event. */
export interface EndCauseIncidenceRow {
  centre_id: string;
  cap: number;
  doses: number;
  cause: EndCause;
  /** Aalen-Johansen P(cycle ended for this cause after at most d doses). */
  cumulative_incidence: number;
  /** Gray's SE (cmprsk::cuminc). */
  std_err: number;
  /** Pointwise interval on the log(−log) scale; equal to the estimate when it is 0 or 1. */
  lower: number;
  upper: number;
}

export interface LogRankRow {
  /** 'all cycles' or 'first cycle of the first course' (one per patient, independent). */
  cycles: 'all' | 'first';
  n_cycles: number;
  n_centres: number;
  chi_square: number | null;
  df: number | null;
  p_value: number | null;
  /** Why the test was not done, when it was not. */
  message: string | null;
}

export interface DoseSurvivalResult {
  curves: DoseSurvivalRow[];
  incidence: EndCauseIncidenceRow[];
  logRank: LogRankRow[];
  notes: string[];
}

function kmRows(centre: string, cap: number, g: readonly CycleDoses[], level: number): DoseSurvivalRow[] {
  const curve = kaplanMeier({ time: g.map((c) => c.doses_given), event: g.map((c) => (reachedMaximum(c) ? 0 : 1)) }, { level });
  const rows: DoseSurvivalRow[] = [];
  for (let k = 1; k <= cap; k++) {
    const p = survivalAt(curve, k - 1);
    rows.push({
      centre_id: centre,
      cap,
      doses: k,
      n_at_risk: g.filter((c) => c.doses_given >= k - 1).length,
      p_at_least: p.survival,
      std_err: p.stdErr,
      lower: p.lower,
      upper: p.upper,
    });
  }
  return rows;
}

function loglogInterval(f: number, se: number, z: number): [number, number] {
  if (f <= 0 || f >= 1 || se === 0) return [f, f];
  const a = (z * se) / (f * Math.log(f));
  return [f ** Math.exp(-a), f ** Math.exp(a)].sort((x, y) => x - y) as [number, number];
}

function ajRows(centre: string, cap: number, g: readonly CycleDoses[], level: number): EndCauseIncidenceRow[] {
  const z = normalQuantile(1 - (1 - level) / 2);
  const res = cumulativeIncidence({ time: g.map((c) => c.doses_given), event: g.map((c) => END_CAUSE_CODE[endCause(c)]) }, { causes: 3 });
  const rows: EndCauseIncidenceRow[] = [];
  for (let d = 0; d <= cap; d++) {
    let i = -1;
    while (i + 1 < res.time.length && res.time[i + 1]! <= d) i++;
    for (const cause of END_CAUSES) {
      const ci = res.causes[END_CAUSE_CODE[cause] - 1]!;
      const f = i < 0 ? 0 : ci.cif[i]!;
      const se = i < 0 ? 0 : ci.stdErr[i]!;
      const [lower, upper] = loglogInterval(f, se, z);
      rows.push({ centre_id: centre, cap, doses: d, cause, cumulative_incidence: f, std_err: se, lower, upper });
    }
  }
  return rows;
}

function logRank(cycles: readonly CycleDoses[], which: 'all' | 'first'): LogRankRow {
  const centres = [...new Set(cycles.map((c) => c.centre_id))].sort();
  const base = { cycles: which, n_cycles: cycles.length, n_centres: centres.length };
  const none = (message: string): LogRankRow => ({ ...base, chi_square: null, df: null, p_value: null, message });
  if (centres.length < 2) return none(doseMessages.logRankSingleCentre(centres[0] ?? 'none'));
  if (cycles.every(reachedMaximum)) return none(doseMessages.logRankAllMax);
  try {
    const t = logRankTest({
      time: cycles.map((c) => c.doses_given),
      event: cycles.map((c) => (reachedMaximum(c) ? 0 : 1)),
      group: cycles.map((c) => c.centre_id),
    });
    return { ...base, chi_square: t.chiSquare, df: t.df, p_value: t.pValue, message: null };
  } catch (e) {
    return none(doseMessages.logRankUndefined((e as Error).message));
  }
}

/**
 * Dose-survival curves, end-reason cumulative incidence and log-rank tests between centres.
 * The all-cycles test treats cycles of one patient as independent; the first-cycle test
 * (cycle 1 of course 1, one per patient) does not need that assumption.
 * @example const { curves } = doseSurvival(cycles); curves.filter((r) => r.doses === 10)
 */
export function doseSurvival(cycles: readonly CycleDoses[], options: { level?: number } = {}): DoseSurvivalResult {
  if (cycles.length === 0) throw new Error(doseMessages.noCycles('doseSurvival'));
  const level = options.level ?? 0.95;
  const curves: DoseSurvivalRow[] = [];
  const incidence: EndCauseIncidenceRow[] = [];
  for (const [centre, rows] of byCentreAndAll(cycles, ALL_CENTRES)) {
    for (const [capLabel, g] of groupBy(rows, (c) => String(c.planned_max_doses))) {
      const cap = Number(capLabel);
      curves.push(...kmRows(centre, cap, g, level));
      incidence.push(...ajRows(centre, cap, g, level));
    }
  }
  const notes: string[] = [];
  const maxBelowCap = cycles.filter((c) => c.end_reason === 'max_reached' && !reachedMaximum(c)).length;
  if (maxBelowCap > 0) notes.push(doseMessages.maxBelowCap(maxBelowCap));
  const above = cycles.filter((c) => c.doses_given > c.planned_max_doses).length;
  if (above > 0) notes.push(doseMessages.aboveCap(above));
  const first = cycles.filter((c) => c.course_number === 1 && c.cycle_number === 1);
  return { curves, incidence, logRank: [logRank(cycles, 'all'), logRank(first, 'first')], notes };
}
