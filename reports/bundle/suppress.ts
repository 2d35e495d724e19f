// Cell suppression of one count table: primary (every non-zero count below k) and secondary (complementary) so that no
// suppressed cell can be worked out exactly from the table's row, column and grand totals, which are assumed public.
// A cell is recoverable exactly when its unit vector lies in the row space of the margin equations restricted to the
// suppressed cells (linear algebra; for a two-way table this is "the cell is a bridge of the suppression graph").

export type SuppressionReason = 'primary' | 'secondary' | 'withheld';

export interface SuppressedCell {
  row: number;
  col: number;
  reason: SuppressionReason;
}

export interface SuppressionResult {
  /** Counts with suppressed cells set to null. */
  cells: (number | null)[][];
  suppressed: SuppressedCell[];
  /** The whole table was withheld: its total is below k, or no complementary pattern protects it. */
  withheld: boolean;
}

type Cell = readonly [number, number];

/** The margin equations of an r × c table, each the list of cells it sums (a one-cell margin is the cell itself, not an equation). */
function marginEquations(nr: number, nc: number): Cell[][] {
  const eqs: Cell[][] = [];
  if (nc >= 2) for (let r = 0; r < nr; r++) eqs.push(Array.from({ length: nc }, (_, c) => [r, c] as const));
  if (nr >= 2) for (let c = 0; c < nc; c++) eqs.push(Array.from({ length: nr }, (_, r) => [r, c] as const));
  return eqs;
}

/** Suppressed cells that the margins determine exactly (reduced row echelon form over the suppressed cells). */
export function recoverableCells(nr: number, nc: number, suppressed: readonly Cell[]): Cell[] {
  if (suppressed.length === 0) return [];
  const index = new Map(suppressed.map(([r, c], j) => [r * nc + c, j]));
  const s = suppressed.length;
  const m: number[][] = [];
  for (const eq of marginEquations(nr, nc)) {
    const row = new Array<number>(s).fill(0);
    let any = false;
    for (const [r, c] of eq) {
      const j = index.get(r * nc + c);
      if (j !== undefined) (row[j] = 1), (any = true);
    }
    if (any) m.push(row);
  }
  const pivots: number[] = [];
  let lead = 0;
  for (let col = 0; col < s && lead < m.length; col++) {
    let p = lead;
    while (p < m.length && Math.abs(m[p]![col]!) < 1e-9) p++;
    if (p === m.length) continue;
    [m[lead], m[p]] = [m[p]!, m[lead]!];
    const pv = m[lead]![col]!;
    m[lead] = m[lead]!.map((v) => v / pv);
    for (let i = 0; i < m.length; i++) {
      if (i === lead || Math.abs(m[i]![col]!) < 1e-9) continue;
      const f = m[i]![col]!;
      m[i] = m[i]!.map((v, j) => v - f * m[lead]![j]!);
    }
    pivots.push(col);
    lead++;
  }
  const pivotSet = new Set(pivots);
  const out: Cell[] = [];
  pivots.forEach((col, i) => {
    const free = m[i]!.some((v, j) => !pivotSet.has(j) && Math.abs(v) > 1e-9);
    if (!free) out.push(suppressed[col]!);
  });
  return out;
}

/** Cost of suppressing a cell: its count, a zero far dearer (a zero partner leaves the hidden cell's bounds narrow). */
const cost = (n: number) => (n === 0 ? 1e6 : n);

/**
 * The cells to suppress next to protect (r, c): the cheapest rectangle (r, c)–(r, c2)–(r2, c)–(r2, c2) in a two-way
 * table (so the cell lies on a cycle of hidden cells), or the cheapest partner in its one row or column; null if none.
 */
function complement(counts: readonly (readonly number[])[], hidden: ReadonlySet<number>, [r, c]: Cell): Cell[] | null {
  const nr = counts.length;
  const nc = counts[0]!.length;
  const price = (cells: Cell[]) => cells.reduce((a, [i, j]) => a + (hidden.has(i * nc + j) ? 0 : cost(counts[i]![j]!)), 0);
  const options: Cell[][] = [];
  if (nr >= 2 && nc >= 2) {
    for (let r2 = 0; r2 < nr; r2++) for (let c2 = 0; c2 < nc; c2++) if (r2 !== r && c2 !== c) options.push([[r, c2], [r2, c], [r2, c2]]);
  } else if (nc >= 2) {
    for (let c2 = 0; c2 < nc; c2++) if (c2 !== c) options.push([[r, c2]]);
  } else {
    for (let r2 = 0; r2 < nr; r2++) if (r2 !== r) options.push([[r2, c]]);
  }
  let best: Cell[] | null = null;
  let bestPrice = Infinity;
  for (const o of options) {
    const fresh = o.filter(([i, j]) => !hidden.has(i * nc + j));
    if (fresh.length === 0) continue;
    const p = price(fresh);
    if (p < bestPrice) (best = fresh), (bestPrice = p);
  }
  return best;
}

/**
 * Primary and secondary suppression of a table of counts with minimum cell count k.
 * @example suppressTable([[1, 9], [7, 8]], 5).cells // [[null, null], [null, null]]: 1 < 5, and its row and column partners
 */
export function suppressTable(counts: readonly (readonly number[])[], k: number): SuppressionResult {
  const nr = counts.length;
  const nc = counts[0]?.length ?? 0;
  const total = counts.reduce((a, row) => a + row.reduce((x, y) => x + y, 0), 0);
  const withheld = (): SuppressionResult => ({
    cells: counts.map((row) => row.map(() => null)),
    suppressed: counts.flatMap((row, r) => row.map((_, c) => ({ row: r, col: c, reason: 'withheld' as const }))),
    withheld: true,
  });
  if (total > 0 && total < k) return withheld();
  const hidden = new Map<number, SuppressionReason>();
  counts.forEach((row, r) => row.forEach((n, c) => (n > 0 && n < k ? hidden.set(r * nc + c, 'primary') : undefined)));
  for (;;) {
    const cells: Cell[] = [...hidden.keys()].sort((a, b) => a - b).map((i) => [Math.floor(i / nc), i % nc] as const);
    const exposed = recoverableCells(nr, nc, cells);
    if (exposed.length === 0) break;
    const taken = new Set(hidden.keys());
    const next = exposed.map((cell) => complement(counts, taken, cell)).find((c) => c !== null) ?? null;
    if (next === null) return withheld();
    for (const [i, j] of next) hidden.set(i * nc + j, 'secondary');
  }
  const suppressed = [...hidden.entries()].sort(([a], [b]) => a - b).map(([i, reason]) => ({ row: Math.floor(i / nc), col: i % nc, reason }));
  return { cells: counts.map((row, r) => row.map((n, c) => (hidden.has(r * nc + c) ? null : n))), suppressed, withheld: false };
}
