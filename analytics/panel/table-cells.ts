// Reading a released table: a cell, or a row, only when none of it was suppressed.
import type { BundleTable, PanelBundle } from '../../schemas/bundle.js';

/** The bundle's table with this id, if it has one. */
export function tableOf(b: PanelBundle, id: string): BundleTable | undefined {
  return b.tables.find((t) => t.id === id);
}

/** The cell at (row label, column label): a count, null when suppressed, undefined when the table has no such cell. */
export function cellOf(t: BundleTable, row: string, col: string): number | null | undefined {
  const i = t.rows.indexOf(row);
  const j = t.cols.indexOf(col);
  return i < 0 || j < 0 ? undefined : t.cells[i]![j];
}

/** The counts of the given cells, or null when any is suppressed or missing. */
export function cellsOf(t: BundleTable, cells: readonly (readonly [string, string])[]): number[] | null {
  const out: number[] = [];
  for (const [r, c] of cells) {
    const v = cellOf(t, r, c);
    if (v === null || v === undefined) return null;
    out.push(v);
  }
  return out;
}
