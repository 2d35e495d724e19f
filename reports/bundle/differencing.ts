// Differencing protection: a new bundle of a centre is compared with every bundle it released before over an
// overlapping period; a released count that differs from an earlier released one by less than k (but not by 0)
// would reveal a group under k (e.g. the one patient treated in the new quarter).
import { CENSORED_MOVED, parseInterval } from '../../analytics/panel/life-table.js';
import { periodsOverlap } from '../../analytics/panel/quarter.js';
import type { PanelBundle } from '../../schemas/bundle.js';

type BundleTable = PanelBundle['tables'][number];

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
    const limit = Math.max(k, old.policy.min_cell);
    const problem = (table: string, row: string, col: string, difference: number): DifferencingProblem => ({
      earlier_sha256: old.content_sha256,
      earlier_period: `${old.period.first}…${old.period.last}`,
      table,
      row,
      col,
      difference,
    });
    for (const t of next.tables) {
      const o = oldTables.get(t.id);
      if (o === undefined) continue;
      for (const d of lifeTableDifferences(t, o)) if (d.difference > 0 && d.difference < limit) out.push(problem(t.id, d.row, d.col, d.difference));
      t.rows.forEach((row, i) => {
        const oi = o.rows.indexOf(row);
        if (oi < 0) return;
        t.cols.forEach((col, j) => {
          const oj = o.cols.indexOf(col);
          const a = t.cells[i]![j];
          const b = oj < 0 ? null : o.cells[oi]![oj];
          if (a === null || a === undefined || b === null || b === undefined) return;
          const d = Math.abs(a - b);
          if (d > 0 && d < limit) out.push(problem(t.id, row, col, d));
        });
      });
    }
  }
  return out;
}

/** Month boundaries of a life table's rows (every row an interval on the grid), or null when it is not a life table. */
function lifeBoundaries(t: BundleTable): { starts: number[]; moved: boolean } | null {
  const parsed = t.rows.map(parseInterval);
  if (parsed.length === 0 || parsed.some((p) => p === null)) return null;
  return { starts: parsed.map((p) => p!.start), moved: t.rows.includes(CENSORED_MOVED) };
}

/**
 * Two releases of one life table cut at different boundaries (the merge follows the data, so a quarter's new patients
 * can move them): both are summed over the stretches between the boundaries they share, and those sums differenced.
 * Censorings moved to the last row are compared as one total. Label-by-label comparison cannot see a re-cut.
 */
export function lifeTableDifferences(a: BundleTable, b: BundleTable): { row: string; col: string; difference: number }[] {
  const ba = lifeBoundaries(a);
  const bb = lifeBoundaries(b);
  if (ba === null || bb === null || ba.starts.join() === bb.starts.join()) return [];
  const shared = ba.starts.filter((s) => bb.starts.includes(s)).sort((x, y) => x - y);
  const stretch = (start: number) => shared.filter((s) => s <= start).at(-1) ?? 0;
  const sums = (t: BundleTable, col: string, whole: boolean) => {
    const j = t.cols.indexOf(col);
    const m = new Map<number, number | null>();
    t.rows.forEach((row, i) => {
      const key = whole ? 0 : stretch(parseInterval(row)!.start);
      const v = j < 0 ? null : (t.cells[i]![j] ?? null);
      const prev = m.has(key) ? m.get(key)! : 0;
      m.set(key, prev === null || v === null ? null : prev + v);
    });
    return m;
  };
  const out: { row: string; col: string; difference: number }[] = [];
  for (const col of a.cols.filter((c) => b.cols.includes(c))) {
    const whole = col === 'censored' && (ba.moved || bb.moved);
    const sa = sums(a, col, whole);
    const sb = sums(b, col, whole);
    for (const [start, x] of sa) {
      const y = sb.get(start);
      if (x === null || y === null || y === undefined) continue;
      out.push({ row: whole ? 'all months' : `from month ${start}`, col, difference: Math.abs(x - y) });
    }
  }
  return out;
}
