// Differencing protection: a new bundle of a centre is compared with every bundle it released before over an
// overlapping period; a released count that differs from an earlier released one by less than k (but not by 0)
// would reveal a group under k (e.g. the one patient treated in the new quarter).
import { CENSORED_MOVED, parseInterval } from '../../analytics/panel/life-table.js';
import { MERGED_RARE, parseBand } from '../../analytics/panel/coarsen-toxicity.js';
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
      for (const d of [...lifeTableDifferences(t, o), ...cycleEndDifferences(t, o)])
        if (d.difference > 0 && d.difference < limit) out.push(problem(t.id, d.row, d.col, d.difference));
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

/** Start of each row of a life table (months) or a reversal table (days), or null for another table. */
const parseRow = (t: BundleTable) => (t.kind === 'reversal' ? parseBand : t.kind === 'os_life' || t.kind === 'pfs_life' ? parseInterval : null);

/** Boundaries of a life or reversal table's rows (every row an interval on its cuts), or null when it is neither. */
function lifeBoundaries(t: BundleTable): { starts: number[]; moved: boolean } | null {
  const parse = parseRow(t);
  const parsed = parse === null ? [] : t.rows.map(parse);
  if (parsed.length === 0 || parsed.some((p) => p === null)) return null;
  return { starts: parsed.map((p) => p!.start), moved: t.rows.includes(CENSORED_MOVED) };
}

/** The columns two releases can be compared by: their own, or (a reversal table's columns merged in one) reversed and the rest. */
function comparableCols(a: BundleTable, b: BundleTable): { col: string; of: (t: BundleTable) => number[] }[] {
  if (a.cols.join() === b.cols.join()) return a.cols.map((col, j) => ({ col, of: () => [j] }));
  const rest = (t: BundleTable) => t.cols.flatMap((c, j) => (c === 'reversed' ? [] : [j]));
  return [
    { col: 'reversed', of: (t: BundleTable) => [t.cols.indexOf('reversed')] },
    { col: 'not reversed', of: rest },
  ];
}

/**
 * Two releases of one cycle-end table whose rare reasons were merged differently: the cycles of the reasons not listed in
 * both (with `merged_rare`) are a total of their own, as is the table's; each is compared (the listed ones label by label).
 */
export function cycleEndDifferences(a: BundleTable, b: BundleTable): { row: string; col: string; difference: number }[] {
  if (a.kind !== 'cycle_end' || b.kind !== 'cycle_end' || a.cells.flat().some((v) => v === null) || b.cells.flat().some((v) => v === null)) return [];
  const both = a.rows.filter((r) => r !== MERGED_RARE && b.rows.includes(r));
  const sum = (t: BundleTable, keep: (r: string) => boolean) => t.rows.reduce((s, r, i) => s + (keep(r) ? (t.cells[i]![0] as number) : 0), 0);
  const out = [{ row: 'all reasons', col: 'cycles', difference: Math.abs(sum(a, () => true) - sum(b, () => true)) }];
  if (a.rows.includes(MERGED_RARE) || b.rows.includes(MERGED_RARE)) {
    const rest = (t: BundleTable) => sum(t, (r) => !both.includes(r));
    out.push({ row: 'reasons not listed in both releases', col: 'cycles', difference: Math.abs(rest(a) - rest(b)) });
  }
  return out;
}

/**
 * Two releases of one life table cut at different boundaries (the merge follows the data, so a quarter's new patients
 * can move them): both are summed over the stretches between the boundaries they share, and those sums differenced.
 * Censorings moved to the last row are compared as one total. Label-by-label comparison cannot see a re-cut.
 */
export function lifeTableDifferences(a: BundleTable, b: BundleTable): { row: string; col: string; difference: number }[] {
  const ba = lifeBoundaries(a);
  const bb = lifeBoundaries(b);
  if (ba === null || bb === null || (ba.starts.join() === bb.starts.join() && a.cols.join() === b.cols.join())) return [];
  const shared = ba.starts.filter((s) => bb.starts.includes(s)).sort((x, y) => x - y);
  const stretch = (start: number) => shared.filter((s) => s <= start).at(-1) ?? 0;
  const parse = parseRow(a)!;
  const sums = (t: BundleTable, cols: number[], whole: boolean) => {
    const m = new Map<number, number | null>();
    t.rows.forEach((row, i) => {
      const key = whole ? 0 : stretch(parse(row)!.start);
      const v = cols.some((j) => j < 0 || t.cells[i]![j] === null) ? null : cols.reduce((s, j) => s + (t.cells[i]![j] as number), 0);
      const prev = m.has(key) ? m.get(key)! : 0;
      m.set(key, prev === null || v === null ? null : prev + v);
    });
    return m;
  };
  const unit = a.kind === 'reversal' ? 'day' : 'month';
  const out: { row: string; col: string; difference: number }[] = [];
  for (const { col, of } of comparableCols(a, b)) {
    const whole = col === 'censored' && (ba.moved || bb.moved);
    const sa = sums(a, of(a), whole);
    const sb = sums(b, of(b), whole);
    for (const [start, x] of sa) {
      const y = sb.get(start);
      if (x === null || y === null || y === undefined) continue;
      out.push({ row: whole ? `all ${unit}s` : `from ${unit} ${start}`, col, difference: Math.abs(x - y) });
    }
  }
  return out;
}
