// Funnel-plot control limits for proportions (Spiegelhalter 2005, "Funnel
// plots for comparing institutional performance", Stat Med 24:1185).
// Exact limits are binomial quantiles with the appendix's interpolation;
// over-dispersed limits use a multiplicative phi from winsorised z-scores and
// the normal approximation. The additive random-effects (tau^2) variant is
// not implemented.
import { binomialCdf, binomialPmf, normalQuantile } from './distributions.js';
import { checkFiniteArray, checkLevel, checkSameLength } from './validate.js';

export const DEFAULT_FUNNEL_LEVELS: readonly number[] = [0.95, 0.998];

export interface FunnelBand {
  level: number;
  lower: number[];
  upper: number[];
}

export interface FunnelLimits {
  target: number;
  n: number[];
  /** Multiplicative over-dispersion factor used; 1 means exact binomial limits. */
  phi: number;
  bands: FunnelBand[];
}

function checkTarget(fn: string, target: number): void {
  if (!(target > 0 && target < 1)) {
    throw new Error(`${fn}: target proportion must be strictly between 0 and 1, got ${target}; with 0 or 1 every limit collapses onto the target`);
  }
}

function checkSizes(fn: string, n: readonly number[]): void {
  checkFiniteArray(fn, 'n', n);
  n.forEach((v, i) => {
    if (!Number.isInteger(v) || v < 1) throw new Error(`${fn}: n[${i}] is ${v}; each denominator must be a whole number >= 1 (leave out units with no cases)`);
  });
}

/**
 * The value below which a proportion falls with probability `prob` under
 * Binomial(n, target), interpolated between whole counts: with r the
 * smallest count with P(R <= r) >= prob and a = (P(R <= r) - prob) / P(R = r),
 * the limit is (r - a) / n, kept within [0, 1].
 */
export function binomialLimit(target: number, n: number, prob: number): number {
  let r = Math.min(n, Math.max(0, Math.floor(n * target + normalQuantile(prob) * Math.sqrt(n * target * (1 - target)))));
  while (r > 0 && binomialCdf(r - 1, n, target) >= prob) r--;
  while (r < n && binomialCdf(r, n, target) < prob) r++;
  const f = binomialCdf(r, n, target);
  const pmf = binomialPmf(r, n, target);
  const a = pmf > 0 ? (f - prob) / pmf : 0;
  return Math.min(1, Math.max(0, (r - a) / n));
}

/** Normal-approximation limit with multiplicative over-dispersion phi: target + z_prob sqrt(phi target (1 - target) / n), kept within [0, 1]. */
export function overdispersedLimit(target: number, n: number, prob: number, phi: number): number {
  return Math.min(1, Math.max(0, target + normalQuantile(prob) * Math.sqrt((phi * target * (1 - target)) / n)));
}

/**
 * Control limits at each sample size in `n` (to draw the funnel). Exact
 * binomial limits unless `phi` > 1 is given.
 */
export function funnelLimits(
  target: number,
  n: readonly number[],
  options: { levels?: readonly number[]; phi?: number } = {},
): FunnelLimits {
  const fn = 'funnelLimits';
  checkTarget(fn, target);
  checkSizes(fn, n);
  const levels = options.levels ?? DEFAULT_FUNNEL_LEVELS;
  levels.forEach((l) => checkLevel(fn, l));
  const phi = options.phi ?? 1;
  if (!(phi > 0) || !Number.isFinite(phi)) throw new Error(`${fn}: phi must be a positive number, got ${phi}`);
  const limit = (m: number, prob: number): number => (phi > 1 ? overdispersedLimit(target, m, prob, phi) : binomialLimit(target, m, prob));
  return {
    target,
    n: [...n],
    phi: phi > 1 ? phi : 1,
    bands: levels.map((level) => ({
      level,
      lower: n.map((m) => limit(m, (1 - level) / 2)),
      upper: n.map((m) => limit(m, 1 - (1 - level) / 2)),
    })),
  };
}

/** Sample quantile by linear interpolation (R's default quantile type 7). */
function quantile7(sorted: readonly number[], q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const a = sorted[lo]!;
  const b = sorted[Math.min(lo + 1, sorted.length - 1)]!;
  return a + (h - lo) * (b - a);
}

export interface FunnelInput {
  /** Events per unit (centre). */
  events: readonly number[];
  /** Denominator per unit, >= 1. */
  n: readonly number[];
  /** Optional unit labels. */
  label?: readonly string[];
}

export interface FunnelOptions {
  /** Target proportion; default the pooled proportion sum(events) / sum(n). */
  target?: number;
  levels?: readonly number[];
  /** Widen limits by phi when phi > 1 (default false: exact binomial limits). */
  overdispersion?: boolean;
  /** Fraction winsorised at each end before estimating phi (default 0.1). */
  winsorise?: number;
}

export type FunnelPosition = 'below' | 'within' | 'above';

export interface FunnelUnit {
  index: number;
  label: string | null;
  events: number;
  n: number;
  proportion: number;
  /** (proportion - target) / sqrt(target (1 - target) / n). */
  z: number;
  /** z winsorised at the `winsorise` and 1 - `winsorise` quantiles (used for phi). */
  winsorisedZ: number;
  /** Limits at this unit's n, one entry per level, and where the unit falls. */
  limits: { level: number; lower: number; upper: number; position: FunnelPosition }[];
}

export interface FunnelResult {
  target: number;
  targetSource: 'given' | 'pooled';
  levels: number[];
  /** Estimated over-dispersion: mean of the squared winsorised z-scores. */
  phi: number;
  /** True when `overdispersion` was asked for and phi > 1, so the limits were widened. */
  overdispersionApplied: boolean;
  units: FunnelUnit[];
}

/**
 * Places each unit's proportion against funnel limits around the target.
 * Units with zero events are fine; a unit with n = 0, or a pooled target of
 * 0 or 1 (no events anywhere, or only events), is an error.
 */
export function funnelPlot(input: FunnelInput, options: FunnelOptions = {}): FunnelResult {
  const fn = 'funnelPlot';
  const k = checkSameLength(fn, { events: input.events, n: input.n, label: input.label });
  if (k === 0) throw new Error(`${fn}: no units given`);
  checkSizes(fn, input.n);
  checkFiniteArray(fn, 'events', input.events);
  input.events.forEach((e, i) => {
    if (!Number.isInteger(e) || e < 0 || e > input.n[i]!)
      throw new Error(`${fn}: events[${i}] is ${e}; it must be a whole number from 0 to n[${i}] = ${input.n[i]}`);
  });
  const levels = [...(options.levels ?? DEFAULT_FUNNEL_LEVELS)];
  levels.forEach((l) => checkLevel(fn, l));
  const w = options.winsorise ?? 0.1;
  if (!(w >= 0 && w < 0.5)) throw new Error(`${fn}: winsorise must be in [0, 0.5), got ${w}`);

  const pooled = input.events.reduce((a, b) => a + b, 0) / input.n.reduce((a, b) => a + b, 0);
  const target = options.target ?? pooled;
  if (options.target === undefined && (pooled === 0 || pooled === 1)) {
    throw new Error(
      `${fn}: the pooled proportion is ${pooled} (${pooled === 0 ? 'no events in any unit' : 'every case is an event'}), so there is no spread to ` +
        `plot; give options.target explicitly`,
    );
  }
  checkTarget(fn, target);

  const props = input.events.map((e, i) => e / input.n[i]!);
  const z = props.map((y, i) => (y - target) / Math.sqrt((target * (1 - target)) / input.n[i]!));
  const sorted = [...z].sort((a, b) => a - b);
  const lo = quantile7(sorted, w);
  const hi = quantile7(sorted, 1 - w);
  const zw = z.map((v) => Math.min(hi, Math.max(lo, v)));
  const phi = zw.reduce((s, v) => s + v * v, 0) / k;
  const applied = (options.overdispersion ?? false) && phi > 1;

  const units = props.map((y, i): FunnelUnit => {
    const m = input.n[i]!;
    return {
      index: i,
      label: input.label?.[i] ?? null,
      events: input.events[i]!,
      n: m,
      proportion: y,
      z: z[i]!,
      winsorisedZ: zw[i]!,
      limits: levels.map((level) => {
        const pl = (1 - level) / 2;
        const lower = applied ? overdispersedLimit(target, m, pl, phi) : binomialLimit(target, m, pl);
        const upper = applied ? overdispersedLimit(target, m, 1 - pl, phi) : binomialLimit(target, m, 1 - pl);
        return { level, lower, upper, position: y < lower ? 'below' : y > upper ? 'above' : 'within' };
      }),
    };
  });
  return { target, targetSource: options.target === undefined ? 'pooled' : 'given', levels, phi, overdispersionApplied: applied, units };
}
