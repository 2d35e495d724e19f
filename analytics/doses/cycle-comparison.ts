// Cycle 1 vs cycle 2 of the same course: paired difference in doses given.
import { describeNumeric } from '../stats/describe.js';
import { byCentreAndAll, groupBy } from './group.js';
import { ALL_CENTRES, regimenLabel, type CycleDoses } from './types.js';

/** One row per centre (and ALL) × regimen: courses with both cycle 1 and cycle 2 at that regimen. */
export interface CycleComparisonRow {
  centre_id: string;
  regimen: string;
  n_pairs: number;
  mean_cycle1: number;
  mean_cycle2: number;
  median_cycle1: number;
  median_cycle2: number;
  /** Mean of (cycle 2 − cycle 1) and its paired t interval (null with one pair). */
  mean_difference: number;
  difference_lower: number | null;
  difference_upper: number | null;
  median_difference: number;
  /** Pairs where cycle 2 reached fewer / the same / more doses than cycle 1. */
  n_fewer: number;
  n_same: number;
  n_more: number;
}

/**
 * Pairs cycle 1 with cycle 2 of each course (both at the same regimen) and summarises cycle 2 − cycle 1.
 * Courses without a cycle 2 (stopped, discontinued) are not pairs and are left out.
 * @example cycleComparison(cycles).find((r) => r.centre_id === 'ALL')
 */
export function cycleComparison(cycles: readonly CycleDoses[], options: { level?: number } = {}): CycleComparisonRow[] {
  const pairs: { centre_id: string; regimen: string; c1: number; c2: number }[] = [];
  for (const g of groupBy(cycles, (c) => `${c.centre_id}\u0000${c.patient_key}\u0000${c.course_number}`).values()) {
    const c1 = g.find((c) => c.cycle_number === 1);
    const c2 = g.find((c) => c.cycle_number === 2);
    if (c1 && c2 && regimenLabel(c1) === regimenLabel(c2))
      pairs.push({ centre_id: c1.centre_id, regimen: regimenLabel(c1), c1: c1.doses_given, c2: c2.doses_given });
  }
  const out: CycleComparisonRow[] = [];
  for (const [centre, rows] of byCentreAndAll(pairs, ALL_CENTRES)) {
    for (const [regimen, g] of groupBy(rows, (r) => r.regimen)) {
      const d = describeNumeric(g.map((p) => p.c2 - p.c1), options);
      const s1 = describeNumeric(g.map((p) => p.c1));
      const s2 = describeNumeric(g.map((p) => p.c2));
      out.push({
        centre_id: centre,
        regimen,
        n_pairs: g.length,
        mean_cycle1: s1.mean,
        mean_cycle2: s2.mean,
        median_cycle1: s1.median,
        median_cycle2: s2.median,
        mean_difference: d.mean,
        difference_lower: d.meanLower,
        difference_upper: d.meanUpper,
        median_difference: d.median,
        n_fewer: g.filter((p) => p.c2 < p.c1).length,
        n_same: g.filter((p) => p.c2 === p.c1).length,
        n_more: g.filter((p) => p.c2 > p.c1).length,
      });
    }
  }
  return out;
}
