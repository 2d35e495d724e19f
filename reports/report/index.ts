// The investigator report (il2kit report): section builders over a store's analyses, assembled into one page.
export { buildReport, type BuildReportOptions, type BuiltReport, type SectionBuilder } from './build.js';
export { runReportAnalyses, chooseRulesets, type ReportAnalyses, type HoldsAggregate, type Outcome } from './analyses.js';
export { loadStoreFacts, OBSERVATION_KINDS, KIND_LABELS, type CentreFacts, type StoreFacts, type ObservationKind } from './load-store.js';
export { loadCentreRecords, type CentreRecords } from './load-records.js';
export { figure, table, sourceNote, pct, statusTag, type ReportContext, type ReportProvenance } from './context.js';
export { dosesAnswer, practiceAnswer, responseAnswer } from './answers.js';
export { periodLabel, monthYear } from './period.js';
export { ReportInputError, reportMessages } from './messages.js';
