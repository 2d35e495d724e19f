// Share of cycles whose toxicity reversed by day 7, 14 and 30 after the last dose: Aalen-Johansen cumulative
// incidence with death as a competing event (Gray's SE), per centre and ALL, beside the published recovery shares.
import { cumulativeIncidence, normalQuantile } from '../stats/index.js';
import { groupBy } from '../doses/group.js';
import { REVERSAL_LABELS, type ReversalCounts, type ReversalMeasure, type ReversalTime } from './reversal-times.js';

/** Published shares, il2-domain.md §3.3: renal function back to baseline in 62% by day 7, 84% by day 14, 95% by day 30 (S31, Belldegrun) [V]. */
export const REVERSAL_REFERENCE: Partial<Record<ReversalMeasure, { days: Record<number, number>; source: string; status: string }>> = {
  creatinine_baseline: { days: { 7: 0.62, 14: 0.84, 30: 0.95 }, source: 'S31 (Belldegrun): renal function back to baseline, 99 patients', status: 'V' },
};

/** One row per centre × measure × day. */
export interface ReversibilityRow {
  centre_id: string;
  measure: ReversalMeasure;
  label: string;
  day: number;
  /** Courses whose last cycle had the toxicity by the last dose (+ 24 h). */
  courses: number;
  reversed: number;
  died_first: number;
  cumulative_incidence: number | null;
  lower: number | null;
  upper: number | null;
  reference: number | null;
  reference_source: string | null;
  reference_status: string | null;
  note: string;
}

const join = (...parts: string[]): string => parts.filter((x) => x !== '').join('; ');

function cifAt(times: readonly number[], cif: readonly number[], se: readonly number[], day: number): { f: number; se: number } {
  let k = -1;
  for (let i = 0; i < times.length && times[i]! <= day; i++) k = i;
  return k < 0 ? { f: 0, se: 0 } : { f: cif[k]!, se: se[k]! };
}

function rowsFor(
  centre: string,
  measure: ReversalMeasure,
  group: readonly ReversalTime[],
  days: readonly number[],
  level: number,
  definition: string,
): ReversibilityRow[] {
  const ref = REVERSAL_REFERENCE[measure];
  const base = {
    centre_id: centre,
    measure,
    label: REVERSAL_LABELS[measure],
    courses: group.length,
    reference_source: ref?.source ?? null,
    reference_status: ref?.status ?? null,
  };
  const reversed = group.filter((t) => t.status === 1).length;
  const died = group.filter((t) => t.status === 2).length;
  if (group.length === 0) {
    return days.map((day) => ({
      ...base,
      day,
      reversed,
      died_first: died,
      cumulative_incidence: null,
      lower: null,
      upper: null,
      reference: ref?.days[day] ?? null,
      note: join('no course with this toxicity', definition),
    }));
  }
  const res = cumulativeIncidence({ time: group.map((t) => t.days), event: group.map((t) => t.status) }, { causes: 2 });
  const cause = res.causes[0]!;
  const z = normalQuantile(1 - (1 - level) / 2);
  const lastSeen = res.time[res.time.length - 1] ?? 0;
  return days.map((day) => {
    const { f, se } = cifAt(res.time, cause.cif, cause.stdErr, day);
    const note = lastSeen < day ? `follow-up ends at day ${lastSeen.toFixed(1)}; the share is carried from then` : '';
    return {
      ...base,
      day,
      reversed,
      died_first: died,
      cumulative_incidence: f,
      lower: Math.max(0, f - z * se),
      upper: Math.min(1, f + z * se),
      reference: ref?.days[day] ?? null,
      note: join(note, definition),
    };
  });
}

/**
 * Reversal shares by day per centre and ALL (normal-approximation interval from Gray's SE, clipped to [0, 1]).
 * Courses of one patient are counted as independent.
 * @example reversibility(reversalTimes(inputs).times)
 */
export function reversibility(
  times: readonly ReversalTime[],
  options: {
    days?: readonly number[];
    level?: number;
    counts?: readonly ReversalCounts[];
    /** What a measure's reversal meant at a centre (e.g. the creatinine tolerance), written in each row's note. */
    definition?: (centre: string, measure: ReversalMeasure) => string;
  } = {},
): ReversibilityRow[] {
  const days = options.days ?? [7, 14, 30];
  const level = options.level ?? 0.95;
  const measures = Object.keys(REVERSAL_LABELS) as ReversalMeasure[];
  const centres = [...new Set([...times.map((t) => t.centre_id), ...(options.counts ?? []).map((c) => c.centre_id)])].sort();
  const out: ReversibilityRow[] = [];
  for (const measure of measures) {
    const mine = times.filter((t) => t.measure === measure);
    const byCentre = groupBy(mine, (t) => t.centre_id);
    const def = (c: string) => options.definition?.(c, measure) ?? '';
    for (const c of centres) out.push(...rowsFor(c, measure, byCentre.get(c) ?? [], days, level, def(c)));
    if (centres.length > 1) out.push(...rowsFor('ALL', measure, mine, days, level, def('ALL')));
  }
  return out;
}
