export { conditionMet, inBand, type ConditionLike, type ConditionValue } from './condition.js';
export { DECISIONS, POLICIES, compileTest, evaluateRuleset, featureTableFromRows, slotDecision } from './engine.js';
export type { Decision, EvaluateOptions, FiredRule, PolicyCode, RulesetEvaluation, SlotDecision, SlotFeatureTable } from './engine.js';
export { FEATURE_COLUMNS, FEATURE_SPECS, computeSlotFeatures, readSlotFeatures, rulesetVariables, slotFeaturesSql } from './features.js';
export type { FeatureSpec, SlotFeatureFrame, SlotFeatureOptions } from './features.js';
export { loadRuleset, loadRulesets, parseRuleset } from './load.js';
export { RulesetError, isRulesetError, messages as ruleMessages } from './messages.js';
export { FRAME_DIR, concatFrames, frameFile, readFeatureFrames, writeFeatureFrame, type FrameStamp } from './feature-frames.js';
export { freshFeatureCentres, freshFeatureStamps, refreshStoredSlotFeatures, writeStoredFrame } from './feature-store.js';
