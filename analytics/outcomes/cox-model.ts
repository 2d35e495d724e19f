// Cox proportional hazards of an endpoint adjusted for centre and disease, with the PH test (cox.zph). A factor
// with one level in the data is left out and said so; a fit that cannot be made returns the reason instead of rows.
import { coxRegression, coxZph, dummyColumns } from '../stats/index.js';
import type { EndpointSubject } from './survival-summary.js';

/** One row per endpoint × coefficient. */
export interface CoxRow {
  endpoint: string;
  term: string;
  hazard_ratio: number;
  lower: number;
  upper: number;
  estimate: number;
  std_err: number;
  p_value: number;
}

/** One row per endpoint × term (and GLOBAL): the proportional-hazards test. */
export interface PhTestRow {
  endpoint: string;
  term: string;
  chisq: number;
  df: number;
  p_value: number;
}

export interface CoxModelResult {
  coefficients: CoxRow[];
  ph: PhTestRow[];
  /** What was left out or why there is no model. */
  notes: string[];
}

/**
 * coxph(Surv(time, event) ~ centre + disease) on the subjects' groups, first level of each factor the reference.
 * @example coxModel('os', osSubjects(rows), ['centre', 'disease'])
 */
export function coxModel(endpoint: string, subjects: readonly EndpointSubject[], factors: readonly string[] = ['centre', 'disease']): CoxModelResult {
  const notes: string[] = [];
  const covariates: Record<string, number[]> = {};
  const terms: Record<string, string[]> = {};
  for (const f of factors) {
    const values = subjects.map((s) => s.groups[f] ?? 'unknown');
    const cols = dummyColumns(values, f);
    if (Object.keys(cols).length === 0) {
      notes.push(`${endpoint}: ${f} has one level (${values[0] ?? 'none'}), so it is not in the model`);
      continue;
    }
    Object.assign(covariates, cols);
    terms[f] = Object.keys(cols);
  }
  if (Object.keys(covariates).length === 0)
    return { coefficients: [], ph: [], notes: [...notes, `${endpoint}: no factor varies, so there is no model to fit`] };
  try {
    const fit = coxRegression({ time: subjects.map((s) => s.time), event: subjects.map((s) => s.event), covariates, terms });
    const coefficients = fit.coefficients.map((c) => ({
      endpoint,
      term: c.term,
      hazard_ratio: c.hazardRatio,
      lower: c.lower,
      upper: c.upper,
      estimate: c.estimate,
      std_err: c.stdErr,
      p_value: c.pValue,
    }));
    const ph = coxZph(fit).map((z) => ({ endpoint, term: z.term, chisq: z.chisq, df: z.df, p_value: z.pValue }));
    const violated = ph.filter((z) => z.p_value < 0.05).map((z) => z.term);
    if (violated.length)
      notes.push(
        `${endpoint}: proportional hazards doubtful for ${violated.join(', ')} (cox.zph p < 0.05); read the hazard ratio as an average over follow-up`,
      );
    return { coefficients, ph, notes };
  } catch (e) {
    return { coefficients: [], ph: [], notes: [...notes, `${endpoint}: no Cox model: ${(e as Error).message}`] };
  }
}
