// Indirect standardisation of a binary outcome: each unit's observed count against the count
// expected if the reference (all units pooled) stratum-specific rates applied to its own case mix.
import { normalQuantile } from '../stats/distributions.js';
import { quantileType7 } from '../stats/describe.js';
import { groupBy } from './group.js';

/** One row per subject (e.g. cycle): its unit (centre), stratum (case-mix cell) and outcome 0/1. */
export interface StandardisationInput {
  unit: string;
  stratum: string;
  outcome: 0 | 1;
}

/** One row per unit. */
export interface StandardisedUnitRow {
  unit: string;
  n: number;
  observed: number;
  /** Σ over its subjects of the reference rate of their stratum. */
  expected: number;
  /** Σ p(1 − p) over its subjects: the variance of `observed` if the reference rates held. */
  variance: number;
  /** observed / expected (null when expected is 0: every stratum it has never has the outcome). */
  ratio: number | null;
  /** ratio × overall rate: the unit's share as if it had the reference case mix. */
  adjusted_share: number | null;
  /** (observed − expected) / sqrt(variance); null when variance is 0. */
  z: number | null;
  /** Limits of the ratio under the reference rates, normal approximation: 1 ± z_q sqrt(variance) / expected (× phi^½ when over-dispersion is applied). */
  limits: { level: number; lower: number; upper: number; position: 'below' | 'within' | 'above' }[];
}

export interface StandardisationResult {
  overall_rate: number;
  /** Reference rate per stratum (all units pooled). */
  strata: { stratum: string; n: number; events: number; rate: number }[];
  /** Over-dispersion estimate: mean of squared winsorised z (Spiegelhalter 2005); applied only when asked and > 1. */
  phi: number;
  overdispersion_applied: boolean;
  units: StandardisedUnitRow[];
}

export interface StandardisationOptions {
  levels?: readonly number[];
  overdispersion?: boolean;
  /** Fraction winsorised at each end before estimating phi (default 0.1). */
  winsorise?: number;
}

/**
 * Indirectly standardised ratios (O/E) per unit with funnel limits on the ratio.
 * @example indirectStandardisation(rows).units.map((u) => [u.unit, u.ratio])
 */
export function indirectStandardisation(rows: readonly StandardisationInput[], options: StandardisationOptions = {}): StandardisationResult {
  const fn = 'indirectStandardisation';
  if (rows.length === 0) throw new Error(`${fn}: no subjects to standardise`);
  const levels = options.levels ?? [0.95, 0.998];
  const strata = [...groupBy(rows, (r) => r.stratum).entries()].map(([stratum, g]) => {
    const events = g.reduce((a, r) => a + r.outcome, 0);
    return { stratum, n: g.length, events, rate: events / g.length };
  });
  const rate = new Map(strata.map((s) => [s.stratum, s.rate]));
  const overall = rows.reduce((a, r) => a + r.outcome, 0) / rows.length;
  const base = [...groupBy(rows, (r) => r.unit).entries()].map(([unit, g]) => {
    let expected = 0;
    let variance = 0;
    for (const r of g) {
      const p = rate.get(r.stratum)!;
      expected += p;
      variance += p * (1 - p);
    }
    const observed = g.reduce((a, r) => a + r.outcome, 0);
    return { unit, n: g.length, observed, expected, variance, z: variance > 0 ? (observed - expected) / Math.sqrt(variance) : null };
  });
  const zs = base.flatMap((b) => (b.z === null ? [] : [b.z]));
  let phi = 1;
  if (zs.length > 0) {
    const w = options.winsorise ?? 0.1;
    const sorted = [...zs].sort((a, b) => a - b);
    const lo = quantileType7(sorted, w);
    const hi = quantileType7(sorted, 1 - w);
    phi = zs.reduce((s, z) => s + Math.min(hi, Math.max(lo, z)) ** 2, 0) / zs.length;
  }
  const applied = (options.overdispersion ?? false) && phi > 1;
  const units = base.map((b): StandardisedUnitRow => {
    const ratio = b.expected > 0 ? b.observed / b.expected : null;
    const half = (level: number) => (b.expected > 0 ? (normalQuantile(1 - (1 - level) / 2) * Math.sqrt(b.variance * (applied ? phi : 1))) / b.expected : 0);
    return {
      ...b,
      ratio,
      adjusted_share: ratio === null ? null : ratio * overall,
      limits: levels.map((level) => {
        const lower = Math.max(0, 1 - half(level));
        const upper = 1 + half(level);
        const r = ratio ?? 1;
        return { level, lower, upper, position: r < lower ? 'below' : r > upper ? 'above' : 'within' };
      }),
    };
  });
  return { overall_rate: overall, strata, phi, overdispersion_applied: applied, units };
}
