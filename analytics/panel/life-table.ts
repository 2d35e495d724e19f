// Life tables a centre can release whole: events and censorings per interval of months from the first dose, on a
// 6-month grid whose adjacent intervals are merged until every cell is 0 or at least k (coarsening instead of
// suppressing, as statistical agencies do). The boundaries then come from the data; the merge rule is fixed, so a
// reader who knows it learns only that a merged stretch held a cell under k somewhere, never its value
// (test/analytics/panel/life-table.test.ts tries every move of counts inside a merged interval).
// At the panel, each centre's merged interval is spread evenly over the grid intervals it covers (constant rates within
// it), and the summed grid is read by the actuarial estimator.

/** Grid of the finest life table: 6-month intervals to 60 months, then 60 and over (a tabulation choice). */
export const LIFE_GRID_MONTHS = 6;
export const LIFE_GRID_END = 60;
export const LIFE_COLS = ['events', 'censored'] as const;

/** Label of the interval [start, end) in months; end null is open (start and over). */
export const intervalLabel = (start: number, end: number | null): string => (end === null ? `ge${start}` : `m${start}-${end}`);

/** Start and end (null: open) of an interval label, or null when it is not one on the grid. */
export function parseInterval(label: string): { start: number; end: number | null } | null {
  const m = /^(?:m(\d+)-(\d+)|ge(\d+))$/.exec(label);
  if (m === null) return null;
  const start = Number(m[1] ?? m[3]);
  const end = m[2] === undefined ? null : Number(m[2]);
  const onGrid = (x: number) => x % LIFE_GRID_MONTHS === 0 && x <= LIFE_GRID_END;
  if (!onGrid(start) || (end !== null && (!onGrid(end) || end <= start))) return null;
  return { start, end };
}

/** Number of grid intervals (the last one open). */
export const GRID_ROWS = LIFE_GRID_END / LIFE_GRID_MONTHS + 1;

/** Events and censorings per grid interval. @example gridCounts([{ t: 3.2, event: 1 }]) // [[1, 0], [0, 0], …] */
export function gridCounts(times: readonly { t: number; event: 0 | 1 }[]): number[][] {
  const counts = Array.from({ length: GRID_ROWS }, () => [0, 0]);
  for (const x of times) counts[Math.min(GRID_ROWS - 1, Math.floor(x.t / LIFE_GRID_MONTHS))]![x.event === 1 ? 0 : 1]! += 1;
  return counts;
}

export interface CoarseLifeTable {
  rows: string[];
  counts: number[][];
}

/**
 * Merges adjacent grid intervals, from the first, until each interval's events and censorings are each 0 or ≥ k and
 * the interval is not empty; an open tail that fails is merged back into the interval before it.
 * @example coarsenLifeTable(gridCounts(times), 5)
 */
export function coarsenLifeTable(grid: readonly (readonly number[])[], k: number): CoarseLifeTable {
  const ok = (c: readonly number[]) => c.every((v) => v === 0 || v >= k);
  const out: { start: number; counts: number[] }[] = [];
  let start = 0;
  let acc = [0, 0];
  for (let i = 0; i < grid.length - 1; i++) {
    acc = [acc[0]! + grid[i]![0]!, acc[1]! + grid[i]![1]!];
    if (acc[0]! + acc[1]! > 0 && ok(acc)) {
      out.push({ start, counts: acc });
      start = (i + 1) * LIFE_GRID_MONTHS;
      acc = [0, 0];
    }
  }
  acc = [acc[0]! + grid[grid.length - 1]![0]!, acc[1]! + grid[grid.length - 1]![1]!];
  while (!ok(acc) && out.length > 0) {
    const prev = out.pop()!;
    acc = [acc[0]! + prev.counts[0]!, acc[1]! + prev.counts[1]!];
    start = prev.start;
  }
  out.push({ start, counts: acc });
  return {
    rows: out.map((o, i) => intervalLabel(o.start, i + 1 < out.length ? out[i + 1]!.start : null)),
    counts: out.map((o) => o.counts),
  };
}

/**
 * A released life table on the grid: each closed interval's counts spread evenly over the grid intervals it covers; an
 * open tail goes to the grid intervals from its start only as a whole (`openFrom` says where the grid stops being known).
 */
export function spreadToGrid(rows: readonly string[], counts: readonly (readonly number[])[]): { grid: number[][]; openFrom: number } {
  const grid = Array.from({ length: GRID_ROWS }, () => [0, 0]);
  let openFrom = GRID_ROWS - 1;
  rows.forEach((label, r) => {
    const iv = parseInterval(label)!;
    const first = iv.start / LIFE_GRID_MONTHS;
    const last = iv.end === null ? GRID_ROWS : iv.end / LIFE_GRID_MONTHS;
    if (iv.end === null) openFrom = first;
    const width = iv.end === null ? 1 : last - first;
    for (let g = first; g < (iv.end === null ? first + 1 : last); g++)
      for (let c = 0; c < 2; c++) grid[g]![c]! += counts[r]![c]! / width;
  });
  return { grid, openFrom };
}
