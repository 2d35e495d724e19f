// Consensus-panel layer: a centre's summary for its bundle, and pooling bundles at the panel.
export { bundleHash, canonicalJson } from './hash.js';
export { periodsOverlap, quarterIndex, quarterOf } from './quarter.js';
export { doseEndFirstTables, doseEndTables, parseRegimen } from './summarise-doses.js';
export { holdTables } from './summarise-holds.js';
export {
  BINARY_SIGNALS,
  caseMixTables,
  estimateCandidates,
  RESPONSE_ASSESSED,
  responseAllTable,
  responseAssessedTable,
  responseTable,
  signalTables,
} from './summarise-response.js';
export { summariseCentre, type CentreInputs } from './summarise.js';
export { DEFAULT_POLICY, type CentreSummary, type CountTable, type EstimateCandidate } from './types.js';
export { checkBundleSet, checkBundleText, type BundleCheck } from './check.js';
export { cyclesFromBundle, firstCycleLogRank, poolDoses, pooledMeanFunnel, type PooledDoses } from './pool-doses.js';
export {
  POOLED,
  poolConcordance,
  poolEnforcement,
  poolHoldReasons,
  rulesetStatuses,
  type PooledConcordanceRow,
  type PooledEnforcementRow,
} from './pool-holds.js';
export { poolResponseRates, poolSignals, type PooledRateRow, type PooledSignalRow } from './pool-response.js';
export { poolBundles, type CentreRow, type PanelResult, type SuppressedCellRow } from './pool.js';
export { cellOf, cellsOf, tableOf } from './table-cells.js';
export { labelProblems } from './vocabulary.js';
export { DURABLE_COLS, DURABLE_ROWS, LIFE_GRID_ROWS, SERIOUS_COLS, outcomeTables } from './summarise-outcomes.js';
export {
  coarsenLifeTable,
  GRID_ROWS,
  gridCounts,
  intervalLabel,
  LIFE_COLS,
  LIFE_GRID_END,
  LIFE_GRID_MONTHS,
  parseInterval,
  spreadToGrid,
  type CoarseLifeTable,
} from './life-table.js';
export { CYCLE_END_COLS, cycleEndTables, readingCode, REVERSAL_COLS, REVERSAL_DAYS, REVERSAL_ROWS, reversalRow, reversalTables } from './summarise-toxicity.js';
export { POOLED_REVERSAL_METHOD, poolCycleEnds, poolReversal, type PooledCycleEndRow, type PooledReversalRow } from './pool-toxicity.js';
export {
  LIFE_TABLE_METHOD,
  lifeTableSurvival,
  poolDurableCr,
  poolSeriousEvents,
  poolSurvival,
  type PooledDurableRow,
  type PooledSeriousRow,
  type PooledSurvivalRow,
} from './pool-outcomes.js';
