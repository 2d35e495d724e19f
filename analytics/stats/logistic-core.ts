// Pieces shared by maximum-likelihood and Firth logistic regression.
import { dot } from './linalg.js';

/** log(1 + e^x) without overflow. */
export function log1pExp(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

export function linearPredictor(rows: readonly (readonly number[])[], beta: readonly number[]): number[] {
  return rows.map((r) => dot(r, beta));
}

export function expit(eta: number): number {
  return eta >= 0 ? 1 / (1 + Math.exp(-eta)) : Math.exp(eta) / (1 + Math.exp(eta));
}

/** Bernoulli log-likelihood sum(y eta - log(1 + e^eta)). */
export function logLikelihood(eta: readonly number[], y: readonly number[]): number {
  let ll = 0;
  for (let i = 0; i < eta.length; i++) ll += y[i]! * eta[i]! - log1pExp(eta[i]!);
  return ll;
}

/** One coefficient with its Wald statistics. */
export interface CoefficientRow {
  term: string;
  estimate: number;
  /** Standard error from the inverse (Fisher) information. */
  stdErr: number;
  /** estimate / stdErr. */
  z: number;
  /** Two-sided Wald p-value. */
  pValue: number;
  /** Wald interval estimate -/+ z_(1-a/2) stdErr (R's confint.default). */
  lower: number;
  upper: number;
}
