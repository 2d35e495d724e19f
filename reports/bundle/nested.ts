// A first-cycle table is nested in its all-cycles table (every first cycle is a cycle): the difference of the two is
// the later cycles, a group a reader can compute from what is released. Where any released cell pair or any margin
// (treated as public, as in suppress.ts) differs by 1 … k − 1, the first-cycle table is withheld whole.
import type { CountTable } from '../../analytics/panel/types.js';

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const small = (d: number, k: number) => d > 0 && d < k;

/**
 * Whether releasing `inner` (with cells `released`, null where suppressed) beside the released `outer` table would let a
 * reader work out a group of 1 … k − 1 by subtraction.
 * @example revealsByDifference(first, firstCells, all, allCells, 5) // true when e.g. 7 cycles ended at dose 3, 5 of them first cycles
 */
export function revealsByDifference(
  inner: CountTable, innerCells: readonly (readonly (number | null)[])[], outer: CountTable, outerCells: readonly (readonly (number | null)[])[], k: number,
): boolean {
  const o = outer.counts;
  const i = inner.counts;
  if (small(sum(o.flat()) - sum(i.flat()), k)) return true;
  for (let r = 0; r < i.length; r++) if (small(sum(o[r]!) - sum(i[r]!), k)) return true;
  for (let c = 0; c < i[0]!.length; c++) if (small(sum(o.map((row) => row[c]!)) - sum(i.map((row) => row[c]!)), k)) return true;
  for (let r = 0; r < i.length; r++) {
    for (let c = 0; c < i[0]!.length; c++) {
      const a = outerCells[r]?.[c];
      const b = innerCells[r]?.[c];
      if (a !== null && a !== undefined && b !== null && b !== undefined && small(a - b, k)) return true;
    }
  }
  return false;
}
