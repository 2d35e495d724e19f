// Test of the proportional-hazards assumption as survival::cox.zph (survival
// >= 3.0, transform = "km"): a score test, at the fitted coefficients, of
// adding x · g(t) for each term, g(t) = 1 - KM(t-) centred over the events.
// The per-event-time score and information come from the same Efron pass.
import { coxPass } from './cox-core.js';
import type { CoxFit } from './cox.js';
import { chiSquareUpper } from './distributions.js';
import { kaplanMeier } from './kaplan-meier.js';
import { solveSPD } from './linalg.js';

export interface ZphRow {
  /** A term name, or 'GLOBAL'. */
  term: string;
  chisq: number;
  df: number;
  pValue: number;
}

/** g(t) = 1 - S(t-) of the pooled Kaplan-Meier curve at each event time, centred over the events. */
function kmTransform(fit: CoxFit, eventTimes: readonly number[], deaths: readonly number[]): number[] {
  const km = kaplanMeier({ time: fit.sorted.time, event: fit.sorted.event });
  // Event times ascend, so one pointer walks the curve: S(t-) is the value at the last curve time before t.
  let k = 0;
  let s = 1;
  const raw = eventTimes.map((t) => {
    for (; k < km.time.length && km.time[k]! < t; k++) s = km.survival[k]!;
    return 1 - s;
  });
  const total = deaths.reduce((a, b) => a + b, 0);
  const mean = raw.reduce((s, g, k) => s + g * deaths[k]!, 0) / total;
  return raw.map((g) => g - mean);
}

function scoreTest(u: readonly number[], imat: readonly (readonly number[])[], idx: readonly number[]): number {
  const sub = idx.map((a) => idx.map((b) => imat[a]![b]!));
  const uu = idx.map((a) => u[a]!);
  const sol = solveSPD(sub, uu, 'coxZph: information matrix');
  return sol.reduce((s, v, k) => s + v * uu[k]!, 0);
}

/**
 * Proportional-hazards test per term and globally; matches `cox.zph(fit, transform = "km")$table`.
 * A small p says the hazard ratio of that term changes over follow-up.
 * @example coxZph(coxRegression(data)).find((r) => r.term === 'GLOBAL')
 */
export function coxZph(fit: CoxFit): ZphRow[] {
  const p = fit.beta.length;
  const pass = coxPass(fit.sorted, fit.beta, true);
  const g = kmTransform(
    fit,
    pass.times.map((t) => t.time),
    pass.times.map((t) => t.deaths),
  );
  const u = new Array<number>(2 * p).fill(0);
  const imat = Array.from({ length: 2 * p }, () => new Array<number>(2 * p).fill(0));
  pass.times.forEach((et, k) => {
    const gk = g[k]!;
    for (let a = 0; a < p; a++) {
      u[p + a]! += gk * et.u[a]!;
      for (let b = 0; b < p; b++) {
        const v = et.info[a]![b]!;
        imat[a]![b]! += v;
        imat[a]![p + b]! += gk * v;
        imat[p + a]![b]! += gk * v;
        imat[p + a]![p + b]! += gk * gk * v;
      }
    }
  });
  const names = fit.coefficients.map((c) => c.term);
  const base = names.map((_, a) => a);
  const rows: ZphRow[] = Object.entries(fit.terms).map(([term, cols]) => {
    const idx = [...base, ...cols.map((c) => p + names.indexOf(c))];
    const chisq = scoreTest(u, imat, idx);
    return { term, chisq, df: cols.length, pValue: chiSquareUpper(chisq, cols.length) };
  });
  const chisq = scoreTest(u, imat, [...base, ...base.map((a) => p + a)]);
  rows.push({ term: 'GLOBAL', chisq, df: p, pValue: chiSquareUpper(chisq, p) });
  return rows;
}
