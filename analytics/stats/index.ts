// Statistics for il2kit, checked against R (see scripts/r/ and test/fixtures/r/).
export * from './binomial.js';
export * from './competing-risks.js';
export * from './describe.js';
export { buildDesign, INTERCEPT, type Design, type LogisticData } from './design.js';
export * from './distributions.js';
export * from './firth.js';
export * from './funnel.js';
export * from './kaplan-meier.js';
export * from './log-rank.js';
export * from './logistic.js';
export type { CoefficientRow } from './logistic-core.js';
export * from './meta-analysis.js';
export * from './random-effects.js';
export * from './separation.js';
export type { SurvivalData } from './types.js';
