// Small dense linear algebra for the regression code: row-major number[][],
// sized for a handful of coefficients. Not a general-purpose library: no
// pivoting beyond what rank checks need, no sparse or blocked storage.

export type Matrix = number[][];

/** Entry (i, j) of a matrix; throws instead of returning undefined. */
export function at(m: readonly (readonly number[])[], i: number, j: number): number {
  const v = m[i]?.[j];
  if (v === undefined) throw new Error(`matrix index (${i}, ${j}) out of range`);
  return v;
}

/** Element i of a vector; throws instead of returning undefined. */
export function el(v: readonly number[], i: number): number {
  const x = v[i];
  if (x === undefined) throw new Error(`vector index ${i} out of range`);
  return x;
}

export function zeros(r: number, c: number): Matrix {
  return Array.from({ length: r }, () => new Array<number>(c).fill(0));
}

/** X' diag(w) X for X given as rows. */
export function crossprodWeighted(rows: readonly (readonly number[])[], w: readonly number[]): Matrix {
  const p = rows[0]?.length ?? 0;
  const out = zeros(p, p);
  rows.forEach((x, i) => {
    const wi = el(w, i);
    for (let a = 0; a < p; a++) {
      const xa = el(x, a) * wi;
      if (xa === 0) continue;
      const row = out[a]!;
      for (let b = 0; b <= a; b++) row[b]! += xa * el(x, b);
    }
  });
  for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) out[b]![a] = at(out, a, b);
  return out;
}

export function matVec(m: readonly (readonly number[])[], v: readonly number[]): number[] {
  return m.map((row) => row.reduce((s, x, j) => s + x * el(v, j), 0));
}

export function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += el(a, i) * el(b, i);
  return s;
}

/** Lower Cholesky factor of a symmetric positive-definite matrix, or null if it is not numerically PD. */
export function cholesky(a: readonly (readonly number[])[]): Matrix | null {
  const n = a.length;
  const l = zeros(n, n);
  for (let j = 0; j < n; j++) {
    let d = at(a, j, j);
    for (let k = 0; k < j; k++) d -= at(l, j, k) ** 2;
    // Pivot relative to the original diagonal, so the test does not depend on the units of a column.
    if (!(at(a, j, j) > 0) || !(d > 1e-12 * at(a, j, j))) return null;
    const ljj = Math.sqrt(d);
    l[j]![j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = at(a, i, j);
      for (let k = 0; k < j; k++) s -= at(l, i, k) * at(l, j, k);
      l[i]![j] = s / ljj;
    }
  }
  return l;
}

function choleskySolveWith(l: Matrix, b: readonly number[]): number[] {
  const n = l.length;
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let s = el(b, i);
    for (let k = 0; k < i; k++) s -= at(l, i, k) * el(y, k);
    y[i] = s / at(l, i, i);
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = el(y, i);
    for (let k = i + 1; k < n; k++) s -= at(l, k, i) * el(x, k);
    x[i] = s / at(l, i, i);
  }
  return x;
}

/** Solve A x = b for symmetric positive-definite A; throws with `what` in the message if A is singular. */
export function solveSPD(a: readonly (readonly number[])[], b: readonly number[], what: string): number[] {
  const l = cholesky(a);
  if (!l) throw new Error(`${what}: matrix is singular or not positive definite`);
  return choleskySolveWith(l, b);
}

/** Inverse of a symmetric positive-definite matrix; throws with `what` in the message if singular. */
export function inverseSPD(a: readonly (readonly number[])[], what: string): Matrix {
  const l = cholesky(a);
  if (!l) throw new Error(`${what}: matrix is singular or not positive definite`);
  const n = a.length;
  const cols = Array.from({ length: n }, (_, j) => choleskySolveWith(l, Array.from({ length: n }, (_, i) => (i === j ? 1 : 0))));
  const inv = zeros(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) inv[i]![j] = (el(cols[j]!, i) + el(cols[i]!, j)) / 2;
  return inv;
}

/** log det of a symmetric positive-definite matrix, or null if not PD. */
export function logDetSPD(a: readonly (readonly number[])[]): number | null {
  const l = cholesky(a);
  if (!l) return null;
  let s = 0;
  for (let i = 0; i < l.length; i++) s += 2 * Math.log(at(l, i, i));
  return s;
}

/**
 * Index of the first column (in order) that is, to relative tolerance `tol`, a
 * linear combination of the earlier ones (modified Gram-Schmidt); -1 if the
 * columns are linearly independent.
 */
export function firstDependentColumn(columns: readonly (readonly number[])[], tol = 1e-7): number {
  const basis: number[][] = [];
  for (let j = 0; j < columns.length; j++) {
    const v = [...columns[j]!];
    const norm0 = Math.sqrt(dot(v, v));
    if (norm0 === 0) return j;
    for (const q of basis) {
      const c = dot(q, v);
      for (let i = 0; i < v.length; i++) v[i] = el(v, i) - c * el(q, i);
    }
    const norm = Math.sqrt(dot(v, v));
    if (norm <= tol * norm0) return j;
    basis.push(v.map((x) => x / norm));
  }
  return -1;
}
