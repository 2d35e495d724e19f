// Kaplan-Meier estimate with Greenwood standard errors and log-scale
// ("log", survival::survfit's default conf.type) pointwise intervals.
import { normalQuantile } from './distributions.js';
import { riskTable } from './survival-table.js';
import type { SurvivalData } from './types.js';
import { checkEventCodes, checkLevel, checkNonNegativeTimes, checkSameLength, sortedLevels } from './validate.js';

export interface KaplanMeierOptions {
  /** Two-sided level of the pointwise intervals; default 0.95. */
  level?: number;
}

/**
 * One survival curve, one entry per distinct observed time (event or
 * censoring), as survfit stores it. Values hold from that time until the next.
 */
export interface KaplanMeierCurve {
  /** Subjects in the curve. */
  n: number;
  /** Total events. */
  events: number;
  level: number;
  confType: 'log';
  time: number[];
  nRisk: number[];
  nEvent: number[];
  nCensor: number[];
  survival: number[];
  /** Greenwood SE of S(t) (what summary.survfit prints); null once S(t) = 0, where it is undefined. */
  stdErr: (number | null)[];
  /** Greenwood SE of log S(t) (survfit's `std.err`); null once S(t) = 0 (R gives Inf). */
  stdErrLog: (number | null)[];
  /** exp(log S -/+ z * stdErrLog), upper capped at 1; null once S(t) = 0 (R gives NA). */
  lower: (number | null)[];
  upper: (number | null)[];
}

export interface KaplanMeierGroup {
  group: string;
  curve: KaplanMeierCurve;
}

function validate(fn: string, data: SurvivalData, level: number): void {
  checkLevel(fn, level);
  checkSameLength(fn, { time: data.time, event: data.event, group: data.group });
  checkNonNegativeTimes(fn, data.time);
  checkEventCodes(fn, data.event);
}

function curve(time: readonly number[], event: readonly number[], level: number): KaplanMeierCurve {
  const z = normalQuantile(1 - (1 - level) / 2);
  const table = riskTable(time, event, 1);
  const nCensor = table.nByCode[0]!;
  const nEvent = table.nByCode[1]!;
  const out: KaplanMeierCurve = {
    n: time.length,
    events: nEvent.reduce((a, b) => a + b, 0),
    level,
    confType: 'log',
    time: table.time,
    nRisk: table.nRisk,
    nEvent,
    nCensor,
    survival: [],
    stdErr: [],
    stdErrLog: [],
    lower: [],
    upper: [],
  };
  let s = 1;
  let greenwood = 0;
  for (let k = 0; k < table.time.length; k++) {
    const n = table.nRisk[k]!;
    const d = nEvent[k]!;
    if (d > 0) {
      s *= (n - d) / n;
      greenwood += d < n ? d / (n * (n - d)) : Infinity;
    }
    out.survival.push(s);
    if (s === 0 || !Number.isFinite(greenwood)) {
      out.stdErr.push(null);
      out.stdErrLog.push(null);
      out.lower.push(null);
      out.upper.push(null);
    } else {
      const se = Math.sqrt(greenwood);
      out.stdErrLog.push(se);
      out.stdErr.push(s * se);
      out.lower.push(Math.exp(Math.log(s) - z * se));
      out.upper.push(Math.min(1, Math.exp(Math.log(s) + z * se)));
    }
  }
  return out;
}

/**
 * Kaplan-Meier curve for all subjects (any `group` column is ignored).
 * n = 0 gives an empty curve. Matches `survfit(Surv(time, event) ~ 1)`.
 */
export function kaplanMeier(data: SurvivalData, options: KaplanMeierOptions = {}): KaplanMeierCurve {
  const level = options.level ?? 0.95;
  validate('kaplanMeier', data, level);
  return curve(data.time, data.event, level);
}

/** One Kaplan-Meier curve per group, groups in sorted order (numeric if all labels are numbers). */
export function kaplanMeierByGroup(data: SurvivalData, options: KaplanMeierOptions = {}): KaplanMeierGroup[] {
  const level = options.level ?? 0.95;
  validate('kaplanMeierByGroup', data, level);
  if (!data.group) throw new Error('kaplanMeierByGroup: data.group is missing; use kaplanMeier for a single curve');
  const labels = data.group.map(String);
  return sortedLevels(labels).map((g) => {
    const idx = labels.flatMap((l, i) => (l === g ? [i] : []));
    return {
      group: g,
      curve: curve(
        idx.map((i) => data.time[i]!),
        idx.map((i) => data.event[i]!),
        level,
      ),
    };
  });
}

export interface SurvivalPoint {
  time: number;
  survival: number;
  stdErr: number | null;
  lower: number | null;
  upper: number | null;
  nRisk: number;
}

/**
 * Reads a curve at time t (right-continuous step function, as
 * summary.survfit(times = t)). Before the first time S = 1; after the last
 * observed time the last value is carried, but nRisk is 0 there and the
 * estimate is unsupported by data: the caller should say so.
 */
export function survivalAt(c: KaplanMeierCurve, t: number): SurvivalPoint {
  let k = -1;
  for (let i = 0; i < c.time.length && c.time[i]! <= t; i++) k = i;
  if (k < 0) return { time: t, survival: 1, stdErr: 0, lower: 1, upper: 1, nRisk: c.n };
  const last = c.time.length - 1;
  return {
    time: t,
    survival: c.survival[k]!,
    stdErr: c.stdErr[k] ?? null,
    lower: c.lower[k] ?? null,
    upper: c.upper[k] ?? null,
    nRisk: t > c.time[last]! ? 0 : t === c.time[k] ? c.nRisk[k]! : c.nRisk[k + 1] ?? 0,
  };
}
