// Random-effects meta-regression with the REML (metafor's default) or DerSimonian-Laird tau², as
// metafor::rma(yi, vi, mods = ~ ..., method = "REML" | "DL") with Wald z tests. Other tau² estimators,
// Knapp-Hartung and permutation tests are not implemented.
import { chiSquareUpper, normalQuantile, normalTwoSidedP } from './distributions.js';
import { firstDependentColumn, inverseSPD } from './linalg.js';
import type { CoefficientRow } from './logistic-core.js';
import { quad, residualMaker, tau2DL, tau2REML, type Tau2Method } from './meta-tau2.js';
import { checkFiniteArray, checkLevel, checkSameLength } from './validate.js';

export interface MetaRegressionInput {
  /** Effect estimates (one per study/centre) on an additive scale. */
  yi: readonly number[];
  /** Sampling variances, > 0. */
  vi: readonly number[];
  /** Moderators by name, one value per study; an intercept is always added. */
  mods: Readonly<Record<string, readonly number[]>>;
}

/** A moderator's coefficient: the same Wald row as the logistic models'. */
export type MetaRegressionCoefficient = CoefficientRow;

export interface MetaRegressionResult {
  method: Tau2Method;
  k: number;
  /** Number of coefficients, intercept included. */
  p: number;
  level: number;
  coefficients: MetaRegressionCoefficient[];
  /** Residual between-study variance (truncated at 0). */
  tau2: number;
  /** Residual heterogeneity in percent, and H². */
  I2: number;
  H2: number;
  /** Test of residual heterogeneity (df k − p). */
  QE: number;
  QEp: number;
  /** Omnibus Wald test of the moderators (df p − 1). */
  QM: number;
  QMp: number;
}

type M = number[][];

function validate(fn: string, input: MetaRegressionInput, names: string[]): number {
  const k = checkSameLength(fn, { yi: input.yi, vi: input.vi, ...input.mods });
  checkFiniteArray(fn, 'yi', input.yi);
  checkFiniteArray(fn, 'vi', input.vi);
  names.forEach((nm) => checkFiniteArray(fn, `mods.${nm}`, input.mods[nm]!));
  input.vi.forEach((v, i) => {
    if (!(v > 0)) throw new Error(`${fn}: vi[${i}] is ${v}; sampling variances must be > 0 (add a continuity correction for zero cells)`);
  });
  if (names.length === 0) throw new Error(`${fn}: no moderators; use randomEffects for a pooled estimate`);
  if (k <= names.length + 1)
    throw new Error(`${fn}: ${k} studies for ${names.length + 1} coefficients; a meta-regression needs more studies than coefficients`);
  const dep = firstDependentColumn([new Array<number>(k).fill(1), ...names.map((nm) => [...input.mods[nm]!])]);
  if (dep >= 0) throw new Error(`${fn}: moderator '${names[dep - 1] ?? '(intercept)'}' is constant or collinear with the ones before it; drop it`);
  return k;
}

/**
 * Random-effects meta-regression; matches `rma(yi, vi, mods = ~ ..., method = "REML")` (the default, as metafor's)
 * or `method = "DL"`.
 * @example metaRegression({ yi: [0.2, 0.5, 0.1, 0.9], vi: [0.05, 0.08, 0.02, 0.1], mods: { x: [1, 2, 0.5, 3] } }, { method: 'DL' })
 */
export function metaRegression(input: MetaRegressionInput, options: { level?: number; method?: Tau2Method } = {}): MetaRegressionResult {
  const fn = 'metaRegression';
  const level = options.level ?? 0.95;
  const method = options.method ?? 'REML';
  checkLevel(fn, level);
  const names = Object.keys(input.mods);
  const k = validate(fn, input, names);
  const p = names.length + 1;
  const x: M = input.yi.map((_, i) => [1, ...names.map((nm) => input.mods[nm]![i]!)]);
  const fixed = residualMaker(
    x,
    input.vi.map((v) => 1 / v),
  );
  const trP = fixed.P.reduce((s, r, i) => s + r[i]!, 0);
  const QE = quad(fixed.P, input.yi);
  const tau2 = method === 'DL' ? tau2DL(x, input.yi, input.vi) : tau2REML(x, input.yi, input.vi);
  const w = input.vi.map((v) => 1 / (v + tau2));
  const { inv } = residualMaker(x, w);
  const xtwy = x[0]!.map((_, j) => x.reduce((s, r, i) => s + r[j]! * w[i]! * input.yi[i]!, 0));
  const b = inv.map((r) => r.reduce((s, v, j) => s + v * xtwy[j]!, 0));
  const z = normalQuantile(1 - (1 - level) / 2);
  const coefficients = ['intrcpt', ...names].map((term, j) => {
    const se = Math.sqrt(inv[j]![j]!);
    return { term, estimate: b[j]!, stdErr: se, z: b[j]! / se, pValue: normalTwoSidedP(b[j]! / se), lower: b[j]! - z * se, upper: b[j]! + z * se };
  });
  const idx = names.map((_, j) => j + 1);
  const sub = idx.map((a) => idx.map((c) => inv[a]![c]!));
  const bb = idx.map((a) => b[a]!);
  const subInv = inverseSPD(sub, `${fn}: variance of the moderators`);
  const QM = bb.reduce((s, v, a) => s + v * subInv[a]!.reduce((t, u, c) => t + u * bb[c]!, 0), 0);
  const vt = (k - p) / trP;
  return {
    method,
    k,
    p,
    level,
    coefficients,
    tau2,
    I2: (100 * tau2) / (vt + tau2),
    H2: (vt + tau2) / vt,
    QE,
    QEp: chiSquareUpper(QE, k - p),
    QM,
    QMp: chiSquareUpper(QM, p - 1),
  };
}
