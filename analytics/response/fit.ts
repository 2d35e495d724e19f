// One logistic fit of a binary outcome with the right estimator for the data: maximum likelihood,
// or Firth's penalised likelihood when the data are separated or sparse. Never throws, never NaN.
import { firthLogistic } from '../stats/firth.js';
import { logisticRegression } from '../stats/logistic.js';

export type FirthPolicy = 'auto' | 'always' | 'never';

export interface TermEstimate {
  method: 'maximum-likelihood' | 'firth';
  /** Interval type: Wald, or Firth's profile penalised likelihood (used when n <= profileMaxN). */
  interval: 'wald' | 'profile';
  log_or: number;
  std_err: number;
  or: number;
  lower: number;
  upper: number;
  p_value: number;
  /** Why Firth was used. */
  reason: string | null;
}

export interface FitOptions {
  firth?: FirthPolicy;
  level?: number;
  /** Largest n for Firth's profile intervals (slow: ~50 constrained fits per term); Wald above (default 1000). */
  profileMaxN?: number;
  /** 'auto' uses Firth when the smaller outcome class has fewer than this many per model term (default 10). */
  eventsPerTerm?: number;
}

/** Fits y ~ covariates and returns the estimate of `term`, or a message. */
export function fitTerm(
  y: readonly number[],
  covariates: Record<string, readonly number[]>,
  term: string,
  options: FitOptions = {},
): { ok: true; fit: TermEstimate } | { ok: false; message: string } {
  const r = fitTerms(y, covariates, [term], options);
  return r.ok ? { ok: true, fit: r.fits[0]! } : r;
}

/** Fits y ~ covariates once and returns the estimates of `terms` (in that order), or a message. */
export function fitTerms(
  y: readonly number[],
  covariates: Record<string, readonly number[]>,
  terms: readonly string[],
  options: FitOptions = {},
): { ok: true; fits: TermEstimate[] } | { ok: false; message: string } {
  const level = options.level ?? 0.95;
  const policy = options.firth ?? 'auto';
  const events = y.reduce((a, b) => a + b, 0);
  if (events === 0 || events === y.length) return { ok: false, message: `${events === 0 ? 'no responders' : 'every patient responded'} among ${y.length}` };
  const nTerms = Object.keys(covariates).length;
  const sparse = Math.min(events, y.length - events) < (options.eventsPerTerm ?? 10) * nTerms;
  try {
    let reason: string | null = null;
    if (policy !== 'always') {
      const ml = logisticRegression({ y, covariates }, { level });
      if (ml.ok && (policy === 'never' || !sparse)) {
        const fits = terms.map((term): TermEstimate => {
          const t = ml.terms.find((x) => x.term === term)!;
          return {
            method: 'maximum-likelihood',
            interval: 'wald',
            log_or: t.estimate,
            std_err: t.stdErr,
            or: Math.exp(t.estimate),
            lower: Math.exp(t.lower),
            upper: Math.exp(t.upper),
            p_value: t.pValue,
            reason: null,
          };
        });
        return { ok: true, fits };
      }
      if (!ml.ok && policy === 'never') return { ok: false, message: ml.message };
      reason = ml.ok ? `sparse: ${Math.min(events, y.length - events)} in the smaller outcome class for ${nTerms} term(s)` : `${ml.separation.kind} separation`;
    } else reason = 'Firth requested';
    const profile = y.length <= (options.profileMaxN ?? 1000);
    const f = firthLogistic({ y, covariates }, { level, profile, profileTerms: terms });
    const fits = terms.map((term): TermEstimate => {
      const t = f.terms.find((x) => x.term === term)!;
      const lo = profile && t.profileLower !== null ? t.profileLower : t.lower;
      const hi = profile && t.profileUpper !== null ? t.profileUpper : t.upper;
      const p = profile && t.lrPValue !== null ? t.lrPValue : t.pValue;
      return {
        method: 'firth',
        interval: profile ? 'profile' : 'wald',
        log_or: t.estimate,
        std_err: t.stdErr,
        or: Math.exp(t.estimate),
        lower: Math.exp(lo),
        upper: Math.exp(hi),
        p_value: p,
        reason,
      };
    });
    return { ok: true, fits };
  } catch (e) {
    return { ok: false, message: (e as Error).message };
  }
}

