// Differencing protection: a new bundle of a centre is compared with every bundle it released before over an
// overlapping period; a released count that differs from an earlier released one by less than k (but not by 0)
// would reveal a group under k (e.g. the one patient treated in the new quarter).
import { periodsOverlap } from '../../analytics/panel/quarter.js';
import type { PanelBundle } from '../../schemas/bundle.js';

export interface DifferencingProblem {
  earlier_sha256: string;
  earlier_period: string;
  table: string;
  row: string;
  col: string;
  difference: number;
}

/** The released bundle's cells that differ from an earlier released bundle by 1 … k − 1. @example differencingProblems(next, audit.map((a) => a.bundle)) */
export function differencingProblems(next: PanelBundle, earlier: readonly PanelBundle[]): DifferencingProblem[] {
  const k = next.policy.min_cell;
  const out: DifferencingProblem[] = [];
  for (const old of earlier) {
    if (old.centre_id !== next.centre_id || old.content_sha256 === next.content_sha256 || !periodsOverlap(old.period, next.period)) continue;
    const oldTables = new Map(old.tables.map((t) => [t.id, t]));
    for (const t of next.tables) {
      const o = oldTables.get(t.id);
      if (o === undefined) continue;
      t.rows.forEach((row, i) => {
        const oi = o.rows.indexOf(row);
        if (oi < 0) return;
        t.cols.forEach((col, j) => {
          const oj = o.cols.indexOf(col);
          const a = t.cells[i]![j];
          const b = oj < 0 ? null : o.cells[oi]![oj];
          if (a === null || a === undefined || b === null || b === undefined) return;
          const d = Math.abs(a - b);
          if (d > 0 && d < Math.max(k, old.policy.min_cell))
            out.push({
              earlier_sha256: old.content_sha256,
              earlier_period: `${old.period.first}…${old.period.last}`,
              table: t.id,
              row,
              col,
              difference: d,
            });
        });
      });
    }
  }
  return out;
}
