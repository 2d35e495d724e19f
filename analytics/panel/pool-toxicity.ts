// Pooling the reversibility and cycle-end tables of the bundles (summarise-toxicity.ts), as disclosure control coarsened
// them (coarsen-toxicity.ts). A table with a suppressed cell is left out and its centre named. A reversal table whose
// bands were merged across a day (d7-30: no count at day 14) adds to the days its cut has (7 and 30), not to that one;
// a cycle-end reason a centre merged into `merged_rare` is left out of that reason's share, which also gives the share's
// range over all centres (the merged centres having none of it, or all their merged cycles).
import type { BundleTable, PanelBundle } from '../../schemas/bundle.js';
import { cycleEndLabel } from '../outcomes/cycle-end-reasons.js';
import { REVERSAL_REFERENCE } from '../outcomes/reversibility.js';
import { REVERSAL_LABELS, type ReversalMeasure } from '../outcomes/reversal-times.js';
import { clopperPearsonInterval, cumulativeIncidence, normalQuantile } from '../stats/index.js';
import { REVERSAL_DAYS } from './summarise-toxicity.js';
import { gather, type UsedTable } from './pool-outcomes.js';
import { DIED_CENSORED, MERGED_RARE, parseBand } from './coarsen-toxicity.js';

/** One row per measure × day: summed counts and the pooled cumulative incidence of reversal (death competing). */
export interface PooledReversalRow {
  measure: string;
  label: string;
  day: number;
  centres: number;
  courses: number;
  reversed_by_day: number;
  died_first_by_day: number;
  censored_by_day: number;
  /** The centres whose counts this row sums (released whole, with a band ending at this day), by id. */
  centres_used: string;
  cumulative_incidence: number | null;
  lower: number | null;
  upper: number | null;
  reference: number | null;
  reference_source: string | null;
  /** Centres left out of this day: a cell suppressed, or bands merged across the day (they count at the days their cut has). */
  centres_left_out: string;
  /** Centres whose few deaths before reversal were released with the censored (counted as censored in the estimate). */
  centres_deaths_with_censored: string;
}

/** One row per reading × reason code: cycles summed over the centres, share of all their cycles (exact interval). */
export interface PooledCycleEndRow {
  reading: string;
  reason: string;
  /** The reason in words (cycleEndLabel). */
  label: string;
  centres: number;
  /** The centres whose cycles this row sums, by id. */
  centres_used: string;
  cycles: number;
  all_cycles: number;
  share: number | null;
  lower: number | null;
  upper: number | null;
  /** The share over every centre that released the table whole, had the merging centres none of this reason, or all their merged cycles. */
  share_all_min: number | null;
  share_all_max: number | null;
  /** Centres left out: a cell suppressed, or this reason merged with their rare reasons (`merged_rare`). */
  centres_left_out: string;
}

export const POOLED_REVERSAL_METHOD =
  'Aalen–Johansen cumulative incidence of reversal with death before reversal competing (Gray’s SE, normal interval clipped to 0–1), from the ' +
  'summed counts read as if each course’s time were the end of its day band (≤ 7, 7–14, 14–30, > 30 days): equal to the patient-level estimate ' +
  'when no course is censored within 30 days of its last dose; a course censored earlier in a band counts at risk to the band’s end. ' +
  'Where a centre merged bands (disclosure control), it adds to the days its cut has only (merged 7–14 with 14–30: day 7 and 30, ' +
  'not 14), so each day has its own centres; where it released its few deaths before reversal with the censored, they count as censored ' +
  '(the estimate reads slightly high), and its deaths are not in the died-first count.';

type Used = UsedTable;

/** The pseudo-time of a band: its upper day, and one day past the last cut for an open band. */
const OPEN_DAY = REVERSAL_DAYS[REVERSAL_DAYS.length - 1]! + 1;

/** A released reversal table as bands: end day (open: OPEN_DAY), reversed, died first, censored (null: with the other). */
function bandsOf(t: BundleTable): { end: number; reversed: number; died: number | null; censored: number | null; folded: number }[] {
  const j = (c: string) => t.cols.indexOf(c);
  return t.rows.map((row, i) => {
    const cell = (c: number) => (c < 0 ? null : (t.cells[i]![c] as number));
    const folded = t.cols.length === 2 ? (cell(1) ?? 0) : 0;
    return { end: parseBand(row)?.end ?? OPEN_DAY, reversed: cell(j('reversed')) ?? 0, died: cell(j('died_first')), censored: cell(j('censored')), folded };
  });
}

/** Pooled counts by `day` and the cumulative incidence of reversal there, over the tables whose cut has that day. */
function reversalAt(tables: readonly BundleTable[], day: number, z: number) {
  const time: number[] = [];
  const event: number[] = [];
  const push = (n: number, at: number, e: number) => { for (let i = 0; i < n; i++) (time.push(at), event.push(e)); };
  let [reversed, died, censored] = [0, 0, 0];
  for (const t of tables) {
    const foldedEvent = t.cols[1] === DIED_CENSORED ? 2 : 0;
    for (const b of bandsOf(t)) {
      (push(b.reversed, b.end, 1), push(b.died ?? 0, b.end, 2), push(b.censored ?? 0, b.end, 0), push(b.folded, b.end, foldedEvent));
      if (b.end <= day) (reversed += b.reversed, died += b.died ?? 0, censored += b.censored ?? 0);
    }
  }
  const res = time.length > 0 ? cumulativeIncidence({ time, event }, { causes: 2 }) : null;
  const k = res ? res.time.reduce((last, t, i) => (t <= day ? i : last), -1) : -1;
  const f = res && k >= 0 ? res.causes[0]!.cif[k]! : res ? 0 : null;
  const se = res && k >= 0 ? res.causes[0]!.stdErr[k]! : 0;
  return {
    courses: time.length, reversed_by_day: reversed, died_first_by_day: died, censored_by_day: censored, cumulative_incidence: f,
    lower: f === null ? null : Math.max(0, f - z * se), upper: f === null ? null : Math.min(1, f + z * se),
  };
}

/** @example poolReversal(bundles).filter((r) => r.measure === 'creatinine_baseline') */
export function poolReversal(bundles: readonly PanelBundle[], level = 0.95): PooledReversalRow[] {
  const z = normalQuantile(1 - (1 - level) / 2);
  return [...gather(bundles, 'reversal')].sort(([a], [b]) => a.localeCompare(b)).flatMap(([id, g]) => {
    const measure = id.split(':')[1]! as ReversalMeasure;
    const ref = REVERSAL_REFERENCE[measure];
    const folded = g.used.filter((u) => u.t.cols.length === 2).map((u) => u.centre);
    return REVERSAL_DAYS.map((day) => {
      const cut = g.used.filter((u) => u.t.rows.some((r) => parseBand(r)?.end === day));
      const across = g.used.filter((u) => !cut.includes(u)).map((u) => `${u.centre} (bands merged across day ${day})`);
      return {
        measure, label: REVERSAL_LABELS[measure] ?? measure, day, centres: cut.length, centres_used: cut.map((u) => u.centre).join(', '),
        ...reversalAt(cut.map((u) => u.t), day, z),
        reference: ref?.days[day] ?? null, reference_source: ref?.source ?? null, centres_left_out: [...g.left, ...across].join(', '),
        centres_deaths_with_censored: folded.filter((c) => cut.some((u) => u.centre === c)).join(', '),
      };
    });
  });
}

const total = (t: BundleTable) => t.cells.reduce((s, r) => s + (r[0] as number), 0);

/** One pooled row of a reason over the centres that released it exactly (listed, or absent with nothing merged). */
function reasonRow(reading: string, reason: string, used: readonly Used[], left: readonly string[]): PooledCycleEndRow {
  const exact = used.filter((u) => u.t.rows.includes(reason) || !u.t.rows.includes(MERGED_RARE) || reason === MERGED_RARE);
  const merging = reason === MERGED_RARE ? [] : used.filter((u) => !exact.includes(u));
  const count = (u: Used, r: string) => (u.t.rows.includes(r) ? (u.t.cells[u.t.rows.indexOf(r)]![0] as number) : 0);
  const mine = reason === MERGED_RARE ? used.filter((u) => u.t.rows.includes(MERGED_RARE)) : exact;
  const cycles = mine.reduce((s, u) => s + count(u, reason), 0);
  const all = mine.reduce((s, u) => s + total(u.t), 0);
  const ci = all > 0 ? clopperPearsonInterval(cycles, all) : null;
  const everyone = used.reduce((s, u) => s + total(u.t), 0);
  const extra = merging.reduce((s, u) => s + count(u, MERGED_RARE), 0);
  return {
    reading, reason, label: reason === MERGED_RARE ? MERGED_RARE_LABEL : cycleEndLabel(reason), centres: mine.length,
    centres_used: mine.map((u) => u.centre).join(', '), cycles, all_cycles: all,
    share: ci?.estimate ?? null, lower: ci?.lower ?? null, upper: ci?.upper ?? null,
    share_all_min: reason === MERGED_RARE || everyone === 0 ? null : cycles / everyone,
    share_all_max: reason === MERGED_RARE || everyone === 0 ? null : (cycles + extra) / everyone,
    centres_left_out: [...left, ...merging.map((u) => `${u.centre} (merged with its rare reasons)`)].join(', '),
  };
}

export const MERGED_RARE_LABEL = 'reasons of fewer than k cycles each at a centre, merged (disclosure control)';

/** @example poolCycleEnds(bundles).filter((r) => r.reading === 'recorded') */
export function poolCycleEnds(bundles: readonly PanelBundle[]): PooledCycleEndRow[] {
  return [...gather(bundles, 'cycle_end')].sort(([a], [b]) => a.localeCompare(b)).flatMap(([id, g]) => {
    const reading = id.slice('cycle_end:'.length);
    const reasons = [...new Set(g.used.flatMap((u) => u.t.rows))];
    const rows = reasons.map((r) => reasonRow(reading, r, g.used, g.left));
    const last = (r: PooledCycleEndRow) => (r.reason === MERGED_RARE ? 1 : 0);
    return rows.sort((a, b) => last(a) - last(b) || b.cycles - a.cycles || a.reason.localeCompare(b.reason));
  });
}
