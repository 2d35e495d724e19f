// Firth's penalised logistic regression (Firth 1993) of a 0/1 outcome on one covariate, from counts per distinct value:
// the fallback of the implied thresholds when the held and given values separate and maximum likelihood has no finite
// estimate. The same method as analytics/stats/firth.ts (checked against R logistf, test/fixtures/r/firth.json), here
// on grouped counts so a centre's ~10^5 slots cost one pass per distinct value; test/analytics/practice/firth1.test.ts
// checks the two agree. Wald covariance from the information matrix at the estimate (logistf's profile intervals are
// not computed here).
import type { LogisticFit1 } from './implied-fit.js';

/** log(expit(eta)), stable for large |eta|. */
const logExpit = (eta: number): number => (eta >= 0 ? -Math.log1p(Math.exp(-eta)) : eta - Math.log1p(Math.exp(eta)));

interface Info {
  i00: number;
  i01: number;
  i11: number;
  det: number;
  /** Penalised log-likelihood l(b) + 0.5 log det I(b). */
  pll: number;
  /** Modified score X'(y - p + h (0.5 - p)) in the centred parameterisation. */
  u0: number;
  u1: number;
}

function information(xc: readonly number[], n: readonly number[], events: readonly number[], a: number, b: number): Info {
  let i00 = 0, i01 = 0, i11 = 0, ll = 0;
  for (let i = 0; i < xc.length; i++) {
    const eta = a + b * xc[i]!;
    const p = 1 / (1 + Math.exp(-eta));
    const w = n[i]! * p * (1 - p);
    i00 += w; i01 += w * xc[i]!; i11 += w * xc[i]! * xc[i]!;
    ll += events[i]! * logExpit(eta) + (n[i]! - events[i]!) * logExpit(-eta);
  }
  const det = i00 * i11 - i01 * i01;
  let u0 = 0, u1 = 0;
  for (let i = 0; i < xc.length; i++) {
    const x = xc[i]!;
    const p = 1 / (1 + Math.exp(-(a + b * x)));
    // Leverage of the group: its rows' hat values summed, n p (1 - p) x' I^-1 x.
    const h = (n[i]! * p * (1 - p) * (i11 - 2 * x * i01 + x * x * i00)) / det;
    const r = events[i]! - n[i]! * p + h * (0.5 - p);
    u0 += r; u1 += r * x;
  }
  return { i00, i01, i11, det, pll: ll + 0.5 * Math.log(det), u0, u1 };
}

/**
 * Firth-penalised logistic fit of events/n on x (grouped); null when there are no events or no non-events, or x does not vary.
 * @example fitFirth1([1, 2, 3, 4], [5, 5, 5, 5], [0, 0, 5, 5]) // finite despite complete separation
 */
export function fitFirth1(x: readonly number[], n: readonly number[], events: readonly number[]): LogisticFit1 | null {
  const tn = n.reduce((s, v) => s + v, 0);
  const te = events.reduce((s, v) => s + v, 0);
  if (te === 0 || te === tn || x.length < 2) return null;
  const mean = x.reduce((s, xi, i) => s + xi * n[i]!, 0) / tn;
  const xc = x.map((v) => v - mean);
  let a = Math.log((te + 0.5) / (tn - te + 0.5));
  let b = 0;
  let cur = information(xc, n, events, a, b);
  let it = 0;
  for (; it < 200; it++) {
    let d0 = (cur.i11 * cur.u0 - cur.i01 * cur.u1) / cur.det;
    let d1 = (cur.i00 * cur.u1 - cur.i01 * cur.u0) / cur.det;
    // Steps capped at 5 (as logistf) and halved until the penalised log-likelihood does not fall.
    const big = Math.max(Math.abs(d0), Math.abs(d1));
    if (big > 5) { d0 *= 5 / big; d1 *= 5 / big; }
    let next = information(xc, n, events, a + d0, b + d1);
    for (let k = 0; k < 30 && !(next.pll >= cur.pll - 1e-12); k++) {
      d0 /= 2; d1 /= 2;
      next = information(xc, n, events, a + d0, b + d1);
    }
    a += d0; b += d1;
    cur = next;
    if (Math.abs(d0) < 1e-10 * (1 + Math.abs(a)) && Math.abs(d1) < 1e-10 * (1 + Math.abs(b))) break;
  }
  if (!Number.isFinite(a) || !Number.isFinite(b) || !(cur.det > 0)) return null;
  const ca = cur.i11 / cur.det, cab = -cur.i01 / cur.det, cb = cur.i00 / cur.det;
  return { b0: a - b * mean, b1: b, v00: ca - 2 * mean * cab + mean * mean * cb, v01: cab - mean * cb, v11: cb, iterations: it + 1 };
}
