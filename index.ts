// il2kit: the library a notebook or script imports as 'il2kit'.
export * from './schemas/index.js';
export * from './pipelines/index.js';
export * from './charts/index.js';
// Notebook parameter schemas only: the runner itself (zeromq) is not loaded by importing the kit.
export { KitTourParams, HoldCriteriaParams, DosesReachedParams, ResponseSignalsParams, notebookParams, notebookParamInfo, pathParam, isNotebookName, type NotebookName } from './schemas/notebook-params.js';
export { notebookStore, findOutStore, type NotebookStore } from './data-samples/notebook-store.js';
export * from './analytics/index.js';
export * from './analytics/practice/index.js';
export { DECISIONS, evaluateRuleset, loadRuleset, loadRulesets, rulesetVariables, slotDecision, type Decision, type RulesetEvaluation, type SlotDecision } from './rules/index.js';
export { SAMPLE_CENTRES, sampleDataDir, sampleStore, type SampleStoreOptions } from './data-samples/sample-store.js';
