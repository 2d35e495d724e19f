// Cox proportional hazards regression with Efron ties, fitted by Newton-Raphson
// with step halving, as survival::coxph(ties = "efron"). Model-based variance
// (no robust/cluster variance); no strata, offsets or weights.
import { coxPass, type CoxData } from './cox-core.js';
import { normalQuantile, normalTwoSidedP } from './distributions.js';
import { firstDependentColumn, inverseSPD, solveSPD } from './linalg.js';
import { checkEventCodes, checkFiniteArray, checkLevel, checkNonNegativeTimes, checkSameLength, sortedLevels } from './validate.js';

export interface CoxInput {
  time: readonly number[];
  /** 1 = event, 0 = censored. */
  event: readonly number[];
  /** Covariate columns by name, in model order (use `dummyColumns` for a factor). */
  covariates: Readonly<Record<string, readonly number[]>>;
  /** Terms grouping columns (a factor's dummies are one term); default: one term per column. */
  terms?: Readonly<Record<string, readonly string[]>>;
}

export interface CoxCoefficient {
  term: string;
  estimate: number;
  stdErr: number;
  z: number;
  pValue: number;
  hazardRatio: number;
  lower: number;
  upper: number;
}

export interface CoxFit {
  n: number;
  events: number;
  level: number;
  coefficients: CoxCoefficient[];
  /** Log partial likelihood at beta = 0 and at the estimate. */
  loglik: [number, number];
  iterations: number;
  /** Variance-covariance matrix of the estimates (inverse information). */
  variance: number[][];
  /** Column groups used for term-wise tests. */
  terms: Record<string, string[]>;
  /** Data sorted by time, kept for cox.zph. */
  sorted: CoxData;
  beta: number[];
}

/**
 * Dummy (treatment) coding of a factor as R does: levels sorted, the first is the reference,
 * columns named prefix + level.
 * @example dummyColumns(['b', 'a', 'c'], 'centre') // { centreb: [1, 0, 0], centrec: [0, 0, 1] }
 */
export function dummyColumns(values: readonly string[], prefix: string): Record<string, number[]> {
  const levels = sortedLevels(values.map(String));
  const out: Record<string, number[]> = {};
  for (const level of levels.slice(1)) out[`${prefix}${level}`] = values.map((v) => (v === level ? 1 : 0));
  return out;
}

function prepare(fn: string, input: CoxInput): { data: CoxData; names: string[] } {
  const n = checkSameLength(fn, { time: input.time, event: input.event, ...input.covariates });
  checkNonNegativeTimes(fn, input.time);
  checkEventCodes(fn, input.event);
  const names = Object.keys(input.covariates);
  if (names.length === 0) throw new Error(`${fn}: the model has no covariates; use kaplanMeier for an unadjusted curve`);
  names.forEach((name) => checkFiniteArray(fn, `covariates.${name}`, input.covariates[name]!));
  if (!input.event.some((e) => e === 1)) throw new Error(`${fn}: there are no events, so no hazard ratio can be estimated; report the follow-up instead`);
  const columns = names.map((name) => input.covariates[name]!);
  // Each column's mean once (it was summed again per element: quadratic in n).
  const means = columns.map((c) => c.reduce((a, b) => a + b, 0) / n);
  const dep = firstDependentColumn(columns.map((c, j) => c.map((v) => v - means[j]!)));
  if (dep >= 0) throw new Error(`${fn}: covariate '${names[dep]}' is constant or a linear combination of the ones before it; drop it`);
  const order = input.time.map((_, i) => i).sort((a, b) => input.time[a]! - input.time[b]! || a - b);
  return {
    names,
    data: {
      time: order.map((i) => input.time[i]!),
      event: order.map((i) => input.event[i]!),
      x: order.map((i) => columns.map((c, j) => c[i]! - means[j]!)),
    },
  };
}

function newton(fn: string, data: CoxData, p: number): { beta: number[]; ll0: number; ll: number; iterations: number } {
  let beta = new Array<number>(p).fill(0);
  let pass = coxPass(data, beta);
  const ll0 = pass.loglik;
  for (let iter = 1; iter <= 50; iter++) {
    const step = solveSPD(pass.info, pass.u, `${fn}: information matrix`);
    let next = beta.map((b, a) => b + step[a]!);
    let nextPass = coxPass(data, next);
    for (let half = 0; half < 30 && !(nextPass.loglik >= pass.loglik - 1e-12 * Math.abs(pass.loglik)); half++) {
      next = next.map((b, a) => (b + beta[a]!) / 2);
      nextPass = coxPass(data, next);
    }
    const done = Math.abs(1 - pass.loglik / nextPass.loglik) < 1e-14 || step.every((s) => Math.abs(s) < 1e-12);
    beta = next;
    pass = nextPass;
    if (done) return { beta, ll0, ll: pass.loglik, iterations: iter };
    if (beta.some((b) => Math.abs(b) > 25)) break;
  }
  throw new Error(
    `${fn}: the fit did not converge (a coefficient grows without bound, usually a group with no events or all events); merge or drop that group`,
  );
}

/**
 * Cox proportional hazards fit; matches `coxph(Surv(time, event) ~ ..., ties = "efron")`.
 * @example coxRegression({ time: [5, 8, 3, 9], event: [1, 0, 1, 1], covariates: { age: [60, 50, 70, 40] } })
 */
export function coxRegression(input: CoxInput, options: { level?: number } = {}): CoxFit {
  const fn = 'coxRegression';
  const level = options.level ?? 0.95;
  checkLevel(fn, level);
  const { data, names } = prepare(fn, input);
  const fit = newton(fn, data, names.length);
  const variance = inverseSPD(coxPass(data, fit.beta).info, `${fn}: information matrix`);
  const z = normalQuantile(1 - (1 - level) / 2);
  const coefficients = names.map((term, a) => {
    const estimate = fit.beta[a]!;
    const stdErr = Math.sqrt(variance[a]![a]!);
    return {
      term,
      estimate,
      stdErr,
      z: estimate / stdErr,
      pValue: normalTwoSidedP(estimate / stdErr),
      hazardRatio: Math.exp(estimate),
      lower: Math.exp(estimate - z * stdErr),
      upper: Math.exp(estimate + z * stdErr),
    };
  });
  const terms: Record<string, string[]> = input.terms
    ? Object.fromEntries(Object.entries(input.terms).map(([k, v]) => [k, [...v]]))
    : Object.fromEntries(names.map((nm) => [nm, [nm]]));
  const covered = new Set(Object.values(terms).flat());
  const missing = names.filter((nm) => !covered.has(nm));
  if (missing.length) throw new Error(`${fn}: columns ${missing.join(', ')} belong to no term; list every column under options.terms`);
  const events = data.event.filter((e) => e === 1).length;
  return {
    n: data.time.length,
    events,
    level,
    coefficients,
    loglik: [fit.ll0, fit.ll],
    iterations: fit.iterations,
    variance,
    terms,
    sorted: data,
    beta: fit.beta,
  };
}
