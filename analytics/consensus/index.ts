// The 2014 consensus figures' inputs (il2-domain.md §3.0): centre-level medians and quartiles over time, and one
// patient-cycle's course, read from the store.
export { EXAMPLE_CYCLE_RULE, exampleCycleIds, loadCycleCourse } from './load-cycle.js';
export { loadConsensusSummary, type SummaryOptions } from './load-summary.js';
export { COURSE_VARIABLES, FIGURE_VARIABLES, LOOKBACK_HOURS, MIN_CYCLES_PER_BIN, SERIES_BINS } from './series.js';
export type {
  ConsensusSeries,
  ConsensusSummary,
  CourseInfusion,
  CoursePoint,
  CourseSlot,
  CourseVariable,
  CycleCourse,
  SlotSummaryRow,
  SummaryRow,
  SupportSeries,
} from './types.js';
