// Consensus-panel layer: a centre's summary for its bundle, and pooling bundles at the panel.
export { bundleHash, canonicalJson } from './hash.js';
export { periodsOverlap, quarterIndex, quarterOf } from './quarter.js';
export { doseEndTables, parseRegimen } from './summarise-doses.js';
export { holdTables } from './summarise-holds.js';
export { BINARY_SIGNALS, caseMixTables, estimateCandidates, responseTable, signalTables } from './summarise-response.js';
export { summariseCentre, type CentreInputs } from './summarise.js';
export { DEFAULT_POLICY, type CentreSummary, type CountTable, type EstimateCandidate } from './types.js';
