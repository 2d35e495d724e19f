// Detection of complete and quasi-complete separation in binary-outcome data
// (Albert & Anderson 1984) by linear programming, as in Konis's
// safeBinaryRegression: a direction b with (2y-1) x'b >= 0 for every row and
// > 0 for some means the likelihood keeps rising along b and the maximum-
// likelihood estimate does not exist. The LPs are solved by a small dense
// simplex (Bland's rule); fine for thousands of rows and tens of terms, not
// meant for wide data.

export interface SeparationCheck {
  detected: boolean;
  /** 'complete': every row is strictly on the right side; 'quasi-complete': some rows lie on the boundary. */
  kind: 'none' | 'complete' | 'quasi-complete';
  /** Rows (0-based) whose outcome is predicted perfectly along the separating direction. */
  observations: number[];
  /** Separating direction on the model terms, scaled so that max |b_j| = 1; null when there is none. */
  direction: number[] | null;
  /** Terms with a non-zero component in the direction. */
  terms: string[];
}

const PIVOT_EPS = 1e-11;

interface LpSolution {
  value: number;
  x: number[];
}

/** max c'x subject to A x <= b, x >= 0, with b >= 0 (so x = 0 is feasible). Bounded problems only. */
function simplexMax(a: readonly (readonly number[])[], b: readonly number[], c: readonly number[]): LpSolution {
  const m = a.length;
  const nv = c.length;
  // Typed rows, and each pivot's special column set after its row loop (no branch per entry): the same arithmetic.
  const d = a.map((r) => {
    const row = new Float64Array(nv);
    for (let k = 0; k < nv; k++) row[k] = r[k]!;
    return row;
  });
  const rhs = Float64Array.from(b);
  const cost = Float64Array.from(c);
  let z = 0;
  const nonbasic = Array.from({ length: nv }, (_, j) => j);
  const basic = Array.from({ length: m }, (_, i) => nv + i);
  const maxIter = 50 * (m + nv) + 1000;
  for (let iter = 0; ; iter++) {
    if (iter > maxIter) throw new Error('separation check: simplex did not terminate; please report this dataset');
    let e = -1;
    for (let j = 0; j < nv; j++) if (cost[j]! > PIVOT_EPS && (e < 0 || nonbasic[j]! < nonbasic[e]!)) e = j;
    if (e < 0) break;
    let r = -1;
    let best = Infinity;
    for (let i = 0; i < m; i++) {
      const aie = d[i]![e]!;
      if (aie <= PIVOT_EPS) continue;
      const ratio = rhs[i]! / aie;
      if (r < 0 || ratio < best - 1e-12 || (Math.abs(ratio - best) <= 1e-12 && basic[i]! < basic[r]!)) {
        r = i;
        best = ratio;
      }
    }
    if (r < 0) throw new Error('separation check: linear programme unbounded (internal error)');
    const rowR = d[r]!;
    const piv = rowR[e]!;
    for (let k = 0; k < nv; k++) rowR[k] = rowR[k]! / piv;
    rowR[e] = 1 / piv;
    rhs[r] = rhs[r]! / piv;
    const re = rowR[e]!;
    for (let i = 0; i < m; i++) {
      if (i === r) continue;
      const row = d[i]!;
      const f = row[e]!;
      if (f === 0) continue;
      for (let k = 0; k < nv; k++) row[k] = row[k]! - f * rowR[k]!;
      row[e] = -f * re;
      rhs[i] = rhs[i]! - f * rhs[r]!;
    }
    const ce = cost[e]!;
    for (let k = 0; k < nv; k++) cost[k] = cost[k]! - ce * rowR[k]!;
    cost[e] = -ce * re;
    z += ce * rhs[r]!;
    const tmp = basic[r]!;
    basic[r] = nonbasic[e]!;
    nonbasic[e] = tmp;
  }
  const x = new Array<number>(nv).fill(0);
  basic.forEach((v, i) => {
    if (v < nv) x[v] = rhs[i]!;
  });
  return { value: z, x };
}

/**
 * Checks rows of a design matrix (with y coded 0/1) for separation. A
 * rank-deficient design should be rejected before calling this: an exact
 * collinearity is not separation.
 */
export function checkSeparation(
  rows: readonly (readonly number[])[],
  y: readonly number[],
  names: readonly string[],
  tol = 1e-9,
): SeparationCheck {
  const n = rows.length;
  const p = names.length;
  const none: SeparationCheck = { detected: false, kind: 'none', observations: [], direction: null, terms: [] };
  if (n === 0 || p === 0) return none;
  // Columns scaled to max |x| = 1 so the tolerance is relative.
  const scale = names.map((_, j) => rows.reduce((m, r) => Math.max(m, Math.abs(r[j]!)), 0) || 1);
  const sx = rows.map((r, i) => r.map((v, j) => ((y[i] === 1 ? 1 : -1) * v) / scale[j]!));

  const box = (nv: number, offset: number, count: number): number[][] =>
    Array.from({ length: count }, (_, k) => Array.from({ length: nv }, (_, j) => (j === offset + k ? 1 : 0)));

  // Complete separation: max t with t <= s_i x_i'b for all i, 0 <= t <= 1, -1 <= b <= 1 (b = b+ - b-).
  const nv1 = 2 * p + 1;
  const a1 = [...sx.map((r) => [1, ...r.map((v) => -v), ...r]), ...box(nv1, 0, nv1)];
  const lp1 = simplexMax(a1, [...new Array<number>(n).fill(0), ...new Array<number>(nv1).fill(1)], [1, ...new Array<number>(2 * p).fill(0)]);

  let bScaled: number[];
  let kind: SeparationCheck['kind'];
  if (lp1.value > tol) {
    kind = 'complete';
    bScaled = names.map((_, j) => lp1.x[1 + j]! - lp1.x[1 + p + j]!);
  } else {
    // Quasi-complete: max sum_i s_i x_i'b with s_i x_i'b >= 0 for all i, -1 <= b <= 1.
    const nv2 = 2 * p;
    const a2 = [...sx.map((r) => [...r.map((v) => -v), ...r]), ...box(nv2, 0, nv2)];
    const colSum = names.map((_, j) => sx.reduce((s, r) => s + r[j]!, 0));
    const lp2 = simplexMax(a2, [...new Array<number>(n).fill(0), ...new Array<number>(nv2).fill(1)], [...colSum, ...colSum.map((v) => -v)]);
    if (!(lp2.value > tol)) return none;
    kind = 'quasi-complete';
    bScaled = names.map((_, j) => lp2.x[j]! - lp2.x[p + j]!);
  }
  const margins = sx.map((r) => r.reduce((s, v, j) => s + v * bScaled[j]!, 0));
  const observations = margins.flatMap((mg, i) => (mg > tol ? [i] : []));
  const b = bScaled.map((v, j) => v / scale[j]!);
  const maxAbs = b.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const direction = b.map((v) => (Math.abs(v / maxAbs) < 1e-9 ? 0 : v / maxAbs));
  return {
    detected: true,
    kind,
    observations,
    direction,
    terms: names.filter((_, j) => direction[j] !== 0),
  };
}
