// Doses and cumulative IU/kg per course and per patient.
import { describeNumeric } from '../stats/describe.js';
import { byCentreAndAll, compareLabels, groupBy } from './group.js';
import { ALL_CENTRES, regimenLabel, type CycleDoses } from './types.js';

/** One row per patient course. */
export interface CourseDosesRow {
  centre_id: string;
  patient_key: string;
  course_number: number;
  /** Regimen of the course's cycles, or 'mixed' when they differ (then the dose count mixes regimens; use MIU/kg). */
  regimen: string;
  cycles: number;
  doses_given: number;
  /** Sum of the cycles' caps (28 for 2 × 14, 30 for 2 × 15). */
  max_possible: number;
  /** Cumulative dose actually given in the course, million IU per kg. */
  miu_per_kg_given: number;
}

/**
 * Sums cycles into courses: doses and cumulative MIU/kg (from each slot's IU over the cycle's dosing
 * weight, so a 720k course is not counted as a 600k one).
 * @example courseDoses(cycles).filter((c) => c.course_number === 1)
 */
export function courseDoses(cycles: readonly CycleDoses[]): CourseDosesRow[] {
  const out: CourseDosesRow[] = [];
  for (const g of groupBy(cycles, (c) => `${c.centre_id}\u0000${c.patient_key}\u0000${String(c.course_number).padStart(3, '0')}`).values()) {
    const first = g[0]!;
    const regimens = new Set(g.map(regimenLabel));
    out.push({
      centre_id: first.centre_id,
      patient_key: first.patient_key,
      course_number: first.course_number,
      regimen: regimens.size === 1 ? regimenLabel(first) : 'mixed',
      cycles: g.length,
      doses_given: g.reduce((a, c) => a + c.doses_given, 0),
      max_possible: g.reduce((a, c) => a + c.planned_max_doses, 0),
      miu_per_kg_given: g.reduce((a, c) => a + c.iu_per_kg_given, 0) / 1e6,
    });
  }
  return out;
}

/** One row per patient: everything given over all courses. */
export interface PatientCumulativeRow {
  centre_id: string;
  patient_key: string;
  courses: number;
  cycles: number;
  doses_given: number;
  miu_per_kg_given: number;
}

/**
 * Cumulative doses and MIU/kg per patient over all courses.
 * @example patientCumulativeDose(cycles)
 */
export function patientCumulativeDose(cycles: readonly CycleDoses[]): PatientCumulativeRow[] {
  return [...groupBy(cycles, (c) => `${c.centre_id}\u0000${c.patient_key}`).values()].map((g) => ({
    centre_id: g[0]!.centre_id,
    patient_key: g[0]!.patient_key,
    courses: new Set(g.map((c) => c.course_number)).size,
    cycles: g.length,
    doses_given: g.reduce((a, c) => a + c.doses_given, 0),
    miu_per_kg_given: g.reduce((a, c) => a + c.iu_per_kg_given, 0) / 1e6,
  }));
}

/** One row per centre (and ALL) × course number ('1', '2', … or 'all') × regimen × measure. */
export interface CourseDistributionRow {
  centre_id: string;
  course_number: string;
  regimen: string;
  measure: 'doses_given' | 'miu_per_kg_given';
  n_courses: number;
  mean: number;
  sd: number | null;
  mean_lower: number | null;
  mean_upper: number | null;
  min: number;
  q1: number;
  median: number;
  q3: number;
  max: number;
}

/**
 * Distribution of doses and of cumulative MIU/kg per course, per centre, course number and regimen.
 * @example courseDistribution(courseDoses(cycles))
 */
export function courseDistribution(courses: readonly CourseDosesRow[], options: { level?: number } = {}): CourseDistributionRow[] {
  const out: CourseDistributionRow[] = [];
  for (const [centre, rows] of byCentreAndAll(courses, ALL_CENTRES)) {
    const byCourse = [...groupBy(rows, (r) => String(r.course_number)).entries(), ['all', rows] as [string, CourseDosesRow[]]];
    for (const [courseNumber, cr] of byCourse) {
      for (const [regimen, g] of groupBy(cr, (r) => r.regimen)) {
        for (const measure of ['doses_given', 'miu_per_kg_given'] as const) {
          const s = describeNumeric(g.map((r) => r[measure]), options);
          out.push({ centre_id: centre, course_number: courseNumber, regimen, measure, n_courses: s.n, mean: s.mean, sd: s.sd, mean_lower: s.meanLower, mean_upper: s.meanUpper, min: s.min, q1: s.q1, median: s.median, q3: s.q3, max: s.max });
        }
      }
    }
  }
  return out.sort((a, b) => compareLabels(a.centre_id, b.centre_id));
}
