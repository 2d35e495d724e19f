// il2kit: the library a notebook or script imports as 'il2kit'.
export * from './schemas/index.js';
export * from './pipelines/index.js';
export * from './charts/index.js';
export { notebookStore, findOutStore, type NotebookStore } from './data-samples/notebook-store.js';
export * from './analytics/index.js';
export * from './analytics/practice/index.js';
export {
  DECISIONS,
  evaluateRuleset,
  loadRuleset,
  loadRulesets,
  rulesetVariables,
  slotDecision,
  type Decision,
  type RulesetEvaluation,
  type SlotDecision,
} from './rules/index.js';
export { SAMPLE_CENTRES, sampleDataDir, sampleStore, type SampleStoreOptions } from './data-samples/sample-store.js';
