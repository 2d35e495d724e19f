// Logistic regression by maximum likelihood (Newton-Raphson, which for the
// canonical logit link is IRLS), with Wald standard errors, z, p and
// intervals as R's summary.glm and confint.default. Profile-likelihood
// intervals (R's confint.glm) are not computed.
import { buildDesign, type LogisticData } from './design.js';
import { normalQuantile, normalTwoSidedP } from './distributions.js';
import { crossprodWeighted, inverseSPD, solveSPD, type Matrix } from './linalg.js';
import { expit, linearPredictor, logLikelihood, type CoefficientRow } from './logistic-core.js';
import { checkSeparation, type SeparationCheck } from './separation.js';
import { checkLevel } from './validate.js';

export type { LogisticData } from './design.js';
export type { CoefficientRow } from './logistic-core.js';

export interface LogisticOptions {
  /** Include an intercept term '(Intercept)' (default true). */
  intercept?: boolean;
  /** Level of the Wald intervals (default 0.95). */
  level?: number;
  /** Newton iterations allowed (default 50). */
  maxIterations?: number;
}

export interface LogisticFit {
  ok: true;
  method: 'maximum-likelihood';
  n: number;
  events: number;
  level: number;
  terms: CoefficientRow[];
  /** Inverse Fisher information at the estimate, in `terms` order. */
  covariance: Matrix;
  logLik: number;
  /** -2 logLik (0/1 outcome). */
  deviance: number;
  /** Deviance of the intercept-only model (or of p = 0.5 without intercept). */
  nullDeviance: number;
  aic: number;
  iterations: number;
  /** Always 'none' in a fit: separated data give a LogisticSeparated result instead. */
  separation: SeparationCheck;
}

/** Returned instead of estimates when the maximum-likelihood estimate does not exist. */
export interface LogisticSeparated {
  ok: false;
  method: 'maximum-likelihood';
  reason: 'separation';
  n: number;
  events: number;
  separation: SeparationCheck;
  /** Human-readable explanation with the suggested remedy. */
  message: string;
}

export type LogisticResult = LogisticFit | LogisticSeparated;

export function separationMessage(sep: SeparationCheck, n: number, events: number): string {
  const what =
    events === 0 || events === n
      ? `the outcome has no variation (${events === 0 ? 'no events' : 'every subject had the event'})`
      : `${sep.kind} separation: ${sep.observations.length} of ${n} outcomes are predicted perfectly by ${sep.terms.join(' + ')}`;
  return `${what}, so maximum-likelihood estimates are infinite and Wald statistics meaningless; use firthLogistic() for finite, bias-reduced estimates`;
}

/**
 * Fits P(y = 1) = expit(X b). Data are checked for separation first (by
 * linear programming); if separated, returns `{ ok: false, reason: 'separation' }`
 * rather than the diverging numbers glm prints. Throws on empty data, a
 * non-0/1 outcome, or a covariate without variation / collinear with others.
 */
export function logisticRegression(data: LogisticData, options: LogisticOptions = {}): LogisticResult {
  const fn = 'logisticRegression';
  const level = options.level ?? 0.95;
  checkLevel(fn, level);
  const design = buildDesign(fn, data, options.intercept ?? true);
  const { rows, y, names } = design;
  const n = y.length;
  const events = y.reduce((a, b) => a + b, 0);
  const separation = checkSeparation(rows, y, names);
  if (separation.detected) {
    return { ok: false, method: 'maximum-likelihood', reason: 'separation', n, events, separation, message: separationMessage(separation, n, events) };
  }

  const maxIt = options.maxIterations ?? 50;
  let beta = new Array<number>(names.length).fill(0);
  let eta = linearPredictor(rows, beta);
  let ll = logLikelihood(eta, y);
  let iterations = 0;
  let converged = false;
  while (iterations < maxIt) {
    iterations++;
    const mu = eta.map(expit);
    const w = mu.map((m) => m * (1 - m));
    const score = names.map((_, j) => rows.reduce((s, r, i) => s + r[j]! * (y[i]! - mu[i]!), 0));
    const delta = solveSPD(crossprodWeighted(rows, w), score, `${fn}: information matrix`);
    let step = 1;
    let next = beta;
    let nextEta = eta;
    let nextLl = -Infinity;
    for (let h = 0; h < 40; h++) {
      next = beta.map((b, j) => b + step * delta[j]!);
      nextEta = linearPredictor(rows, next);
      nextLl = logLikelihood(nextEta, y);
      if (nextLl >= ll - 1e-12 * Math.abs(ll)) break;
      step /= 2;
    }
    const small = delta.every((d, j) => Math.abs(step * d) <= 1e-10 * (1 + Math.abs(beta[j]!)));
    beta = next;
    eta = nextEta;
    ll = nextLl;
    if (small) {
      converged = true;
      break;
    }
  }
  if (!converged) {
    throw new Error(
      `${fn}: Newton iterations did not converge in ${maxIt} steps although the data are not separated; check for extreme covariate values or rescale them`,
    );
  }
  const mu = eta.map(expit);
  const cov = inverseSPD(
    crossprodWeighted(rows, mu.map((m) => m * (1 - m))),
    `${fn}: information matrix at the estimate`,
  );
  const zq = normalQuantile(1 - (1 - level) / 2);
  const terms = names.map((term, j): CoefficientRow => {
    const se = Math.sqrt(cov[j]![j]!);
    const est = beta[j]!;
    return { term, estimate: est, stdErr: se, z: est / se, pValue: normalTwoSidedP(est / se), lower: est - zq * se, upper: est + zq * se };
  });
  const ybar = events / n;
  const intercept = options.intercept ?? true;
  const nullDeviance = intercept
    ? -2 * (events * Math.log(ybar) + (n - events) * Math.log(1 - ybar))
    : 2 * n * Math.LN2;
  return {
    ok: true,
    method: 'maximum-likelihood',
    n,
    events,
    level,
    terms,
    covariance: cov,
    logLik: ll,
    deviance: -2 * ll,
    nullDeviance,
    aic: -2 * ll + 2 * names.length,
    iterations,
    separation,
  };
}
