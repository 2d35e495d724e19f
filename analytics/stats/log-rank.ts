// Log-rank test for k groups, as survival::survdiff with rho = 0 (no strata,
// no Fleming-Harrington weights).
import { chiSquareUpper } from './distributions.js';
import { cholesky, inverseSPD, zeros, type Matrix } from './linalg.js';
import type { SurvivalData } from './types.js';
import { checkEventCodes, checkNonNegativeTimes, checkSameLength, sortedLevels } from './validate.js';

export interface LogRankResult {
  /** Group labels, sorted (numeric order if all labels are numbers). */
  groups: string[];
  n: number[];
  observed: number[];
  expected: number[];
  /** Covariance matrix of observed - expected, k x k, in `groups` order. */
  variance: Matrix;
  chiSquare: number;
  /** Number of groups with expected > 0, minus 1 (survdiff's rule). */
  df: number;
  pValue: number;
}

/**
 * Log-rank test of equal survival across the groups in `data.group`.
 * Throws if there are fewer than two groups, no events, or fewer than two
 * groups with anyone at risk at an event time.
 */
export function logRankTest(data: SurvivalData): LogRankResult {
  const fn = 'logRankTest';
  const n = checkSameLength(fn, { time: data.time, event: data.event, group: data.group });
  checkNonNegativeTimes(fn, data.time);
  checkEventCodes(fn, data.event);
  if (!data.group) throw new Error(`${fn}: data.group is missing; the log-rank test compares groups`);
  const labels = data.group.map(String);
  const groups = sortedLevels(labels);
  const k = groups.length;
  if (k < 2) throw new Error(`${fn}: found ${k} group(s); the log-rank test needs at least two`);
  const gi = labels.map((l) => groups.indexOf(l));
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => data.time[a]! - data.time[b]!);

  const observed = new Array<number>(k).fill(0);
  const expected = new Array<number>(k).fill(0);
  const variance = zeros(k, k);
  const atRisk = new Array<number>(k).fill(0);
  for (const g of gi) atRisk[g]! += 1;
  let totalEvents = 0;

  let pos = 0;
  while (pos < n) {
    const t = data.time[order[pos]!]!;
    let end = pos;
    const deaths = new Array<number>(k).fill(0);
    const leaving = new Array<number>(k).fill(0);
    while (end < n && data.time[order[end]!] === t) {
      const i = order[end]!;
      leaving[gi[i]!]! += 1;
      if (data.event[i] === 1) deaths[gi[i]!]! += 1;
      end++;
    }
    const d = deaths.reduce((a, b) => a + b, 0);
    const nr = atRisk.reduce((a, b) => a + b, 0);
    if (d > 0) {
      totalEvents += d;
      const f = nr > 1 ? (d * (nr - d)) / (nr - 1) : 0;
      for (let a = 0; a < k; a++) {
        observed[a]! += deaths[a]!;
        expected[a]! += (d * atRisk[a]!) / nr;
        for (let b = 0; b < k; b++) {
          const pa = atRisk[a]! / nr;
          const pb = atRisk[b]! / nr;
          variance[a]![b]! += f * pa * ((a === b ? 1 : 0) - pb);
        }
      }
    }
    for (let a = 0; a < k; a++) atRisk[a]! -= leaving[a]!;
    pos = end;
  }
  if (totalEvents === 0) throw new Error(`${fn}: there are no events, so survival cannot be compared; report the groups as event-free`);

  // As survdiff: keep groups with expected > 0, drop the first of those, solve.
  const keep = expected.flatMap((e, a) => (e > 0 ? [a] : []));
  if (keep.length < 2) {
    throw new Error(`${fn}: fewer than two groups have anyone at risk at an event time; the test is undefined`);
  }
  const idx = keep.slice(1);
  const diff = idx.map((a) => observed[a]! - expected[a]!);
  const v = idx.map((a) => idx.map((b) => variance[a]![b]!));
  if (!cholesky(v)) {
    throw new Error(
      `${fn}: the variance of observed - expected is singular (e.g. everyone at risk fails at the same time), so the test is undefined for these data`,
    );
  }
  const vinv = inverseSPD(v, fn);
  let chi = 0;
  for (let a = 0; a < idx.length; a++) for (let b = 0; b < idx.length; b++) chi += diff[a]! * vinv[a]![b]! * diff[b]!;
  chi = Math.max(0, chi);
  const df = keep.length - 1;
  return {
    groups,
    n: groups.map((_, a) => gi.filter((g) => g === a).length),
    observed,
    expected,
    variance,
    chiSquare: chi,
    df,
    pValue: chiSquareUpper(chi, df),
  };
}
