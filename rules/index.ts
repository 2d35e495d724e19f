export { conditionMet, inBand, type ConditionLike, type ConditionValue } from './condition.js';
