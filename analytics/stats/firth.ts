// Firth's penalised logistic regression (Firth 1993; Heinze & Schemper 2002):
// maximises l(b) + 0.5 log det I(b), which gives finite estimates under
// separation and reduces small-sample bias. Newton steps on the modified
// score X'(y - p + h (0.5 - p)), capped at 5 as logistf does and halved until
// the penalised log-likelihood rises enough. Optional profile penalised-
// likelihood intervals and penalised likelihood-ratio p-values keep the
// full-model penalty while one coefficient is fixed (logistf's convention).
import { buildDesign, type LogisticData } from './design.js';
import { chiSquareUpper, normalQuantile, normalTwoSidedP } from './distributions.js';
import { crossprodWeighted, inverseSPD, logDetSPD, solveSPD, type Matrix } from './linalg.js';
import { expit, linearPredictor, logLikelihood, type CoefficientRow } from './logistic-core.js';
import { checkSeparation, type SeparationCheck } from './separation.js';
import { checkLevel } from './validate.js';

export interface FirthOptions {
  /** Include an intercept term '(Intercept)' (default true). */
  intercept?: boolean;
  /** Level of the intervals (default 0.95). */
  level?: number;
  /** Also compute profile penalised-likelihood intervals and LR p-values (default true; costs ~50 constrained fits per term). */
  profile?: boolean;
  /** Limit the profile intervals and LR p-values to these terms (default: all terms); the others get null profile columns. */
  profileTerms?: readonly string[];
  /** Newton iterations allowed per fit (default 200). */
  maxIterations?: number;
}

export interface FirthCoefficientRow extends CoefficientRow {
  /** Profile penalised-likelihood interval (logistf's default); null when `profile` is false. */
  profileLower: number | null;
  profileUpper: number | null;
  /** Penalised likelihood-ratio p-value for b_j = 0; null when `profile` is false. */
  lrPValue: number | null;
}

export interface FirthFit {
  method: 'firth';
  n: number;
  events: number;
  level: number;
  /** estimate, Wald stdErr/z/p/lower/upper from (X'WX)^-1 at the estimate, plus the profile columns. */
  terms: FirthCoefficientRow[];
  covariance: Matrix;
  /** Penalised log-likelihood l(b) + 0.5 log det I(b) at the estimate. */
  penalizedLogLik: number;
  /** Unpenalised log-likelihood at the estimate. */
  logLik: number;
  iterations: number;
  /** Whether plain maximum likelihood would have failed; Firth estimates are finite either way. */
  separation: SeparationCheck;
}

interface Problem {
  rows: number[][];
  y: number[];
  p: number;
}

function penalizedLogLik(pr: Problem, beta: readonly number[]): number {
  const eta = linearPredictor(pr.rows, beta);
  const w = eta.map((e) => {
    const m = expit(e);
    return m * (1 - m);
  });
  const ld = logDetSPD(crossprodWeighted(pr.rows, w));
  // Information numerically singular: fitted probabilities all at 0 or 1; treat as -Infinity so step halving backs off.
  return ld === null ? -Infinity : logLikelihood(eta, pr.y) + 0.5 * ld;
}

interface InnerFit {
  beta: number[];
  pl: number;
  iterations: number;
}

interface ScoreInfo {
  beta: readonly number[];
  /** Modified score (gradient of l*) on the free coordinates. */
  score: number[];
  /** Fisher information X'WX on all coordinates. */
  info: Matrix;
}

function modifiedScore(pr: Problem, beta: readonly number[], free: readonly number[]): ScoreInfo {
  const eta = linearPredictor(pr.rows, beta);
  const mu = eta.map(expit);
  const w = mu.map((m) => m * (1 - m));
  const info = crossprodWeighted(pr.rows, w);
  const inv = inverseSPD(info, 'firthLogistic: information matrix');
  const resid = pr.rows.map((r, i) => {
    let q = 0;
    for (let a = 0; a < pr.p; a++) for (let b = 0; b < pr.p; b++) q += r[a]! * inv[a]![b]! * r[b]!;
    return pr.y[i]! - mu[i]! + q * w[i]! * (0.5 - mu[i]!);
  });
  const score = free.map((j) => pr.rows.reduce((acc, r, i) => acc + r[j]! * resid[i]!, 0));
  return { beta, score, info };
}

/** Maximises the penalised likelihood over the coordinates in `free`, others held at `start`. */
function fitFirth(pr: Problem, free: readonly number[], start: readonly number[], maxIt: number): InnerFit {
  let beta = [...start];
  let pl = penalizedLogLik(pr, beta);
  if (free.length === 0) return { beta, pl, iterations: 0 };
  let cur = modifiedScore(pr, beta, free);
  for (let it = 1; it <= maxIt; it++) {
    const sub = free.map((a) => free.map((b) => cur.info[a]![b]!));
    let delta = solveSPD(sub, cur.score, 'firthLogistic: information matrix');
    const mx = delta.reduce((m, d) => Math.max(m, Math.abs(d)), 0);
    const maxScore = cur.score.reduce((m, u) => Math.max(m, Math.abs(u)), 0);
    if (mx <= 1e-11 && maxScore <= 1e-9) return { beta, pl, iterations: it - 1 };
    if (mx > 5) delta = delta.map((d) => (d * 5) / mx);
    // The modified score is the gradient of l*, but X'WX is not its Hessian, so a
    // full step can overshoot into an oscillation (with one subject it is exactly
    // twice the Newton step). Halve until l* rises by an Armijo margin; once the
    // rise is below rounding of l*, until the slope along the step at the new
    // point is no worse than -1/2 of the slope at the start.
    const gain = cur.score.reduce((acc, u, k) => acc + u * delta[k]!, 0);
    let step = 1;
    let next = beta;
    let nextPl = pl;
    let nextScore = cur;
    for (let h = 0; h < 40; h++) {
      next = [...beta];
      free.forEach((j, k) => (next[j] = beta[j]! + step * delta[k]!));
      nextPl = penalizedLogLik(pr, next);
      if (step * gain >= 1e-10 * (1 + Math.abs(pl))) {
        if (nextPl >= pl + 1e-4 * step * gain) break;
      } else {
        // Slope of l* along delta at the new point: accept unless the step went well past the 1-D maximum.
        nextScore = modifiedScore(pr, next, free);
        const slope = nextScore.score.reduce((acc, u, k) => acc + u * delta[k]!, 0);
        if (slope >= -0.5 * gain) break;
      }
      step /= 2;
    }
    beta = next;
    pl = nextPl;
    cur = nextScore.beta === next ? nextScore : modifiedScore(pr, beta, free);
  }
  throw new Error(`firthLogistic: iterations did not converge in ${maxIt} steps; check for extreme covariate values or rescale them`);
}

/** Root of g on [a, b] with g(a), g(b) of opposite signs, by bisection to |b - a| < tol. */
function bisect(g: (v: number) => number, a: number, b: number, tol: number): number {
  let ga = g(a);
  for (let i = 0; i < 200 && Math.abs(b - a) > tol * (1 + Math.abs(a)); i++) {
    const m = (a + b) / 2;
    const gm = g(m);
    if (gm === 0) return m;
    if (Math.sign(gm) === Math.sign(ga)) {
      a = m;
      ga = gm;
    } else b = m;
  }
  return (a + b) / 2;
}

/**
 * Firth-penalised logistic regression. Gives finite estimates for separated
 * data, an outcome with no variation (all events or none) and very small
 * samples. Throws on empty data, non-0/1 outcomes and rank-deficient designs.
 */
export function firthLogistic(data: LogisticData, options: FirthOptions = {}): FirthFit {
  const fn = 'firthLogistic';
  const level = options.level ?? 0.95;
  checkLevel(fn, level);
  const { rows, y, names } = buildDesign(fn, data, options.intercept ?? true);
  const p = names.length;
  const pr: Problem = { rows, y, p };
  const maxIt = options.maxIterations ?? 200;
  const all = names.map((_, j) => j);
  const fit = fitFirth(pr, all, new Array<number>(p).fill(0), maxIt);
  const eta = linearPredictor(rows, fit.beta);
  const cov = inverseSPD(
    crossprodWeighted(rows, eta.map((e) => expit(e) * (1 - expit(e)))),
    `${fn}: information matrix at the estimate`,
  );
  const zq = normalQuantile(1 - (1 - level) / 2);
  const crit = zq * zq; // chi-square(1) quantile at `level`
  const profile = options.profile ?? true;

  const terms = names.map((term, j): FirthCoefficientRow => {
    const est = fit.beta[j]!;
    const se = Math.sqrt(cov[j]![j]!);
    const row: FirthCoefficientRow = {
      term,
      estimate: est,
      stdErr: se,
      z: est / se,
      pValue: normalTwoSidedP(est / se),
      lower: est - zq * se,
      upper: est + zq * se,
      profileLower: null,
      profileUpper: null,
      lrPValue: null,
    };
    if (!profile || (options.profileTerms !== undefined && !options.profileTerms.includes(term))) return row;
    const others = all.filter((k) => k !== j);
    const profilePl = (v: number): number => {
      const start = [...fit.beta];
      start[j] = v;
      return fitFirth(pr, others, start, maxIt).pl;
    };
    const g = (v: number): number => 2 * (fit.pl - profilePl(v)) - crit;
    const outward = (dir: 1 | -1): number => {
      let inner = est;
      let outer = est + dir * se;
      for (let k = 0; g(outer) < 0; k++) {
        if (k >= 100) throw new Error(`${fn}: profile interval for '${term}' did not close within 100 standard errors`);
        inner = outer;
        outer += dir * se;
      }
      return bisect(g, inner, outer, 1e-12);
    };
    row.profileLower = outward(-1);
    row.profileUpper = outward(1);
    row.lrPValue = chiSquareUpper(Math.max(0, 2 * (fit.pl - profilePl(0))), 1);
    return row;
  });

  return {
    method: 'firth',
    n: y.length,
    events: y.reduce((a, b) => a + b, 0),
    level,
    terms,
    covariance: cov,
    penalizedLogLik: fit.pl,
    logLik: logLikelihood(eta, y),
    iterations: fit.iterations,
    separation: checkSeparation(rows, y, names),
  };
}
