// Residual between-study variance (tau²) of a random-effects meta-regression, as metafor::rma.uni estimates it:
// DerSimonian-Laird (method of moments) and REML by Fisher scoring from the Hedges start, with step halving at 0.
import { inverseSPD } from './linalg.js';

export type Tau2Method = 'DL' | 'REML';

type M = number[][];
const mul = (a: M, b: M): M => a.map((r) => b[0]!.map((_, j) => r.reduce((s, v, k) => s + v * b[k]![j]!, 0)));
const tr = (a: M): M => a[0]!.map((_, j) => a.map((r) => r[j]!));

/** P = W − W X (X'WX)⁻¹ X' W for diagonal weights w, and (X'WX)⁻¹. */
export function residualMaker(x: M, w: readonly number[]): { P: M; inv: M } {
  const xt = tr(x);
  const xtw = xt.map((r) => r.map((v, i) => v * w[i]!));
  const inv = inverseSPD(mul(xtw, x), "metaRegression: X'WX");
  const h = mul(mul(tr(xtw), inv), xtw);
  const P = h.map((r, i) => r.map((v, j) => (i === j ? w[i]! : 0) - v));
  return { P, inv };
}

/** y' P y. */
export function quad(P: M, y: readonly number[]): number {
  return P.reduce((s, r, i) => s + y[i]! * r.reduce((t, v, j) => t + v * y[j]!, 0), 0);
}

const trace = (P: M): number => P.reduce((s, r, i) => s + r[i]!, 0);

/** DL: (QE − (k − p)) / tr(P) with the fixed-effect weights, truncated at 0. */
export function tau2DL(x: M, yi: readonly number[], vi: readonly number[]): number {
  const { P } = residualMaker(
    x,
    vi.map((v) => 1 / v),
  );
  return Math.max(0, (quad(P, yi) - (yi.length - x[0]!.length)) / trace(P));
}

/** Hedges (HE) estimator, metafor's starting value for REML: (RSS of OLS − tr(P₀V)) / (k − p), truncated at 0. */
function tau2HE(x: M, yi: readonly number[], vi: readonly number[]): number {
  const { P } = residualMaker(
    x,
    vi.map(() => 1),
  );
  const trPV = P.reduce((s, r, i) => s + r[i]! * vi[i]!, 0);
  return Math.max(0, (quad(P, yi) - trPV) / (yi.length - x[0]!.length));
}

/**
 * REML tau² by Fisher scoring, as rma.uni(method = "REML"): Δ = (y'PPy − tr P) / tr(PP), halved while it would take
 * tau² below 0, until |Δ| < threshold (metafor's default 1e-5; 1e-10 here, and the R fixture is made at 1e-10).
 * Throws when it does not converge in maxIter steps (metafor's message says to try another method).
 */
export function tau2REML(x: M, yi: readonly number[], vi: readonly number[], options: { threshold?: number; maxIter?: number } = {}): number {
  const threshold = options.threshold ?? 1e-10;
  const maxIter = options.maxIter ?? 1000;
  let tau2 = tau2HE(x, yi, vi);
  for (let iter = 0; iter < maxIter; iter++) {
    const { P } = residualMaker(
      x,
      vi.map((v) => 1 / (v + tau2)),
    );
    const Py = P.map((r) => r.reduce((s, v, j) => s + v * yi[j]!, 0));
    const yPPy = Py.reduce((s, v) => s + v * v, 0);
    const trPP = P.reduce((s, r) => s + r.reduce((t, v) => t + v * v, 0), 0);
    let adj = (yPPy - trace(P)) / trPP;
    while (tau2 + adj < 0) adj /= 2;
    tau2 += adj;
    if (Math.abs(adj) < threshold) return tau2;
  }
  throw new Error(`metaRegression: REML did not converge in ${maxIter} iterations; use method 'DL'`);
}
