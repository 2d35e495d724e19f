// Response rate (CR + PR) per centre with Wilson and exact intervals, and a funnel plot.
import { groupBy } from '../doses/group.js';
import { ALL_CENTRES } from '../doses/types.js';
import { clopperPearsonInterval, wilsonInterval } from '../stats/binomial.js';
import { funnelLimits, funnelPlot } from '../stats/funnel.js';
import { responseMessages } from './messages.js';
import type { CourseSignalRow } from './types.js';

/** One row per centre (and ALL) × disease ('all', 'rcc', 'melanoma'). */
export interface ResponseRateRow {
  centre_id: string;
  disease: string;
  n_assessed: number;
  responders: number;
  complete: number;
  rate: number;
  wilson_lower: number;
  wilson_upper: number;
  exact_lower: number;
  exact_upper: number;
}

export interface ResponseFunnelRow {
  centre_id: string;
  n_assessed: number;
  responders: number;
  rate: number;
  z: number;
  lower95: number;
  upper95: number;
  lower998: number;
  upper998: number;
  position95: 'below' | 'within' | 'above';
  position998: 'below' | 'within' | 'above';
}

export interface ResponseRatesResult {
  rates: ResponseRateRow[];
  funnel: ResponseFunnelRow[];
  /** Limits by number assessed, to draw the funnel. */
  curves: { x: number; level: number; lower: number; upper: number }[];
  target: number | null;
  phi: number | null;
  notes: string[];
}

/**
 * Response rates per centre and disease with Wilson and Clopper-Pearson intervals, and the centre funnel.
 * @example responseRates(courseSignals(inputs).rows).rates
 */
export function responseRates(rows: readonly CourseSignalRow[], options: { level?: number; overdispersion?: boolean } = {}): ResponseRatesResult {
  const level = options.level ?? 0.95;
  const rates: ResponseRateRow[] = [];
  const centres = [...groupBy(rows, (r) => r.centre_id).entries()];
  const blocks: [string, CourseSignalRow[]][] = centres.length > 1 ? [...centres, [ALL_CENTRES, [...rows]]] : centres;
  for (const [centre, g] of blocks) {
    for (const [disease, dg] of [['all', g] as [string, CourseSignalRow[]], ...groupBy(g, (r) => r.disease).entries()]) {
      const x = dg.reduce((a, r) => a + r.responder, 0);
      const w = wilsonInterval(x, dg.length, level);
      const e = clopperPearsonInterval(x, dg.length, level);
      rates.push({
        centre_id: centre,
        disease,
        n_assessed: dg.length,
        responders: x,
        complete: dg.filter((r) => r.response === 'CR').length,
        rate: x / dg.length,
        wilson_lower: w.lower,
        wilson_upper: w.upper,
        exact_lower: e.lower,
        exact_upper: e.upper,
      });
    }
  }
  const notes: string[] = [];
  const events = centres.map(([, g]) => g.reduce((a, r) => a + r.responder, 0));
  const n = centres.map(([, g]) => g.length);
  const total = n.reduce((a, b) => a + b, 0);
  const target = total > 0 ? events.reduce((a, b) => a + b, 0) / total : null;
  if (target === null || target === 0 || target === 1) {
    if (target !== null) notes.push(responseMessages.funnelNoSpread(target));
    return { rates, funnel: [], curves: [], target, phi: null, notes };
  }
  const fp = funnelPlot({ events, n, label: centres.map(([c]) => c) }, { overdispersion: options.overdispersion ?? false });
  const funnel = fp.units.map((u): ResponseFunnelRow => ({
    centre_id: u.label!,
    n_assessed: u.n,
    responders: u.events,
    rate: u.proportion,
    z: u.z,
    lower95: u.limits[0]!.lower,
    upper95: u.limits[0]!.upper,
    lower998: u.limits[1]!.lower,
    upper998: u.limits[1]!.upper,
    position95: u.limits[0]!.position,
    position998: u.limits[1]!.position,
  }));
  const grid: number[] = [];
  for (let x = 1; x <= Math.max(2, Math.max(...n) * 1.1); x = Math.max(x + 1, Math.round(x * 1.15))) grid.push(x);
  const lim = funnelLimits(fp.target, grid, { phi: fp.overdispersionApplied ? fp.phi : 1 });
  const curves = lim.bands.flatMap((b) => grid.map((x, i) => ({ x, level: b.level, lower: b.lower[i]!, upper: b.upper[i]! })));
  return { rates, funnel, curves, target: fp.target, phi: fp.phi, notes };
}
