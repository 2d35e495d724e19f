// A logistic curve between the hold rate's floor and ceiling: p(x) = f + (c - f) expit(b0 + b1 x), with f and c the
// change point's two hold rates (fitStep) and (b0, b1) fitted by maximum likelihood (Fisher scoring on grouped counts).
// Its ED50, -b0/b1, is where the hold rate is half-way between floor and ceiling. A plain logistic (f = 0, c = 1) puts
// the ED50 where the rate crosses one half: when the ceiling is well below 1 (doses given through a criterion) that is
// above the edge a centre applies, and its interval misses the edge (issue 21). Used beside the plain ED50, not for it.
import type { LogisticFit1 } from './implied-thresholds.js';

const expit = (eta: number): number => 1 / (1 + Math.exp(-eta));
const clamp = (p: number): number => Math.min(1 - 1e-12, Math.max(1e-12, p));

interface Step {
  loglik: number;
  i00: number;
  i01: number;
  i11: number;
  u0: number;
  u1: number;
}

function scoreAt(xc: readonly number[], n: readonly number[], e: readonly number[], f: number, c: number, a: number, b: number): Step {
  let loglik = 0, i00 = 0, i01 = 0, i11 = 0, u0 = 0, u1 = 0;
  for (let i = 0; i < xc.length; i++) {
    const s = expit(a + b * xc[i]!);
    const p = clamp(f + (c - f) * s);
    const dp = (c - f) * s * (1 - s);
    const v = p * (1 - p);
    loglik += e[i]! * Math.log(p) + (n[i]! - e[i]!) * Math.log(1 - p);
    const r = ((e[i]! - n[i]! * p) * dp) / v;
    const w = (n[i]! * dp * dp) / v;
    u0 += r; u1 += r * xc[i]!;
    i00 += w; i01 += w * xc[i]!; i11 += w * xc[i]! * xc[i]!;
  }
  return { loglik, i00, i01, i11, u0, u1 };
}

/**
 * Fits (b0, b1) of the floor-to-ceiling logistic (floor: the not-held side's hold rate, ceiling: the held side's); null
 * when the ceiling is not above the floor, the fit fails, or the curve is a sharp step (an edge applied exactly).
 * @example fitScaledLogistic([1, 2, 3, 4], [50, 50, 50, 50], [0, 1, 30, 31], 0.01, 0.61, 'up')
 */
export function fitScaledLogistic(x: readonly number[], n: readonly number[], events: readonly number[], floor: number, ceiling: number, direction: 'up' | 'down'): LogisticFit1 | null {
  if (!(ceiling - floor > 0.05) || x.length < 2) return null;
  const tn = n.reduce((s, v) => s + v, 0);
  const mean = x.reduce((s, xi, i) => s + xi * n[i]!, 0) / tn;
  const sd = Math.sqrt(x.reduce((s, xi, i) => s + n[i]! * (xi - mean) ** 2, 0) / tn) || 1;
  const xc = x.map((v) => v - mean);
  // Start at the middle of the data with a moderate slope in the step's direction.
  let a = 0;
  let b = (direction === 'up' ? 1 : -1) / sd;
  let cur = scoreAt(xc, n, events, floor, ceiling, a, b);
  let it = 0;
  for (; it < 200; it++) {
    const det = cur.i00 * cur.i11 - cur.i01 * cur.i01;
    // A curve steeper than a step over 1% of the values' spread is the step itself (the slope's MLE is infinite when
    // a centre applies its edge exactly): no logistic estimate, the change point is the answer.
    if (!(det > 0) || Math.abs(b) * sd > 100) return null;
    let d0 = (cur.i11 * cur.u0 - cur.i01 * cur.u1) / det;
    let d1 = (cur.i00 * cur.u1 - cur.i01 * cur.u0) / det;
    let next = scoreAt(xc, n, events, floor, ceiling, a + d0, b + d1);
    for (let k = 0; k < 40 && !(next.loglik >= cur.loglik - 1e-9); k++) {
      d0 /= 2; d1 /= 2;
      next = scoreAt(xc, n, events, floor, ceiling, a + d0, b + d1);
    }
    a += d0; b += d1;
    cur = next;
    if (Math.abs(d0) < 1e-9 * (1 + Math.abs(a)) && Math.abs(d1) < 1e-9 * (1 + Math.abs(b))) break;
  }
  const det = cur.i00 * cur.i11 - cur.i01 * cur.i01;
  if (!Number.isFinite(a) || !Number.isFinite(b) || !(det > 0)) return null;
  const ca = cur.i11 / det, cab = -cur.i01 / det, cb = cur.i00 / det;
  return { b0: a - b * mean, b1: b, v00: ca - 2 * mean * cab + mean * mean * cb, v01: cab - mean * cb, v11: cb, iterations: it + 1 };
}
