// Pooling the reversibility and cycle-end tables of the bundles (summarise-toxicity.ts). Whole tables only: a table
// with a suppressed cell is left out and its centre named.
import type { BundleTable, PanelBundle } from '../../schemas/bundle.js';
import { cycleEndLabel } from '../outcomes/cycle-end-reasons.js';
import { REVERSAL_REFERENCE } from '../outcomes/reversibility.js';
import { REVERSAL_LABELS, type ReversalMeasure } from '../outcomes/reversal-times.js';
import { clopperPearsonInterval, cumulativeIncidence, normalQuantile } from '../stats/index.js';
import { REVERSAL_DAYS } from './summarise-toxicity.js';
import { whole } from './pool-outcomes.js';

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
  cumulative_incidence: number | null;
  lower: number | null;
  upper: number | null;
  reference: number | null;
  reference_source: string | null;
  centres_left_out: string;
}

/** One row per reading × reason code: cycles summed over the centres, share of all their cycles (exact interval). */
export interface PooledCycleEndRow {
  reading: string;
  reason: string;
  /** The reason in words (cycleEndLabel). */
  label: string;
  centres: number;
  cycles: number;
  all_cycles: number;
  share: number | null;
  lower: number | null;
  upper: number | null;
  centres_left_out: string;
}

export const POOLED_REVERSAL_METHOD =
  'Aalen–Johansen cumulative incidence of reversal with death before reversal competing (Gray’s SE, normal interval clipped to 0–1), from the ' +
  'summed counts read as if each course’s time were the end of its day band (≤ 7, 7–14, 14–30, > 30 days): equal to the patient-level estimate ' +
  'when no course is censored within 30 days of its last dose; a course censored earlier in a band counts at risk to the band’s end.';

function byId(bundles: readonly PanelBundle[], kind: BundleTable['kind']): Map<string, { used: BundleTable[]; left: string[] }> {
  const out = new Map<string, { used: BundleTable[]; left: string[] }>();
  for (const b of bundles)
    for (const t of b.tables.filter((x) => x.kind === kind)) {
      const g = out.get(t.id) ?? out.set(t.id, { used: [], left: [] }).get(t.id)!;
      if (whole(t)) g.used.push(t);
      else g.left.push(b.centre_id);
    }
  return out;
}

/** The pseudo-time of each day band: its upper day, and one day past the last for > 30. */
const BAND_DAY = [...REVERSAL_DAYS, REVERSAL_DAYS[REVERSAL_DAYS.length - 1]! + 1];

/** @example poolReversal(bundles).filter((r) => r.measure === 'creatinine_baseline') */
export function poolReversal(bundles: readonly PanelBundle[], level = 0.95): PooledReversalRow[] {
  const z = normalQuantile(1 - (1 - level) / 2);
  return [...byId(bundles, 'reversal')].sort(([a], [b]) => a.localeCompare(b)).flatMap(([id, g]) => {
    const measure = id.split(':')[1]! as ReversalMeasure;
    const counts = BAND_DAY.map((_, r) => [0, 1, 2].map((c) => g.used.reduce((s, t) => s + (t.cells[r]![c] as number), 0)));
    const time: number[] = [];
    const event: number[] = [];
    counts.forEach((row, r) => row.forEach((n, c) => { for (let i = 0; i < n; i++) (time.push(BAND_DAY[r]!), event.push(c === 0 ? 1 : c === 1 ? 2 : 0)); }));
    const res = time.length > 0 ? cumulativeIncidence({ time, event }, { causes: 2 }) : null;
    const ref = REVERSAL_REFERENCE[measure];
    return REVERSAL_DAYS.map((day, d) => {
      const k = res ? res.time.reduce((last, t, i) => (t <= day ? i : last), -1) : -1;
      const f = res && k >= 0 ? res.causes[0]!.cif[k]! : res ? 0 : null;
      const se = res && k >= 0 ? res.causes[0]!.stdErr[k]! : 0;
      const upTo = (c: number) => counts.slice(0, d + 1).reduce((s, row) => s + row[c]!, 0);
      return {
        measure, label: REVERSAL_LABELS[measure] ?? measure, day, centres: g.used.length, courses: time.length,
        reversed_by_day: upTo(0), died_first_by_day: upTo(1), censored_by_day: upTo(2), cumulative_incidence: f,
        lower: f === null ? null : Math.max(0, f - z * se), upper: f === null ? null : Math.min(1, f + z * se),
        reference: ref?.days[day] ?? null, reference_source: ref?.source ?? null, centres_left_out: g.left.join(', '),
      };
    });
  });
}

/** @example poolCycleEnds(bundles).filter((r) => r.reading === 'recorded') */
export function poolCycleEnds(bundles: readonly PanelBundle[]): PooledCycleEndRow[] {
  return [...byId(bundles, 'cycle_end')].sort(([a], [b]) => a.localeCompare(b)).flatMap(([id, g]) => {
    const sums = new Map<string, number>();
    for (const t of g.used) t.rows.forEach((r, i) => sums.set(r, (sums.get(r) ?? 0) + (t.cells[i]![0] as number)));
    const total = [...sums.values()].reduce((a, b) => a + b, 0);
    return [...sums].sort(([a, x], [b, y]) => y - x || a.localeCompare(b)).map(([reason, cycles]) => {
      const ci = total > 0 ? clopperPearsonInterval(cycles, total) : null;
      return {
        reading: id.slice('cycle_end:'.length), reason, label: cycleEndLabel(reason), centres: g.used.length, cycles, all_cycles: total,
        share: ci?.estimate ?? null, lower: ci?.lower ?? null, upper: ci?.upper ?? null, centres_left_out: g.left.join(', '),
      };
    });
  });
}
