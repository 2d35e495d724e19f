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
  impliedThresholds,
  referenceBand,
  IMPLIED_THRESHOLD_VARIABLES,
  MIN_EVENTS,
  type ImpliedThresholdRow,
  type LogisticFit1,
  type StepFit,
} from './implied-thresholds.js';
export { fitSlots, otherCriteria, plausibleRange, type FitSlots } from './implied-slots.js';
export { cohenKappa, type KappaResult } from './kappa.js';
export {
  DEFAULT_REFERENCE,
  holdsReport,
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
  slotDecisionColumns,
  slotDecisionRow,
  swimmerRule,
  swimmerSample,
  type RulesetPass,
  type SlotDecisionColumns,
  type SlotDecisionRow,
} from './slot-decisions.js';
export { untimedValueNotes, untimedValuesFromStore, type UntimedValueRow } from './untimed-values.js';
export { URINE_RATE_READING, chartingLabel, urineChartingFromStore, type UrineChartingRow } from './urine-charting.js';
