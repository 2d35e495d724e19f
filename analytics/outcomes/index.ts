// Outcomes and safety (issue 22): durability and survival, reversibility, why cycles ended, serious events,
// retreatment intervals, practice → outcome meta-regression, doses and response by regimen.
export { analyseOutcomes, type OutcomeAnalyses, type OutcomeOptions } from './analyse.js';
export { dosesByRegimen, responseByRegimen, type DosesByRegimenRow, type ResponseByRegimenRow } from './by-regimen.js';
export { centreAggregates } from './centre-aggregates.js';
export { coxModel, type CoxModelResult, type CoxRow, type PhTestRow } from './cox-model.js';
export {
  CYCLE_END_FIXED_CODES,
  cycleEndCode,
  cycleEndLabel,
  cycleEndCounts,
  cycleEndReasons,
  recordedReason,
  MAXIMUM_REACHED,
  NO_RULESET_STOP,
  RECORDED,
  type CycleEndCountRow,
  type CycleEndReasonRow,
} from './cycle-end-reasons.js';
export { DURABLE_CR_REFERENCE, durableCompleteResponses, type DurableCrDisease, type DurableCrRow } from './durable-cr.js';
export { dorSubjects, landmarkSubjects, osSubjects, pfsSubjects } from './endpoints.js';
export { patientOutcomes, type OutcomeBestResponse, type PatientOutcome, type PatientOutcomesResult } from './patient-outcomes.js';
export {
  ECOLOGICAL_CAVEAT,
  OUTCOME_LABELS,
  practiceOutcome,
  type CentreAggregate,
  type PracticeMeasure,
  type PracticeOutcomeName,
  type PracticeOutcomeRow,
} from './practice-outcome.js';
export { courseGaps, retreatmentCompliance, RETREATMENT_MIN_DAYS, RETREATMENT_SOURCE, type CourseGapRow, type RetreatmentRow } from './retreatment.js';
export {
  MENTAL_STATUS_EVENTS,
  REVERSAL_LABELS,
  reversalTimes,
  type ReversalCounts,
  type ReversalMeasure,
  type ReversalOptions,
  type ReversalTime,
} from './reversal-times.js';
export { creatinineNoise, MIN_NOISE_PAIRS, noiseNote, RCV_Z, type CreatinineNoise } from './creatinine-noise.js';
export { REVERSAL_REFERENCE, reversibility, type ReversibilityRow } from './reversibility.js';
export { rulesetStops, type RulesetStop } from './ruleset-stops.js';
export {
  ANY_SERIOUS,
  POOLED_REGIMENS,
  SAFETY_EVENT_LABELS,
  SERIOUS_EVENTS,
  centresWithoutDeathCause,
  safetyRates,
  TREATMENT_RELATED_DEATH,
  type SafetyRow,
} from './safety.js';
export { ENDPOINT_LABELS, survivalSummary, type Endpoint, type EndpointSubject, type SurvivalCurveRow, type SurvivalSummaryRow } from './survival-summary.js';
export {
  DAY_MS,
  MONTH_DAYS,
  type AssessmentRow,
  type CourseResponseRow,
  type CreatinineRow,
  type FollowUpRow,
  type OutcomeCycle,
  type OutcomeEvent,
  type OutcomeInputs,
  type OutcomePatient,
  type PressorSegment,
  type ResponseCode,
} from './types.js';
export { loadOutcomeInputs, OUTCOME_CYCLES_SQL } from './load.js';
export { loadHoldsOutputs } from './load-practice.js';
export { PRACTICE_MEASURE_LABELS, practiceMeasures, type EnforcementInput, type ImpliedInput } from './practice-measures.js';
