// Doses given per cycle: distribution per centre, regimen and cycle number.
import { describeNumeric, summaryColumns } from '../stats/describe.js';
import { byCentreAndAll, groupBy } from './group.js';
import { ALL_CENTRES, reachedMaximum, regimenLabel, type CycleDoses } from './types.js';

/** One row per centre (and ALL) × regimen × cycle number ('1', '2', … or 'all'). */
export interface DoseDistributionRow {
  centre_id: string;
  regimen: string;
  cycle_number: string;
  n_cycles: number;
  mean: number;
  sd: number | null;
  mean_lower: number | null;
  mean_upper: number | null;
  min: number;
  q1: number;
  median: number;
  q3: number;
  max: number;
  n_reached_max: number;
  share_reached_max: number;
}

/**
 * Doses given per cycle, summarised per centre, regimen ('600k/14', '720k/15', …: never pooled
 * across regimens) and cycle number, with an all-cycles row per regimen and an ALL-centres block.
 * @example doseDistribution(cycles).filter((r) => r.cycle_number === '1')
 */
export function doseDistribution(cycles: readonly CycleDoses[], options: { level?: number } = {}): DoseDistributionRow[] {
  const out: DoseDistributionRow[] = [];
  for (const [centre, rows] of byCentreAndAll(cycles, ALL_CENTRES)) {
    for (const [regimen, rr] of groupBy(rows, regimenLabel)) {
      const byCycle = [...groupBy(rr, (r) => String(r.cycle_number)).entries(), ['all', rr] as [string, CycleDoses[]]];
      for (const [cycleNumber, g] of byCycle) {
        const s = describeNumeric(g.map((r) => r.doses_given), options);
        const reached = g.filter(reachedMaximum).length;
        out.push({
          centre_id: centre,
          regimen,
          cycle_number: cycleNumber,
          n_cycles: s.n,
          ...summaryColumns(s),
          n_reached_max: reached,
          share_reached_max: reached / s.n,
        });
      }
    }
  }
  return out;
}

/** One row per centre × regimen × cycle number × number of doses given (0 … cap). */
export interface DoseHistogramRow {
  centre_id: string;
  regimen: string;
  cycle_number: string;
  doses_given: number;
  n_cycles: number;
  /** Share of the group's cycles with exactly this many doses. */
  share: number;
}

/**
 * Histogram of doses given per cycle (every count from 0 to the regimen's cap, zeros included).
 * @example doseHistogram(cycles).filter((r) => r.centre_id === 'nci')
 */
export function doseHistogram(cycles: readonly CycleDoses[]): DoseHistogramRow[] {
  const out: DoseHistogramRow[] = [];
  for (const [centre, rows] of byCentreAndAll(cycles, ALL_CENTRES)) {
    for (const [regimen, rr] of groupBy(rows, regimenLabel)) {
      const cap = Math.max(...rr.map((r) => Math.max(r.planned_max_doses, r.doses_given)));
      for (const [cycleNumber, g] of [...groupBy(rr, (r) => String(r.cycle_number)).entries(), ['all', rr] as [string, CycleDoses[]]]) {
        const counts = new Array<number>(cap + 1).fill(0);
        for (const r of g) counts[r.doses_given]! += 1;
        counts.forEach((n, k) => out.push({ centre_id: centre, regimen, cycle_number: cycleNumber, doses_given: k, n_cycles: n, share: n / g.length }));
      }
    }
  }
  return out;
}
