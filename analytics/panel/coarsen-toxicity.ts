// Reversal and cycle-end tables a centre can release whole (issue 22), coarsened as the life tables are (decision §42)
// instead of suppressed cell by cell:
// - reversal: adjacent day bands (≤ 7, 7–14, 14–30, > 30) merged from the first until every cell is 0 or ≥ k; when a
//   column's total is itself under k (a few deaths before reversal, say), no merge of bands can help, so that column is
//   added into `censored` (`censored+died` or, for too few censorings, `died_first+censored`), stated in the column label;
//   the folded cut is also taken when it keeps more day bands than merging the three columns would;
// - cycle_end: every reason of 1 … k − 1 cycles goes into one row `merged_rare`; when those add up to less than k, the
//   smallest released reasons join it (fewest cycles first, then by code) until it reaches k.
// The rules are fixed, so what a reader learns from the cut is that a merged stretch or group held a count under k,
// never its value (test/analytics/panel/coarsen-toxicity.test.ts tries moves of counts inside every merged part).
import { REVERSAL_COLS, REVERSAL_DAYS } from './summarise-toxicity.js';

/** The row of a cycle-end table holding the reasons of fewer than k cycles each, together. */
export const MERGED_RARE = 'merged_rare';
/** Reversal columns when a column's total was under k: deaths before reversal counted with the censored, or the reverse. */
export const CENSORED_DIED = 'censored+died';
export const DIED_CENSORED = 'died_first+censored';

/** Label of the day band (start, end]: `d7-14`, open `gt14`, and the whole follow-up `all_days`. */
export const bandLabel = (start: number, end: number | null): string => (end !== null ? `d${start}-${end}` : start === 0 ? 'all_days' : `gt${start}`);

/** Start and end (null: open) of a reversal row label, or null when it is not a band on the 0/7/14/30 cuts. */
export function parseBand(label: string): { start: number; end: number | null } | null {
  if (label === 'all_days') return { start: 0, end: null };
  const m = /^(?:d(\d+)-(\d+)|gt(\d+))$/.exec(label);
  if (m === null) return null;
  const start = Number(m[1] ?? m[3]);
  const end = m[2] === undefined ? null : Number(m[2]);
  const cuts = [0, ...REVERSAL_DAYS] as number[];
  if (!cuts.includes(start) || (end !== null && (!cuts.includes(end) || end <= start)) || (end === null && start === 0)) return null;
  return { start, end };
}

const ok = (k: number) => (c: readonly number[]) => c.every((v) => v === 0 || v >= k);
const add = (a: readonly number[], b: readonly number[]) => a.map((v, j) => v + b[j]!);

/** Forward merging of the bands (each part with every cell 0 or ≥ k; an empty band is released as zeros), the rest joined back while a cell is under k. */
function mergeBands(counts: readonly (readonly number[])[], k: number): { first: number; counts: number[] }[] {
  const good = ok(k);
  const out: { first: number; counts: number[] }[] = [];
  let first = 0;
  let acc = counts[0]!.map(() => 0);
  counts.forEach((row, i) => {
    acc = add(acc, row);
    if (good(acc)) (out.push({ first, counts: acc }), (first = i + 1), (acc = acc.map(() => 0)));
  });
  if (acc.some((v) => v > 0) || out.length === 0) out.push({ first, counts: acc });
  while (out.length > 1 && !good(out[out.length - 1]!.counts)) {
    const last = out.pop()!;
    out[out.length - 1]!.counts = add(out[out.length - 1]!.counts, last.counts);
  }
  return out;
}

export interface CoarseTable {
  rows: string[];
  cols: string[];
  counts: number[][];
}

/**
 * Coarsens a reversal table (rows d0-7, d7-14, d14-30, gt30 × reversed, died_first, censored). Bands are merged; when
 * that leaves a cell under k or merges any band, the table is also cut with died_first added into censored (or, when the
 * censorings are the few, censored into died_first), and that cut is released if it has every cell 0 or ≥ k where the
 * first has not, or more bands. What is still under k is left to cell suppression.
 * @example coarsenReversalTable([[40, 0, 0], [9, 1, 0], [3, 0, 0], [2, 0, 12]], 5) // rows d0-7, d7-30, gt30 × censored+died
 */
export function coarsenReversalTable(counts: readonly (readonly number[])[], k: number): CoarseTable {
  const bands = [0, ...REVERSAL_DAYS];
  const label = (parts: { first: number }[]) =>
    parts.map((p, i) => bandLabel(bands[p.first]!, i + 1 < parts.length ? bands[parts[i + 1]!.first]! : null));
  // The open last part always reaches > 30; a closed part ends where the next starts.
  const cut = (c: readonly (readonly number[])[], cols: string[]): CoarseTable => {
    const parts = mergeBands(c, k);
    return { rows: label(parts), cols, counts: parts.map((p) => p.counts) };
  };
  const first = cut(counts, [...REVERSAL_COLS]);
  if (first.counts.every(ok(k)) && first.rows.length === counts.length) return first;
  const total = (j: number) => counts.reduce((s, r) => s + r[j]!, 0);
  const small = (j: number) => total(j) > 0 && total(j) < k;
  // Deaths before reversal are the usual few; censorings the few only when deaths are not.
  const foldedCols = ['reversed', !(small(2) && !small(1)) ? CENSORED_DIED : DIED_CENSORED];
  const foldedCounts = counts.map((r) => [r[0]!, r[1]! + r[2]!]);
  const folded = cut(foldedCounts, foldedCols);
  // The cut with every cell 0 or ≥ k wins, then the one with more day bands (folding keeps bands a few deaths would merge).
  const score = (c: CoarseTable) => (c.counts.every(ok(k)) ? 10 : 0) + c.rows.length;
  const merged = score(folded) > score(first) ? folded : first;
  // Merging forward can miss a cut with more bands (a few late reversals join the empty bands after them, not the
  // crowded first band): the valid cut with the most bands over every way of merging adjacent bands, if it has more.
  const best = [widestCut(counts, [...REVERSAL_COLS], k, label), widestCut(foldedCounts, foldedCols, k, label)];
  const better = best.filter((c): c is CoarseTable => c !== null && score(c) > score(merged)).sort((a, b) => score(b) - score(a))[0];
  return better ?? merged;
}

/**
 * Of the eight ways to merge four adjacent day bands, the one with every cell 0 or ≥ k and the most bands (ties: the
 * earliest cuts, unfolded before folded by the caller's order), or null when none has.
 */
function widestCut(counts: readonly (readonly number[])[], cols: string[], k: number, label: (parts: { first: number }[]) => string[]): CoarseTable | null {
  let best: CoarseTable | null = null;
  const inner = counts.length - 1;
  // Masks in an order that tries the earliest cuts first among equal numbers of bands.
  const masks = Array.from({ length: 2 ** inner }, (_, m) => m).map((m) => Array.from({ length: inner }, (_, i) => ((m >> (inner - 1 - i)) & 1) === 1));
  for (const cutAfter of masks.reverse()) {
    const parts: { first: number; counts: number[] }[] = [{ first: 0, counts: counts[0]!.map(() => 0) }];
    counts.forEach((row, i) => {
      const last = parts[parts.length - 1]!;
      last.counts = add(last.counts, row);
      if (i < inner && cutAfter[i]) parts.push({ first: i + 1, counts: row.map(() => 0) });
    });
    if (!parts.every((p) => ok(k)(p.counts))) continue;
    if (best === null || parts.length > best.rows.length) best = { rows: label(parts), cols, counts: parts.map((p) => p.counts) };
  }
  return best;
}

/**
 * Coarsens a cycle-end table (reason codes × cycles): reasons of 1 … k − 1 cycles into `merged_rare`, topped up with
 * the smallest released reasons while it holds fewer than k. Rows keep their order, `merged_rare` last.
 * @example coarsenCycleEndTable(['clinician', 'maximum', 'patient', 'window_closed'], [[3], [40], [2], [6]], 5)
 * // rows maximum, window_closed, merged_rare × [[40], [6], [5]]: clinician (3) and patient (2) together
 */
export function coarsenCycleEndTable(rows: readonly string[], counts: readonly (readonly number[])[], k: number): CoarseTable {
  const n = rows.map((_, i) => counts[i]![0]!);
  const rare = new Set(rows.flatMap((_, i) => (n[i]! > 0 && n[i]! < k ? [i] : [])));
  if (rare.size === 0) return { rows: [...rows], cols: ['cycles'], counts: counts.map((r) => [...r]) };
  let merged = [...rare].reduce((s, i) => s + n[i]!, 0);
  const bySize = rows.map((r, i) => ({ r, i })).filter(({ i }) => !rare.has(i) && n[i]! >= k).sort((a, b) => n[a.i]! - n[b.i]! || a.r.localeCompare(b.r));
  for (const { i } of bySize) {
    if (merged >= k) break;
    rare.add(i);
    merged += n[i]!;
  }
  const keep = rows.flatMap((r, i) => (rare.has(i) ? [] : [{ r, i }]));
  return { rows: [...keep.map((x) => x.r), MERGED_RARE], cols: ['cycles'], counts: [...keep.map((x) => [n[x.i]!]), [merged]] };
}
