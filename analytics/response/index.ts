// Response signals: response rates per centre (intervals, funnel), response by doses received, and
// odds ratios of the §4.3 signals measured in a landmark window (not causal: see LANDMARK_NOTE).
export { analyseResponse, type ResponseAnalyses } from './analyse.js';
export {
  eligibleCourses,
  eligibleRates,
  isNotEvaluable,
  isResponder,
  type EligibleCourse,
  type EligibleRateRow,
} from './eligible-rates.js';
export { courseSignals, type CourseSignalOptions, type CourseSignalsResult } from './course-signals.js';
export { fitTerm, fitTerms, type FirthPolicy, type FitOptions, type TermEstimate } from './fit.js';
export { courseLabSql, labWindowParams, loadCourseLabs } from './course-labs.js';
export { CYCLE_TIMING_SQL, loadResponseInputs } from './load.js';
export { LANDMARK_NOTE, responseMessages } from './messages.js';
export { responseByDoses, type ResponseByDosesRow } from './response-by-doses.js';
export { responseRates, type ResponseFunnelRow, type ResponseRateRow, type ResponseRatesResult } from './response-rates.js';
export {
  signalOddsRatios,
  type Adjuster,
  type ForestRow,
  type OddsRatioOptions,
  type OddsRatioRow,
  type SignalOddsRatiosResult,
} from './signal-odds-ratios.js';
export { SIGNALS, SIGNAL_IDS, type SignalDef, type SignalId } from './signals.js';
export {
  SIGNAL_EVENTS,
  SIGNAL_LABS,
  type CourseLabRow,
  type CourseLabs,
  type CourseSignalRow,
  type CycleTiming,
  type LabWindowParams,
  type EventRow,
  type LabRow,
  type PressorRow,
  type ResponseCategoryCode,
  type ResponseInputs,
  type ResponseRow,
  type SignalEventType,
  type SignalLab,
} from './types.js';
