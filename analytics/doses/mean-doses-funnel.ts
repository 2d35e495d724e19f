// Funnel of the mean number of doses given per cycle, by centre, around the all-centre mean. Method (stated in every
// result): a normal approximation for a mean (Spiegelhalter 2005, "Funnel plots for comparing institutional
// performance"): limits target ± z · SD / √n at n cycles (kept within 0 … the cap), with the SD of doses over all cycles of all centres; no
// over-dispersion allowance; cycles of one patient are treated as independent, so limits are somewhat too narrow.
import { normalQuantile } from '../stats/distributions.js';
import type { CycleDoses } from './types.js';

export interface MeanDosesFunnelRow {
  centre_id: string;
  n_cycles: number;
  mean_doses: number;
  lower95: number;
  upper95: number;
  lower998: number;
  upper998: number;
  position95: 'below' | 'within' | 'above';
  position998: 'below' | 'within' | 'above';
}

export interface MeanDosesFunnelResult {
  rows: MeanDosesFunnelRow[];
  /** The all-centre mean doses per cycle (the funnel's centre line). */
  target: number | null;
  /** SD of doses per cycle over all cycles (n − 1 denominator). */
  sd: number | null;
  n_cycles: number;
  curves: { x: number; level: number; lower: number; upper: number }[];
  method: string;
}

export const MEAN_DOSES_FUNNEL_METHOD =
  'Mean doses given per cycle; limits: all-centre mean ± z·SD/√n at n cycles, within 0 and the cap (normal approximation for a mean, ' +
  'Spiegelhalter 2005), SD over all cycles, z 1.96 (95%) and 3.09 (99.8%); no over-dispersion allowance; cycles of one patient taken as independent.';

const LEVELS = [0.95, 0.998] as const;
const z = (level: number) => normalQuantile(1 - (1 - level) / 2);
/** Limits at n cycles, kept within 0 … the largest cap (a mean cannot leave them). */
const limits = (target: number, sd: number, n: number, level: number, cap: number) => ({
  lower: Math.max(0, target - (z(level) * sd) / Math.sqrt(n)),
  upper: Math.min(cap, target + (z(level) * sd) / Math.sqrt(n)),
});
const position = (v: number, l: { lower: number; upper: number }) => (v < l.lower ? 'below' : v > l.upper ? 'above' : 'within') as 'below' | 'within' | 'above';

/** Precision grid of the limit curves: every n up to 30, then about 60 points evenly on a log scale up to the largest centre. */
function grid(maxN: number): number[] {
  const xs = new Set<number>();
  for (let n = 1; n <= Math.min(30, maxN); n++) xs.add(n);
  for (let i = 0; i <= 60 && maxN > 30; i++) xs.add(Math.round(30 * (maxN / 30) ** (i / 60)));
  return [...xs].sort((a, b) => a - b);
}

/**
 * Mean doses per cycle by centre against the all-centre mean, with 95% and 99.8% limits (method in the result).
 * @example meanDosesFunnel(cycles).rows.filter((r) => r.position998 !== 'within')
 */
export function meanDosesFunnel(cycles: readonly CycleDoses[]): MeanDosesFunnelResult {
  const n = cycles.length;
  if (n < 2) return { rows: [], target: null, sd: null, n_cycles: n, curves: [], method: MEAN_DOSES_FUNNEL_METHOD };
  const target = cycles.reduce((a, c) => a + c.doses_given, 0) / n;
  const sd = Math.sqrt(cycles.reduce((a, c) => a + (c.doses_given - target) ** 2, 0) / (n - 1));
  const cap = Math.max(...cycles.map((c) => Math.max(c.planned_max_doses, c.doses_given)));
  const by = new Map<string, { n: number; sum: number }>();
  for (const c of cycles) {
    const s = by.get(c.centre_id) ?? { n: 0, sum: 0 };
    s.n += 1;
    s.sum += c.doses_given;
    by.set(c.centre_id, s);
  }
  const rows = [...by].sort(([a], [b]) => a.localeCompare(b)).map(([centre_id, s]): MeanDosesFunnelRow => {
    const mean = s.sum / s.n;
    const [l95, l998] = LEVELS.map((lv) => limits(target, sd, s.n, lv, cap)) as [ReturnType<typeof limits>, ReturnType<typeof limits>];
    return {
      centre_id, n_cycles: s.n, mean_doses: mean, lower95: l95.lower, upper95: l95.upper, lower998: l998.lower, upper998: l998.upper,
      position95: position(mean, l95), position998: position(mean, l998),
    };
  });
  const curves = grid(Math.max(...rows.map((r) => r.n_cycles))).flatMap((x) => LEVELS.map((level) => ({ x, level, ...limits(target, sd, x, level, cap) })));
  return { rows, target, sd, n_cycles: n, curves, method: MEAN_DOSES_FUNNEL_METHOD };
}
