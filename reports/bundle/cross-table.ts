// Cross-table differencing (decision 48): two released tables of the same patients whose difference is itself a
// count of patients. OS and PFS of one disease: every death is a PFS event no later than it, so at each month both
// tables have as a boundary, PFS events so far − OS events so far = patients who progressed and were alive then (or lost
// to follow-up); OS censorings so far − PFS censorings so far = patients who progressed and were lost by then. Those
// may be 1 … k − 1 while every cell is ≥ k. Creatinine back within 1.5×: its courses are a subset of those of creatinine
// back to baseline (raised above 1.5× is raised above 1×), so the difference of the two tables' totals is the courses
// raised only between 1× and 1.5×. Where such a difference is under k, the secondary table (PFS; creatinine within 1.5×,
// since back to baseline is the measure with a published figure) is merged at that month, or withheld whole when the
// difference is the tables' totals.
// The two creatinine tables are also linked course by course (a common course reaches 1.5× no later than baseline, and
// dies first or is censored at the same time in both when it never reaches 1.5×), so at each day both cut at, died first
// so far, censored so far, not reversed so far and still at risk after the day each differ by a count of courses
// (decision 54). A died-first or censored total difference under k folds the 1.5× table's two columns into one; a
// difference at a day merges its bands there; a not-reversed or course total difference withholds it.
import { CENSORED_MOVED, intervalLabel, LIFE_GRID_END, parseInterval } from '../../analytics/panel/life-table.js';
import { bandLabel, CENSORED_DIED, parseBand } from '../../analytics/panel/coarsen-toxicity.js';
import type { CountTable } from '../../analytics/panel/types.js';

export interface CrossTableFix {
  /** The table changed (merged at `at`, its non-reversed columns folded) or withheld. */
  table: string;
  against: string;
  at: string;
  action: 'merged' | 'folded' | 'withheld';
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

/** A reversal table's columns as a reader can sum them: reversed, not reversed, and died first / censored unless folded. */
type Series = 'reversed' | 'not_reversed' | 'died' | 'censored' | 'all';
const reversalSeries = (t: CountTable): Record<Series, ((r: number[]) => number) | null> => ({
  reversed: (r) => r[0]!,
  not_reversed: (r) => r.slice(1).reduce((a, b) => a + b, 0),
  died: t.cols.length === 3 ? (r) => r[1]! : null,
  censored: t.cols.length === 3 ? (r) => r[2]! : null,
  all: (r) => r.reduce((a, b) => a + b, 0),
});

/** Sum of a series over a reversal table's first `upTo` rows (all rows by default). */
const sumRows = (t: CountTable, f: (r: number[]) => number, upTo = t.rows.length) => t.counts.slice(0, upTo).reduce((s, r) => s + f(r), 0);

/** Day starts of a reversal table's rows. */
const bandStarts = (t: CountTable) => t.rows.map((r) => parseBand(r)!.start);

/**
 * The differences of two creatinine tables a reader can form, each a count of courses: by each day both cut at (died
 * first, censored, not reversed so far; still at risk after it) and over all days (courses, died first, censored, not
 * reversed). Reversed so far is a count only when both tables hold the same courses (otherwise courses minus courses).
 */
export function creatinineDifferences(wide: CountTable, narrow: CountTable): { at: number | null; what: string; difference: number }[] {
  const [a, b] = [reversalSeries(wide), reversalSeries(narrow)];
  const sameCourses = sumRows(wide, a.all!) === sumRows(narrow, b.all!);
  const kinds = (['died', 'censored', 'not_reversed', ...(sameCourses ? ['reversed'] : [])] as Series[]).filter((x) => a[x] !== null && b[x] !== null);
  const out: { at: number | null; what: string; difference: number }[] = [];
  const [sa, sb] = [bandStarts(wide), bandStarts(narrow)];
  for (const d of sa.filter((x) => x > 0 && sb.includes(x))) {
    const [i, j] = [sa.indexOf(d), sb.indexOf(d)];
    for (const x of kinds) out.push({ at: d, what: `${x} by day ${d}`, difference: Math.abs(sumRows(wide, a[x]!, i) - sumRows(narrow, b[x]!, j)) });
    const after = (t: CountTable, upTo: number) => sumRows(t, reversalSeries(t).all!) - sumRows(t, reversalSeries(t).all!, upTo);
    out.push({ at: d, what: `at risk after day ${d}`, difference: Math.abs(after(wide, i) - after(narrow, j)) });
  }
  for (const x of ['all', ...kinds] as Series[])
    out.push({ at: null, what: `${x} over all days`, difference: Math.abs(sumRows(wide, a[x]!) - sumRows(narrow, b[x]!)) });
  return out;
}

/** The reversal table with its rows either side of day d merged into one. */
function mergeBandAt(t: CountTable, d: number): CountTable {
  const i = bandStarts(t).indexOf(d);
  const [prev, next] = [parseBand(t.rows[i - 1]!)!, parseBand(t.rows[i]!)!];
  const rows = [...t.rows.slice(0, i - 1), bandLabel(prev.start, next.end), ...t.rows.slice(i + 1)];
  const counts = [...t.counts.slice(0, i - 1), t.counts[i - 1]!.map((v, j) => v + t.counts[i]![j]!), ...t.counts.slice(i + 1)];
  return { ...t, rows, counts };
}

/** Creatinine within 1.5× against back to baseline: folded, merged at each day with a small difference, or withheld. */
function protectCreatinine(wide: CountTable, narrow: CountTable, k: number, fixes: CrossTableFix[]): CountTable | null {
  const fix = (at: string, action: CrossTableFix['action']) => fixes.push({ table: narrow.id, against: wide.id, at, action });
  const smallAt = (t: CountTable, test: (x: { at: number | null; what: string }) => boolean) =>
    creatinineDifferences(wide, t).find((x) => test(x) && small(x.difference, k));
  let t = narrow;
  // Died first or censored over all days: only the sum of the two is released (the reader then has not reversed alone).
  if (smallAt(t, (x) => x.at === null && /^(died|censored) /.test(x.what)) !== undefined) {
    t = { ...t, cols: ['reversed', CENSORED_DIED], counts: t.counts.map((r) => [r[0]!, r.slice(1).reduce((s, v) => s + v, 0)]) };
    fix('all days', 'folded');
  }
  for (let d = smallAt(t, (x) => x.at !== null); d !== undefined; d = smallAt(t, (x) => x.at !== null)) {
    t = mergeBandAt(t, d.at!);
    fix(`day ${d.at}`, 'merged');
  }
  if (smallAt(t, (x) => x.at === null) !== undefined) {
    fix('all days', 'withheld');
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
    if (wide === undefined) return t;
    const out = protectCreatinine(wide, t, k, fixes);
    if (out === null) withhold.add(t.id);
    return out ?? t;
  });
  return { tables, withhold, fixes };
}
