// Centre-level random-effects meta-regression of outcomes (doses per cycle, response, serious events) on measures of
// hold practice. It reads only per-centre aggregates, so pooled panel bundles can feed it as well as a store.
import { metaRegression, type Tau2Method } from '../stats/index.js';

/** Written on every output of this analysis. */
export const ECOLOGICAL_CAVEAT =
  'Ecological association between centres, not an effect on patients: centres differ in many ways at once, and a slope across centres ' +
  'need not hold for the patients within any of them (ecological fallacy). Few centres make the slope imprecise.';

/** One row per centre: the outcome aggregates (from a store or from a panel bundle). */
export interface CentreAggregate {
  centre_id: string;
  /** Cycles, their mean doses given and the sample variance of doses. */
  cycles: number;
  doses_mean: number;
  doses_var: number;
  /** Patients with a best response, and how many were CR/PR. */
  assessed: number;
  responders: number;
  /** Patients treated, and how many had a serious event (null: not countable, the centre records no cause of death). */
  patients: number;
  serious_patients: number | null;
}

/** One row per centre × practice measure (e.g. enforcement of relative criteria, share dosed through a met criterion). */
export interface PracticeMeasure {
  centre_id: string;
  measure: string;
  value: number;
}

export type PracticeOutcomeName = 'doses_per_cycle' | 'response_logit' | 'serious_event_logit';

export const OUTCOME_LABELS: Record<PracticeOutcomeName, string> = {
  doses_per_cycle: 'Mean doses per cycle',
  response_logit: 'Response (CR/PR), log-odds',
  serious_event_logit: 'Patients with a serious event, log-odds',
};

/** One row per outcome × practice measure. */
export interface PracticeOutcomeRow {
  outcome: PracticeOutcomeName;
  measure: string;
  centres: number;
  slope: number | null;
  std_err: number | null;
  lower: number | null;
  upper: number | null;
  p_value: number | null;
  intercept: number | null;
  tau2: number | null;
  /** The tau² estimator: REML (metafor's default) or DL. */
  tau2_method: Tau2Method;
  I2: number | null;
  note: string;
  caveat: string;
}

/** Effect and variance of one outcome at one centre, or null when the centre cannot contribute. */
function effect(outcome: PracticeOutcomeName, a: CentreAggregate): { yi: number; vi: number } | null {
  if (outcome === 'doses_per_cycle') return a.cycles > 1 && a.doses_var > 0 ? { yi: a.doses_mean, vi: a.doses_var / a.cycles } : null;
  const [x, n] = outcome === 'response_logit' ? [a.responders, a.assessed] : [a.serious_patients, a.patients];
  if (x === null || n === 0) return null;
  // escalc("PLO") with add = 1/2 to = "only0": the half only where a cell is empty.
  const add = x === 0 || x === n ? 0.5 : 0;
  const xa = x + add;
  const na = n + 2 * add;
  return { yi: Math.log(xa / (na - xa)), vi: 1 / xa + 1 / (na - xa) };
}

/**
 * One meta-regression (metafor's rma; tau² by REML unless `method: 'DL'`) per outcome × measure, with the ecological
 * caveat on every row. Fewer than three contributing centres give a row with a note instead of numbers.
 * @example practiceOutcome(centreAggregates, [{ centre_id: 'a', measure: 'relative_enforcement', value: 0.8 }, …])
 */
export function practiceOutcome(
  aggregates: readonly CentreAggregate[],
  measures: readonly PracticeMeasure[],
  options: { method?: Tau2Method } = {},
): PracticeOutcomeRow[] {
  const method = options.method ?? 'REML';
  const names = [...new Set(measures.map((m) => m.measure))].sort();
  const rows: PracticeOutcomeRow[] = [];
  for (const outcome of Object.keys(OUTCOME_LABELS) as PracticeOutcomeName[]) {
    for (const measure of names) {
      const value = new Map(measures.filter((m) => m.measure === measure && Number.isFinite(m.value)).map((m) => [m.centre_id, m.value]));
      const pts = aggregates.flatMap((a) => {
        const e = effect(outcome, a);
        const v = value.get(a.centre_id);
        return e && v !== undefined ? [{ ...e, x: v }] : [];
      });
      const uncounted = outcome === 'serious_event_logit' ? aggregates.filter((a) => a.serious_patients === null).map((a) => a.centre_id) : [];
      const left = uncounted.length > 0 ? `; left out: ${uncounted.join(', ')} (no cause of death exported, serious events not countable)` : '';
      const empty = {
        outcome,
        measure,
        centres: pts.length,
        slope: null,
        std_err: null,
        lower: null,
        upper: null,
        p_value: null,
        intercept: null,
        tau2: null,
        tau2_method: method,
        I2: null,
        caveat: ECOLOGICAL_CAVEAT,
      };
      if (pts.length < 3) {
        rows.push({ ...empty, note: `${pts.length} centre(s) with both the outcome and the measure; a meta-regression needs at least 3${left}` });
        continue;
      }
      if (new Set(pts.map((p) => p.x)).size < 2) {
        rows.push({ ...empty, note: `the measure is the same at every centre, so there is no slope to estimate${left}` });
        continue;
      }
      const fit = metaRegression({ yi: pts.map((p) => p.yi), vi: pts.map((p) => p.vi), mods: { [measure]: pts.map((p) => p.x) } }, { method });
      const b = fit.coefficients[1]!;
      rows.push({
        outcome,
        measure,
        centres: pts.length,
        slope: b.estimate,
        std_err: b.stdErr,
        lower: b.lower,
        upper: b.upper,
        p_value: b.pValue,
        intercept: fit.coefficients[0]!.estimate,
        tau2: fit.tau2,
        tau2_method: method,
        I2: fit.I2,
        note: [pts.length < 10 ? `only ${pts.length} centres` : '', left.slice(2)].filter((x) => x !== '').join('; '),
        caveat: ECOLOGICAL_CAVEAT,
      });
    }
  }
  return rows;
}
