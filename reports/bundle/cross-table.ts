// Cross-table differencing (decision 48): two released tables of the same patients whose difference is itself a
// count of patients. OS and PFS of one disease: every death is a PFS event no later than it, so at each month both
// tables have as a boundary, PFS events so far − OS events so far = patients who progressed and were alive then (or lost
// to follow-up); OS censorings so far − PFS censorings so far = patients who progressed and were lost by then. Those
// may be 1 … k − 1 while every cell is ≥ k. Creatinine back within 1.5×: its courses are a subset of those of creatinine
// back to baseline (raised above 1.5× is raised above 1×), so the difference of the two tables' totals is the courses
// raised only between 1× and 1.5×. Where such a difference is under k, the secondary table (PFS; creatinine within 1.5×,
// since back to baseline is the measure with a published figure) is merged at that month, or withheld whole when the
// difference is the tables' totals.
import { CENSORED_MOVED, intervalLabel, LIFE_GRID_END, parseInterval } from '../../analytics/panel/life-table.js';
import type { CountTable } from '../../analytics/panel/types.js';

export interface CrossTableFix {
  /** The table changed (merged at `at`) or withheld. */
  table: string;
  against: string;
  at: string;
  action: 'merged' | 'withheld';
}

const small = (d: number, k: number) => d > 0 && d < k;
const sumCol = (t: CountTable, j: number, upTo = t.rows.length) => t.counts.slice(0, upTo).reduce((s, r) => s + r[j]!, 0);

/** Month starts of a life table's rows. */
const starts = (t: CountTable) => t.rows.map((r) => parseInterval(r)!.start);

/** The first month (< 60) that both tables have as a boundary where the events or censorings so far differ by 1 … k − 1. */
function smallBoundary(os: CountTable, pfs: CountTable, k: number): number | null {
  const a = starts(os);
  const b = starts(pfs);
  const censored = !os.rows.includes(CENSORED_MOVED) && !pfs.rows.includes(CENSORED_MOVED);
  for (const m of a.filter((x) => x > 0 && x < LIFE_GRID_END && b.includes(x))) {
    const [i, j] = [a.indexOf(m), b.indexOf(m)];
    if (small(Math.abs(sumCol(pfs, 0, j) - sumCol(os, 0, i)), k)) return m;
    if (censored && small(Math.abs(sumCol(os, 1, i) - sumCol(pfs, 1, j)), k)) return m;
  }
  return null;
}

/** The life table with its rows either side of month m merged into one. */
function mergeAt(t: CountTable, m: number): CountTable {
  const i = starts(t).indexOf(m);
  const prev = parseInterval(t.rows[i - 1]!)!;
  const next = parseInterval(t.rows[i]!)!;
  const rows = [...t.rows.slice(0, i - 1), intervalLabel(prev.start, next.end), ...t.rows.slice(i + 1)];
  const counts = [...t.counts.slice(0, i - 1), t.counts[i - 1]!.map((v, j) => v + t.counts[i]![j]!), ...t.counts.slice(i + 1)];
  return { ...t, rows, counts };
}

/** OS and PFS of one disease: PFS merged at each month with a small difference, withheld when the totals differ by 1 … k − 1. */
function protectLife(os: CountTable, pfs: CountTable, k: number, fixes: CrossTableFix[]): CountTable | null {
  let t = pfs;
  for (let m = smallBoundary(os, t, k); m !== null; m = smallBoundary(os, t, k)) {
    t = mergeAt(t, m);
    fixes.push({ table: pfs.id, against: os.id, at: `month ${m}`, action: 'merged' });
  }
  // Totals: PFS events − OS events = patients who progressed and were not known dead by 60 months.
  if (small(Math.abs(sumCol(t, 0) - sumCol(os, 0)), k)) {
    fixes.push({ table: pfs.id, against: os.id, at: 'all months', action: 'withheld' });
    return null;
  }
  return t;
}

/**
 * The tables with every cross-table difference under k removed: PFS merged or withheld against OS, creatinine back
 * within 1.5× withheld against back to baseline. `withhold` names the tables to withhold whole.
 * @example const { tables, withhold, fixes } = protectCrossTables(coarsened, 5)
 */
export function protectCrossTables(input: readonly CountTable[], k: number): { tables: CountTable[]; withhold: Set<string>; fixes: CrossTableFix[] } {
  const byId = new Map(input.map((t) => [t.id, t]));
  const withhold = new Set<string>();
  const fixes: CrossTableFix[] = [];
  const tables = input.map((t) => {
    const os = t.kind === 'pfs_life' ? byId.get(`os_life:${t.group.disease}`) : undefined;
    if (os !== undefined) {
      const out = protectLife(os, t, k, fixes);
      if (out === null) withhold.add(t.id);
      return out ?? t;
    }
    const wide = t.id === 'reversal:creatinine_1_5x' ? byId.get('reversal:creatinine_baseline') : undefined;
    const total = (x: CountTable) => x.counts.flat().reduce((a, b) => a + b, 0);
    if (wide !== undefined && small(total(wide) - total(t), k)) {
      fixes.push({ table: t.id, against: wide.id, at: 'all days', action: 'withheld' });
      withhold.add(t.id);
    }
    return t;
  });
  return { tables, withhold, fixes };
}
