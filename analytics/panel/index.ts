// Consensus-panel layer: a centre's summary for its bundle, and pooling bundles at the panel.
export { bundleHash, canonicalJson } from './hash.js';
export { periodsOverlap, quarterIndex, quarterOf } from './quarter.js';
export { doseEndFirstTables, doseEndTables, parseRegimen } from './summarise-doses.js';
export { holdTables } from './summarise-holds.js';
export { BINARY_SIGNALS, caseMixTables, estimateCandidates, responseAllTable, responseTable, signalTables } from './summarise-response.js';
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
export {
  DURABLE_COLS,
  DURABLE_ROWS,
  LIFE_COLS,
  LIFE_INTERVALS,
  LIFE_WIDTH_MONTHS,
  SERIOUS_COLS,
  lifeInterval,
  lifeTableCounts,
  outcomeTables,
} from './summarise-outcomes.js';
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
