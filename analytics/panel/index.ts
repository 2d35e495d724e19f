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
