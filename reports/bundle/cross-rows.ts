// Rows of one table whose difference from another table's row is a count of patients (decision 55, issue 22):
// - the assessed-only response row of a disease against its all-eligible row: the totals and the non-responders differ
//   by the disease's courses not assessed (the responders are the same);
// - a serious event's row against "any serious event" of the same regimen: patients with any minus those with the one
//   kind are the patients with only other kinds.
// Where such a difference is 1 … k − 1 the row is left out of the table before suppression (so no margin of the
// table holds it either), and the audit log records it as withheld. Other kinds minus one kind is not a count (|A∖B| −
// |B∖A|), so only differences against "any" are checked.
import { RESPONSE_ASSESSED } from '../../analytics/panel/summarise-response.js';
import type { CountTable } from '../../analytics/panel/types.js';
import { ANY_SERIOUS } from '../../analytics/outcomes/safety.js';

/** A row left out of a table, and the row of the other table it differed from by 1 … k − 1. */
export interface WithheldRow {
  table: string;
  row: string;
  cols: string[];
  against: string;
  difference: number;
}

const small = (d: number, k: number) => d > 0 && d < k;
const sum = (r: readonly number[]) => r.reduce((a, b) => a + b, 0);

/** The table without the named rows (null when none is left: the table is then withheld whole). */
function withoutRows(t: CountTable, drop: ReadonlySet<string>): CountTable | null {
  const keep = t.rows.map((r, i) => [r, i] as const).filter(([r]) => !drop.has(r));
  if (keep.length === 0) return null;
  return { ...t, rows: keep.map(([r]) => r), counts: keep.map(([, i]) => t.counts[i]!) };
}

/** Assessed-only rows whose courses not assessed (all-eligible minus assessed, in total or in any column) are 1 … k − 1. */
function assessedRows(assessed: CountTable, eligible: CountTable, k: number): WithheldRow[] {
  const out: WithheldRow[] = [];
  assessed.rows.forEach((d, i) => {
    const j = eligible.rows.indexOf(d);
    if (j < 0) return;
    const [a, e] = [assessed.counts[i]!, eligible.counts[j]!];
    const diffs = [Math.abs(sum(e) - sum(a)), ...a.map((v, c) => Math.abs(e[c]! - v))];
    const d0 = diffs.find((x) => small(x, k));
    if (d0 !== undefined) out.push({ table: assessed.id, row: d, cols: assessed.cols, against: `${eligible.id}:${d}`, difference: d0 });
  });
  return out;
}

/**
 * Serious-event rows whose patients differ from "any serious event" by 1 … k − 1 where both counts are released (0 or
 * ≥ k; a smaller one is suppressed in its own table). The kinds' rows are withheld, the
 * least loss under the policy when one kind differs; where two or more would be, "any serious event" is withheld
 * instead (one row; the kinds' own rows then differ from nothing released by a count).
 */
function seriousRows(t: CountTable, k: number): WithheldRow[] {
  const i = t.rows.indexOf(ANY_SERIOUS);
  if (i < 0) return [];
  const any = t.counts[i]![0]!;
  // A count of 1 … k − 1 is suppressed (and kept unrecoverable within its table), so a reader has no difference to form.
  const released = (x: number) => x === 0 || x >= k;
  if (!released(any)) return [];
  const kinds = t.rows
    .map((r, j) => ({ r, x: t.counts[j]![0]! }))
    .filter(({ r, x }) => r !== ANY_SERIOUS && released(x) && small(any - x, k))
    .map(({ r, x }) => ({ r, d: any - x }))
    .map(({ r, d }): WithheldRow => ({ table: t.id, row: r, cols: t.cols, against: `${t.id}:${ANY_SERIOUS}`, difference: d }));
  if (kinds.length < 2) return kinds;
  const d = Math.min(...kinds.map((x) => x.difference));
  return [{ table: t.id, row: ANY_SERIOUS, cols: t.cols, against: kinds.map((x) => `${t.id}:${x.row}`).join(' '), difference: d }];
}

/**
 * The tables with every such row left out; `withheld` lists the rows (for the audit log), `empty` the tables left with
 * no row (withheld whole).
 * @example const { tables, withheld } = protectRows(coarsened, 5)
 */
export function protectRows(input: readonly CountTable[], k: number): { tables: CountTable[]; withheld: WithheldRow[]; empty: Set<string> } {
  const eligible = input.find((t) => t.id === 'response');
  const withheld: WithheldRow[] = [];
  const empty = new Set<string>();
  const tables = input.map((t) => {
    const rows =
      t.id === RESPONSE_ASSESSED && eligible !== undefined ? assessedRows(t, eligible, k) : t.kind === 'serious_events' ? seriousRows(t, k) : [];
    if (rows.length === 0) return t;
    withheld.push(...rows);
    const out = withoutRows(t, new Set(rows.map((r) => r.row)));
    if (out === null) empty.add(t.id);
    return out ?? t;
  });
  return { tables, withheld, empty };
}
