// Synthetic multi-centre HD IL-2 data: the physiological simulator, the five centre exports and the truth.
export { simulate, commandFor, manifestFiles, hashFiles, sha256File, type SimulateOptions, type SimulateSummary, type ManifestFile } from './run.js';
export { simulatePatient, slotTimesFor, type PatientContext } from './patient.js';
export { simulateCycle, newLatent, advanceLatent, type LatentState, type CycleInput, type PlannedSeriousEvent } from './cycle.js';
export { drawSeriousEvents } from './serious-events.js';
export { decideSlot, meets, newDecisionState, reasonCodeFor, type DecisionState, type DecisionResult, type SlotVariables } from './decide.js';
export { courseSignals, drawResponse, responseContributions } from './response.js';
export { PROFILES, CENTRE_IDS, isCentreId, type PracticeProfile, type CentreId as SimCentreId, type ExportFormat } from './profiles.js';
export { centrePractice } from './rulesets.js';
export { CENTRE_PRACTICE, type CentrePractice, type PracticeRule, type PracticeCondition, type PracticePolicies } from './centre-rulesets.js';
export { Rng, hash128 } from './prng.js';
export { normaliseZipTimes, normaliseZipFile, dosDateTime } from './writers/zip-determinism.js';
export { FHIR_RESOURCE_TYPES } from './writers/fhir-ndjson.js';
export { TRUTH_RULE_VARIABLES, bestResponse } from './truth.js';
export * as simulationParameters from './parameters.js';
export type * from './types.js';
