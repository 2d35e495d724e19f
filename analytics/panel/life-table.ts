// Life tables a centre can release whole: events and censorings per interval of months from the first dose, on a
// 6-month grid whose adjacent intervals are merged so that every cell is 0 or at least k (coarsening instead of
// suppressing, as statistical agencies do). The boundaries then come from the data; the merge rule is fixed, so a
// reader who knows it learns only that a merged stretch held a cell under k somewhere, never its value
// (test/analytics/panel/life-table.test.ts tries every move of counts inside a merged interval).
// At the panel, each centre's merged interval is spread over the grid intervals it covers (events at a constant hazard,
// censorings evenly), and the summed grid is read by the actuarial estimator. Follow-up is truncated at 60 months (the last row is
// the patients still at risk then), so every landmark up to 60 months lies in a closed interval.

/** Grid of the finest life table: 6-month intervals to 60 months, then 60 and over (a tabulation choice). */
export const LIFE_GRID_MONTHS = 6;
export const LIFE_GRID_END = 60;
export const LIFE_COLS = ['events', 'censored'] as const;

/** Label of the interval [start, end) in months; end null is open (start and over). */
export const intervalLabel = (start: number, end: number | null): string => (end === null ? `ge${start}` : `m${start}-${end}`);

/** Start and end (null: open) of an interval label, or null when it is not one on the grid. */
export function parseInterval(label: string): { start: number; end: number | null } | null {
  const m = /^(?:m(\d+)-(\d+)|ge(\d+)(?:\+censored)?)$/.exec(label);
  if (m === null) return null;
  const start = Number(m[1] ?? m[3]);
  const end = m[2] === undefined ? null : Number(m[2]);
  const onGrid = (x: number) => x % LIFE_GRID_MONTHS === 0 && x <= LIFE_GRID_END;
  if (!onGrid(start) || (end !== null && (!onGrid(end) || end <= start))) return null;
  return { start, end };
}

/** Number of grid intervals (the last one open). */
export const GRID_ROWS = LIFE_GRID_END / LIFE_GRID_MONTHS + 1;

/**
 * Events and censorings per grid interval, follow-up truncated at 60 months: the open last row holds the patients still
 * at risk then, as censored (its events are always 0). @example gridCounts([{ t: 3.2, event: 1 }]) // [[1, 0], [0, 0], …]
 */
export function gridCounts(times: readonly { t: number; event: 0 | 1 }[]): number[][] {
  const counts = Array.from({ length: GRID_ROWS }, () => [0, 0]);
  for (const x of times) {
    const row = Math.min(GRID_ROWS - 1, Math.floor(x.t / LIFE_GRID_MONTHS));
    counts[row]![x.event === 1 && row < GRID_ROWS - 1 ? 0 : 1]! += 1;
  }
  return counts;
}

export interface CoarseLifeTable {
  rows: string[];
  counts: number[][];
}

/** Merges the last closed interval into the one before it while one of its cells is under k. */
function mergeBack(out: { start: number; counts: number[] }[], ok: (c: readonly number[]) => boolean): void {
  while (out.length > 1 && !ok(out[out.length - 1]!.counts)) {
    const last = out.pop()!;
    const prev = out[out.length - 1]!;
    prev.counts = [prev.counts[0]! + last.counts[0]!, prev.counts[1]! + last.counts[1]!];
  }
}

/** Forward merging of the closed rows, then the rest and a small at-risk row folded back. */
function greedy(grid: readonly (readonly number[])[], ok: (c: readonly number[]) => boolean): { out: { start: number; counts: number[] }[]; atRisk: number[] } {
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
  if (acc[0]! + acc[1]! > 0 || out.length === 0) out.push({ start, counts: acc });
  mergeBack(out, ok);
  const atRisk = [...grid[grid.length - 1]!];
  if (!ok(atRisk)) {
    out[out.length - 1]!.counts[1]! += atRisk[1]!;
    atRisk[1] = 0;
    mergeBack(out, ok);
  }
  return { out, atRisk };
}

/** Label of the last row when the censorings before 60 months were moved into it. */
export const CENSORED_MOVED = 'ge60+censored';

/**
 * Merges adjacent closed grid intervals, from the first, until each interval's events and censorings are each 0 or ≥ k
 * and the interval is not empty; what is left before 60 months joins the interval before it (backwards while a cell is
 * under k). Patients at risk at 60 months, when fewer than k, are counted as censored in the last closed interval and
 * the open row says 0. When the censorings still leave a cell under k (fewer than k censored before 60 months, say),
 * every censoring before 60 months is moved to the last row, labelled `ge60+censored` (as if followed to 60 months:
 * survival reads slightly high), and the intervals are merged on the events alone.
 * @example coarsenLifeTable(gridCounts(times), 5)
 */
export function coarsenLifeTable(grid: readonly (readonly number[])[], k: number): CoarseLifeTable {
  const ok = (c: readonly number[]) => c.every((v) => v === 0 || v >= k);
  let { out, atRisk } = greedy(grid, ok);
  let last = intervalLabel(LIFE_GRID_END, null);
  if (!out.every((o) => ok(o.counts))) {
    const censored = grid.reduce((s, r) => s + r[1]!, 0);
    ({ out, atRisk } = greedy([...grid.slice(0, -1).map((r) => [r[0]!, 0]), [0, censored]], ok));
    last = CENSORED_MOVED;
  }
  return {
    rows: [...out.map((o, i) => intervalLabel(o.start, out[i + 1]?.start ?? LIFE_GRID_END)), last],
    counts: [...out.map((o) => o.counts), atRisk],
  };
}

/**
 * Events of a merged interval over its w grid intervals at a constant hazard (actuarial, censorings spread evenly):
 * the per-interval probability q is found by bisection so that the events add up to d.
 */
function constantHazardEvents(n: number, d: number, c: number, w: number): number[] {
  const run = (q: number) => {
    let at = n;
    return Array.from({ length: w }, () => {
      const e = q * Math.max(0, at - c / w / 2);
      at -= e + c / w;
      return e;
    });
  };
  if (d <= 0) return Array(w).fill(0);
  let [lo, hi] = [0, 1];
  for (let it = 0; it < 60; it++) {
    const mid = (lo + hi) / 2;
    if (run(mid).reduce((a, b) => a + b, 0) < d) lo = mid;
    else hi = mid;
  }
  const e = run((lo + hi) / 2);
  const sum = e.reduce((a, b) => a + b, 0);
  return sum > 0 ? e.map((x) => (x * d) / sum) : Array(w).fill(d / w);
}

/**
 * A released life table on the grid: each closed interval's events spread over the grid intervals it covers at a
 * constant hazard within it, its censorings evenly; the open last row stays where it starts (`openFrom`).
 * @example spreadToGrid(['m0-12', 'm12-60', 'ge60'], [[30, 0], [10, 5], [0, 8]])
 */
export function spreadToGrid(rows: readonly string[], counts: readonly (readonly number[])[]): { grid: number[][]; openFrom: number } {
  const grid = Array.from({ length: GRID_ROWS }, () => [0, 0]);
  let openFrom = GRID_ROWS - 1;
  let atRisk = counts.reduce((s, r) => s + r[0]! + r[1]!, 0);
  rows.forEach((label, r) => {
    const iv = parseInterval(label)!;
    const first = iv.start / LIFE_GRID_MONTHS;
    const [d, c] = [counts[r]![0]!, counts[r]![1]!];
    if (iv.end === null) {
      openFrom = first;
      grid[first]![0]! += d;
      grid[first]![1]! += c;
    } else {
      const w = iv.end / LIFE_GRID_MONTHS - first;
      const events = constantHazardEvents(atRisk, d, c, w);
      for (let g = 0; g < w; g++) (grid[first + g]![0]! += events[g]!), (grid[first + g]![1]! += c / w);
    }
    atRisk -= d + c;
  });
  return { grid, openFrom };
}
