// All dose analyses in one call, for the CLI, notebooks and the bench.
import {
  courseDistribution, courseDoses, patientCumulativeDose, unknownDoseNotes, type CourseDistributionRow, type CourseDosesRow, type PatientCumulativeRow,
} from './course-doses.js';
import { cycleComparison, type CycleComparisonRow } from './cycle-comparison.js';
import { doseDistribution, doseHistogram, type DoseDistributionRow, type DoseHistogramRow } from './dose-distribution.js';
import { doseSurvival, type DoseSurvivalResult } from './dose-survival.js';
import { doseMessages } from './messages.js';
import { reachingDoses, type ReachingOptions, type ReachingResult } from './reaching-doses.js';
import type { CycleDoses, PatientCaseMix } from './types.js';

export interface DoseAnalyses {
  distribution: DoseDistributionRow[];
  histogram: DoseHistogramRow[];
  cycleComparison: CycleComparisonRow[];
  courses: CourseDosesRow[];
  courseDistribution: CourseDistributionRow[];
  patients: PatientCumulativeRow[];
  survival: DoseSurvivalResult;
  reaching: ReachingResult;
  reachingFirstCycle: ReachingResult;
  notes: string[];
}

/**
 * Runs every dose analysis on the pulled tables.
 * @example const r = analyseDoses(await loadCycleDoses(conn), await loadCaseMix(conn))
 */
export function analyseDoses(
  cycles: readonly CycleDoses[],
  patients: readonly PatientCaseMix[],
  options: { level?: number; reaching?: ReachingOptions } = {},
): DoseAnalyses {
  if (cycles.length === 0) throw new Error(doseMessages.noCycles('analyseDoses'));
  const courses = courseDoses(cycles);
  const comparison = cycleComparison(cycles, options);
  const survival = doseSurvival(cycles, options);
  const reaching = reachingDoses(cycles, patients, options.reaching);
  const reachingFirstCycle = reachingDoses(cycles, patients, { ...options.reaching, cycles: 'first' });
  const notes = [...unknownDoseNotes(cycles), ...survival.notes, ...reaching.notes];
  if (comparison.length === 0) notes.push(doseMessages.pairedNone);
  return {
    distribution: doseDistribution(cycles, options),
    histogram: doseHistogram(cycles),
    cycleComparison: comparison,
    courses,
    courseDistribution: courseDistribution(courses, options),
    patients: patientCumulativeDose(cycles),
    survival,
    reaching,
    reachingFirstCycle,
    notes: [...new Set(notes)],
  };
}
