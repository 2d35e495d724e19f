// Doses and cumulative IU/kg per course and per patient. A course or patient with a given dose of unknown amount has no
// cumulative IU/kg (null), never the lower total of the known doses read as the whole.
import { describeNumeric, summaryColumns } from '../stats/describe.js';
import { byCentreAndAll, compareLabels, groupBy } from './group.js';
import { doseMessages } from './messages.js';
import { ALL_CENTRES, regimenLabel, type CycleDoses } from './types.js';

/** Cumulative MIU/kg of a group of cycles; null when any given dose in them has no recorded amount. */
export function cumulativeMiuPerKg(cycles: readonly Pick<CycleDoses, 'iu_per_kg_given' | 'doses_unknown_iu'>[]): number | null {
  if (cycles.some((c) => (c.doses_unknown_iu ?? 0) > 0)) return null;
  return cycles.reduce((a, c) => a + c.iu_per_kg_given, 0) / 1e6;
}

/**
 * Notes, per centre, on given doses whose amount is unknown: how many doses, courses and patients have no cumulative dose.
 * @example unknownDoseNotes(cycles) // [] when every given dose has an amount
 */
export function unknownDoseNotes(cycles: readonly CycleDoses[]): string[] {
  const notes: string[] = [];
  for (const [centre, cs] of [...groupBy(cycles, (c) => c.centre_id).entries()].sort((a, b) => compareLabels(a[0], b[0]))) {
    const unknown = cs.filter((c) => (c.doses_unknown_iu ?? 0) > 0);
    if (unknown.length === 0) continue;
    const doses = unknown.reduce((a, c) => a + (c.doses_unknown_iu ?? 0), 0);
    const courses = new Set(unknown.map((c) => `${c.patient_key}\u0000${c.course_number}`)).size;
    const patients = new Set(unknown.map((c) => c.patient_key)).size;
    notes.push(doseMessages.unknownDoseAmounts(centre, doses, courses, patients));
  }
  return notes;
}

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
  /** Cumulative dose actually given in the course, million IU per kg; null when a given dose's amount is unknown. */
  miu_per_kg_given: number | null;
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
      miu_per_kg_given: cumulativeMiuPerKg(g),
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
  /** null when a given dose's amount is unknown. */
  miu_per_kg_given: number | null;
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
    miu_per_kg_given: cumulativeMiuPerKg(g),
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
 * Distribution of doses and of cumulative MIU/kg per course, per centre, course number and regimen. Courses with a dose of
 * unknown amount are left out of the MIU/kg rows (n_courses counts the others; unknownDoseNotes says how many).
 * @example courseDistribution(courseDoses(cycles))
 */
export function courseDistribution(courses: readonly CourseDosesRow[], options: { level?: number } = {}): CourseDistributionRow[] {
  const out: CourseDistributionRow[] = [];
  for (const [centre, rows] of byCentreAndAll(courses, ALL_CENTRES)) {
    const byCourse = [...groupBy(rows, (r) => String(r.course_number)).entries(), ['all', rows] as [string, CourseDosesRow[]]];
    for (const [courseNumber, cr] of byCourse) {
      for (const [regimen, g] of groupBy(cr, (r) => r.regimen)) {
        for (const measure of ['doses_given', 'miu_per_kg_given'] as const) {
          const values = g.map((r) => r[measure]).filter((v): v is number => v !== null);
          if (values.length === 0) continue;
          const s = describeNumeric(values, options);
          out.push({
            centre_id: centre,
            course_number: courseNumber,
            regimen,
            measure,
            n_courses: s.n,
            ...summaryColumns(s),
          });
        }
      }
    }
  }
  return out.sort((a, b) => compareLabels(a.centre_id, b.centre_id));
}
