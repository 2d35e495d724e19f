// Practice comparison: how each centre applies hold criteria, against any ruleset.
export { classifySlots, SLOT_CLASSES, type SlotClass, type SlotClasses } from './classify.js';
export { frameCodes, type FrameCodes } from './frame-codes.js';
export { concordance, type ConcordanceRow } from './concordance.js';
export { enforcement, type EnforcementRow } from './enforcement.js';
export { holdReasonMix, type HoldReasonRow } from './hold-reasons.js';
export {
  ed50,
  fitLogistic1,
  fitStep,
  impliedCells,
  impliedFitOptions,
  impliedRows,
  impliedThresholds,
  referenceBand,
  IMPLIED_THRESHOLD_VARIABLES,
  MIN_EVENTS,
  type ImpliedCell,
  type ImpliedThresholdOptions,
  type ImpliedThresholdRow,
  type LogisticFit1,
  type StepFit,
} from './implied-thresholds.js';
export { fitImplied, type ImpliedFit, type ImpliedFitOptions, type ImpliedTask } from './implied-fit.js';
export { startImpliedFits, type ImpliedFits } from './implied-pool.js';
export { fitSlots, otherCriteria, plausibleRange, type FitSlots } from './implied-slots.js';
export { cohenKappa, type KappaResult } from './kappa.js';
export {
  DEFAULT_REFERENCE,
  holdsReport,
  holdsReportThreaded,
  kitRulesDir,
  kitRulesets,
  slotFeaturesFromStore,
  type ConcordanceReportRow,
  type EnforcementReportRow,
  type HoldsReport,
  type HoldsReportOptions,
  type ImpliedThresholdReportRow,
  type ReferenceBandRow,
  type RulesetRow,
} from './report.js';
export {
  passCore,
  slotDecisionColumns,
  slotDecisionRow,
  swimmerRule,
  swimmerSample,
  type PassCore,
  type RulesetPass,
  type SlotDecisionColumns,
  type SlotDecisionRow,
} from './slot-decisions.js';
export { untimedValueNotes, untimedValuesFromStore, type UntimedValueRow } from './untimed-values.js';
export { URINE_RATE_READING, chartingLabel, urineChartingFromStore, type UrineChartingRow } from './urine-charting.js';
