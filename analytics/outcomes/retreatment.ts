// Retreatment-interval compliance: courses that began sooner after the previous course than the sources allow
// (legacy label S4: courses separated by at least 7 weeks from hospital discharge, il2-domain.md §1.1 [V]).
// The store has no discharge time, so the gap is measured from the previous course's last dose [INFERRED]:
// discharge comes after it, so this gap is longer than the true one and early starts are, if anything, undercounted.
import { clopperPearsonInterval } from '../stats/index.js';
import { groupBy } from '../doses/group.js';
import { DAY_MS, type OutcomeCycle } from './types.js';

export const RETREATMENT_MIN_DAYS = 49;
export const RETREATMENT_SOURCE = 'S4 legacy label: courses separated by ≥ 7 weeks from hospital discharge [V]; gap measured from the last dose [INFERRED]';

/** One row per later course (course 2 onwards). */
export interface CourseGapRow {
  centre_id: string;
  patient_key: string;
  course_number: number;
  gap_days: number;
  early: boolean;
}

/** One row per centre (and ALL). */
export interface RetreatmentRow {
  centre_id: string;
  later_courses: number;
  early: number;
  share_early: number | null;
  lower: number | null;
  upper: number | null;
  min_gap_days: number | null;
  median_gap_days: number | null;
  source: string;
}

/** Gap from each course's last dose to the next course's first dose. */
export function courseGaps(cycles: readonly OutcomeCycle[]): CourseGapRow[] {
  const out: CourseGapRow[] = [];
  for (const list of groupBy(cycles, (c) => `${c.centre_id}\u0000${c.patient_key}`).values()) {
    const courses = [...groupBy(list, (c) => String(c.course_number)).entries()]
      .map(([n, cs]) => ({
        n: Number(n),
        start: Math.min(...cs.map((c) => c.first_dose_at ?? c.start_at)),
        end: Math.max(...cs.map((c) => c.last_dose_at ?? c.start_at)),
      }))
      .sort((a, b) => a.n - b.n);
    for (let i = 1; i < courses.length; i++) {
      const gap = (courses[i]!.start - courses[i - 1]!.end) / DAY_MS;
      out.push({
        centre_id: list[0]!.centre_id,
        patient_key: list[0]!.patient_key,
        course_number: courses[i]!.n,
        gap_days: gap,
        early: gap < RETREATMENT_MIN_DAYS,
      });
    }
  }
  return out;
}

const median = (xs: number[]): number | null => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/**
 * Share of later courses that started early, per centre and ALL, with exact binomial intervals.
 * @example retreatmentCompliance(cycles).find((r) => r.centre_id === 'ALL')
 */
export function retreatmentCompliance(cycles: readonly OutcomeCycle[]): RetreatmentRow[] {
  const gaps = courseGaps(cycles);
  const centres = [...new Set(cycles.map((c) => c.centre_id))].sort();
  const groups: [string, CourseGapRow[]][] = [...centres.map((c): [string, CourseGapRow[]] => [c, gaps.filter((g) => g.centre_id === c)]), ['ALL', gaps]];
  return groups.map(([centre, gs]) => {
    const early = gs.filter((g) => g.early).length;
    const ci = gs.length > 0 ? clopperPearsonInterval(early, gs.length) : null;
    return {
      centre_id: centre,
      later_courses: gs.length,
      early,
      share_early: ci?.estimate ?? null,
      lower: ci?.lower ?? null,
      upper: ci?.upper ?? null,
      min_gap_days: gs.length ? Math.min(...gs.map((g) => g.gap_days)) : null,
      median_gap_days: median(gs.map((g) => g.gap_days)),
      source: RETREATMENT_SOURCE,
    };
  });
}
