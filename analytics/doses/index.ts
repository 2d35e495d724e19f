// Doses reached: per cycle, per course, cumulative IU/kg, dose survival with competing end reasons,
// log-rank between centres, and the funnel of cycles reaching N doses (crude and case-mix adjusted).
export { analyseDoses, type DoseAnalyses } from './analyse.js';
export {
  courseDistribution,
  courseDoses,
  patientCumulativeDose,
  type CourseDistributionRow,
  type CourseDosesRow,
  type PatientCumulativeRow,
} from './course-doses.js';
export { cycleComparison, type CycleComparisonRow } from './cycle-comparison.js';
export { doseDistribution, doseHistogram, type DoseDistributionRow, type DoseHistogramRow } from './dose-distribution.js';
export { doseSurvival, type DoseSurvivalResult, type DoseSurvivalRow, type EndCauseIncidenceRow, type LogRankRow } from './dose-survival.js';
export {
  indirectStandardisation,
  type StandardisationInput,
  type StandardisationOptions,
  type StandardisationResult,
  type StandardisedUnitRow,
} from './indirect-standardisation.js';
export { CYCLE_DOSES_SQL, centreFilter, loadCaseMix, loadCycleDoses, queryRows } from './load.js';
export { doseMessages } from './messages.js';
export { MEAN_DOSES_FUNNEL_METHOD, meanDosesFunnel, type MeanDosesFunnelResult, type MeanDosesFunnelRow } from './mean-doses-funnel.js';
export {
  caseMixStratum,
  reachingDoses,
  type FunnelCurveRow,
  type ReachingAdjustedRow,
  type ReachingCrudeRow,
  type ReachingOptions,
  type ReachingResult,
} from './reaching-doses.js';
export {
  ALL_CENTRES,
  END_CAUSES,
  END_CAUSE_CODE,
  END_REASON_CAUSE,
  endCause,
  reachedMaximum,
  regimenLabel,
  type CycleDoses,
  type EndCause,
  type PatientCaseMix,
} from './types.js';
