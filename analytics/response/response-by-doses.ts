// Response rate by doses received in the course (bands), with Wilson intervals.
import { groupBy } from '../doses/group.js';
import { ALL_CENTRES } from '../doses/types.js';
import { wilsonInterval } from '../stats/binomial.js';
import type { CourseSignalRow } from './types.js';

/** One row per centre (and ALL) × band of doses received. */
export interface ResponseByDosesRow {
  centre_id: string;
  band: string;
  /** Lower edge (inclusive) and upper edge (exclusive; null = open) of the band. */
  from: number;
  to: number | null;
  n_assessed: number;
  responders: number;
  rate: number;
  lower: number;
  upper: number;
}

/**
 * Response by doses received in the course. Bands are [edge_i, edge_{i+1}); default edges
 * [0, 10, 15, 20, 25] give 0–9, 10–14, 15–19, 20–24, 25+. Empty bands are left out.
 * Landmark caveat: doses partly reflect tolerance (see LANDMARK_NOTE).
 * @example responseByDoses(rows).filter((r) => r.centre_id === 'ALL')
 */
export function responseByDoses(rows: readonly CourseSignalRow[], options: { edges?: readonly number[]; level?: number } = {}): ResponseByDosesRow[] {
  const edges = options.edges ?? [0, 10, 15, 20, 25];
  const bandOf = (d: number) => {
    let i = 0;
    while (i + 1 < edges.length && d >= edges[i + 1]!) i++;
    return i;
  };
  const label = (i: number) => (i + 1 < edges.length ? `${edges[i]}–${edges[i + 1]! - 1}` : `${edges[i]}+`);
  const centres = [...groupBy(rows, (r) => r.centre_id).entries()];
  const blocks: [string, CourseSignalRow[]][] = centres.length > 1 ? [...centres, [ALL_CENTRES, [...rows]]] : centres;
  const out: ResponseByDosesRow[] = [];
  for (const [centre, g] of blocks) {
    const byBand = groupBy(g, (r) => String(bandOf(r.doses_given)).padStart(3, '0'));
    for (const [b, bg] of byBand) {
      const i = Number(b);
      const x = bg.reduce((a, r) => a + r.responder, 0);
      const w = wilsonInterval(x, bg.length, options.level ?? 0.95);
      out.push({
        centre_id: centre,
        band: label(i),
        from: edges[i]!,
        to: edges[i + 1] ?? null,
        n_assessed: bg.length,
        responders: x,
        rate: x / bg.length,
        lower: w.lower,
        upper: w.upper,
      });
    }
  }
  return out;
}
