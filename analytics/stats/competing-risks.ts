// Cumulative incidence with competing events (Aalen-Johansen), as
// survival::survfit with a multi-state factor status and cmprsk::cuminc.
// The variance is Gray's (1988) delta-method estimator as cmprsk::cuminc
// computes it; survfit's infinitesimal-jackknife SE is not reproduced.
import { riskTable } from './survival-table.js';
import type { SurvivalData } from './types.js';
import { checkEventCodes, checkNonNegativeTimes, checkSameLength, sortedLevels } from './validate.js';

export interface CauseIncidence {
  /** Event code of this cause (1..K). */
  cause: number;
  /** Number of events of this cause. */
  events: number;
  /** Events of this cause at each time. */
  nEvent: number[];
  /** Cumulative incidence F_k(t) at each time. */
  cif: number[];
  /** Gray's variance of F_k(t) (cmprsk::cuminc `var`); changes only at this cause's event times. */
  variance: number[];
  /** sqrt(variance). */
  stdErr: number[];
}

/** Cumulative incidence of each cause at every distinct observed time (values hold until the next time). */
export interface CumulativeIncidenceResult {
  n: number;
  time: number[];
  nRisk: number[];
  nCensor: number[];
  /** Probability of being event-free, S(t) = 1 - sum over causes of F_k(t). */
  eventFree: number[];
  causes: CauseIncidence[];
}

export interface CumulativeIncidenceGroup {
  group: string;
  result: CumulativeIncidenceResult;
}

export interface CumulativeIncidenceOptions {
  /** Number of causes K (codes 1..K). Default: the largest code in the data, at least 1. */
  causes?: number;
}

function validate(fn: string, data: SurvivalData, options: CumulativeIncidenceOptions): number {
  checkSameLength(fn, { time: data.time, event: data.event, group: data.group });
  checkNonNegativeTimes(fn, data.time);
  const k = options.causes ?? data.event.reduce((a, e) => (Number.isInteger(e) && e > a ? e : a), 1);
  if (!Number.isInteger(k) || k < 1) throw new Error(`${fn}: causes must be a positive integer, got ${k}`);
  checkEventCodes(fn, data.event, k);
  return k;
}

function estimate(time: readonly number[], event: readonly number[], k: number): CumulativeIncidenceResult {
  const table = riskTable(time, event, k);
  const m = table.time.length;
  const causes: CauseIncidence[] = [];
  const allEvents = new Array<number>(m).fill(0);
  for (let c = 1; c <= k; c++) table.nByCode[c]!.forEach((d, i) => (allEvents[i]! += d));

  for (let c = 1; c <= k; c++) {
    const own = table.nByCode[c]!;
    const cif: number[] = [];
    const variance: number[] = [];
    let s = 1; // all-cause event-free survival just before the current time
    let f = 0;
    let v1 = 0;
    let v2 = 0;
    let v3 = 0;
    let v = 0;
    for (let i = 0; i < m; i++) {
      const rs = table.nRisk[i]!;
      const d1 = own[i]!;
      const d2 = allEvents[i]! - d1;
      if (d1 + d2 > 0) {
        const sNext = (s * (rs - d1 - d2)) / rs;
        if (d1 > 0) f += (s * d1) / rs;
        // Gray's accumulators: competing events first, then events of this cause.
        if (d2 > 0 && sNext > 0) {
          const t6 = (s * s * (d2 > 1 ? 1 - (d2 - 1) / (rs - 1) : 1) * d2) / (rs * rs);
          const t3 = 1 / sNext;
          const t4 = f / sNext;
          v1 += t4 * t4 * t6;
          v2 += t3 * t4 * t6;
          v3 += t3 * t3 * t6;
        }
        if (d1 > 0) {
          const t6 = (s * s * (d1 > 1 ? 1 - (d1 - 1) / (rs - 1) : 1) * d1) / (rs * rs);
          const t3 = sNext > 0 ? 1 / sNext : 0;
          const t4 = 1 + t3 * f;
          v1 += t4 * t4 * t6;
          v2 += t3 * t4 * t6;
          v3 += t3 * t3 * t6;
          v = Math.max(0, v1 + f * f * v3 - 2 * f * v2);
        }
        s = sNext;
      }
      cif.push(f);
      variance.push(v);
    }
    causes.push({
      cause: c,
      events: own.reduce((a, b) => a + b, 0),
      nEvent: own,
      cif,
      variance,
      stdErr: variance.map(Math.sqrt),
    });
  }
  const eventFree = table.time.map((_, i) => Math.max(0, 1 - causes.reduce((a, cs) => a + cs.cif[i]!, 0)));
  return { n: time.length, time: table.time, nRisk: table.nRisk, nCensor: table.nByCode[0]!, eventFree, causes };
}

/**
 * Aalen-Johansen cumulative incidence for each cause, all subjects together.
 * `event`: 0 censored, 1..K the cause. n = 0 gives empty arrays; a cause with
 * no events has F = 0 and variance 0 throughout.
 */
export function cumulativeIncidence(
  data: SurvivalData,
  options: CumulativeIncidenceOptions = {},
): CumulativeIncidenceResult {
  const k = validate('cumulativeIncidence', data, options);
  return estimate(data.time, data.event, k);
}

/** Cumulative incidence per group (sorted labels); every group reports all K causes. */
export function cumulativeIncidenceByGroup(
  data: SurvivalData,
  options: CumulativeIncidenceOptions = {},
): CumulativeIncidenceGroup[] {
  const fn = 'cumulativeIncidenceByGroup';
  const k = validate(fn, data, options);
  if (!data.group) throw new Error(`${fn}: data.group is missing; use cumulativeIncidence for all subjects together`);
  const labels = data.group.map(String);
  return sortedLevels(labels).map((g) => {
    const idx = labels.flatMap((l, i) => (l === g ? [i] : []));
    return {
      group: g,
      result: estimate(
        idx.map((i) => data.time[i]!),
        idx.map((i) => data.event[i]!),
        k,
      ),
    };
  });
}
