import { afterAll, describe, expect, it } from 'vitest';
import { checkSeparation, logisticRegression, type LogisticFit } from '../../../analytics/stats/index.js';
import { expectAllClose, expectClose, loadFixture, reportMaxRel } from './r-fixtures.js';

interface RGlm {
  terms: string[];
  estimate: number[];
  se: number[];
  z: number[];
  p: number[];
  lower: number[];
  upper: number[];
  deviance: number;
  nullDeviance: number;
  logLik: number;
  aic: number;
}
const fx = loadFixture<{ fits: Record<string, RGlm>; separatedGlm: { warnings: string[] } }>('logistic');
const infert = loadFixture<{ columns: Record<'case' | 'age' | 'parity' | 'induced' | 'spontaneous', number[]> }>('data-infert').columns;
const small = loadFixture<{
  separated: Record<'x' | 'z' | 'y', number[]>;
  quasi: Record<'x' | 'age' | 'y', number[]>;
  small: Record<'dose' | 'male' | 'y', number[]>;
}>('data-logistic-small');
afterAll(reportMaxRel);

function fitOk(result: ReturnType<typeof logisticRegression>): LogisticFit {
  if (!result.ok) throw new Error(`expected a fit, got: ${result.message}`);
  return result;
}

function compare(fit: LogisticFit, ref: RGlm): void {
  expect(fit.terms.map((t) => t.term)).toEqual(ref.terms);
  expectAllClose('logistic coefficients', fit.terms.map((t) => t.estimate), ref.estimate, 1e-6, 1e-12, 'estimate');
  expectAllClose('logistic SEs', fit.terms.map((t) => t.stdErr), ref.se, 1e-6, 1e-12, 'se');
  expectAllClose('logistic z', fit.terms.map((t) => t.z), ref.z, 1e-6, 1e-12, 'z');
  expectAllClose('logistic Wald p', fit.terms.map((t) => t.pValue), ref.p, 1e-6, 1e-14, 'p');
  expectAllClose('logistic Wald CI', fit.terms.map((t) => t.lower), ref.lower, 1e-6, 1e-12, 'lower');
  expectAllClose('logistic Wald CI', fit.terms.map((t) => t.upper), ref.upper, 1e-6, 1e-12, 'upper');
  expectClose('logistic deviance', fit.deviance, ref.deviance);
  expectClose('logistic deviance', fit.nullDeviance, ref.nullDeviance);
  expectClose('logistic deviance', fit.logLik, ref.logLik);
  expectClose('logistic deviance', fit.aic, ref.aic);
}

describe('logistic regression against glm(family = binomial)', () => {
  it('infert: case ~ age + parity + induced + spontaneous', () => {
    const fit = fitOk(
      logisticRegression({
        y: infert.case,
        covariates: { age: infert.age, parity: infert.parity, induced: infert.induced, spontaneous: infert.spontaneous },
      }),
    );
    compare(fit, fx.fits.infert!);
    expect(fit.separation.detected).toBe(false);
  });
  it('small inline data: y ~ dose + male', () => {
    compare(fitOk(logisticRegression({ y: small.small.y, covariates: { dose: small.small.dose, male: small.small.male } })), fx.fits.small!);
  });
});

describe('separation', () => {
  it('complete separation is reported instead of diverging estimates (glm only warns)', () => {
    expect(fx.separatedGlm.warnings.join(' ')).toMatch(/fitted probabilities numerically 0 or 1/);
    const r = logisticRegression({ y: small.separated.y, covariates: { x: small.separated.x } });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.reason).toBe('separation');
    expect(r.separation.kind).toBe('complete');
    expect(r.separation.observations).toHaveLength(10);
    expect(r.separation.terms).toContain('x');
    expect(r.message).toMatch(/complete separation: 10 of 10 outcomes are predicted perfectly by .*x.*firthLogistic/);
  });
  it('separation by one covariate is found with other covariates in the model', () => {
    const r = logisticRegression({ y: small.separated.y, covariates: { x: small.separated.x, z: small.separated.z } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.separation.kind).toBe('complete');
  });
  it('quasi-complete separation: every x = 1 has y = 1', () => {
    const r = logisticRegression({ y: small.quasi.y, covariates: { x: small.quasi.x, age: small.quasi.age } });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.separation.kind).toBe('quasi-complete');
    expect(r.separation.observations).toEqual([8, 9, 10, 11]);
    expect(r.separation.terms).toEqual(['x']);
  });
  it('an outcome with no events, or only events, is separation by the intercept', () => {
    for (const y of [[0, 0, 0, 0], [1, 1, 1, 1]]) {
      const r = logisticRegression({ y, covariates: { x: [1, 2, 3, 4] } });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.message).toMatch(/outcome has no variation/);
    }
  });
  it('overlapping data are not flagged', () => {
    const s = checkSeparation(
      [[1, 0], [1, 1], [1, 0], [1, 1]],
      [0, 0, 1, 1],
      ['(Intercept)', 'x'],
    );
    expect(s.detected).toBe(false);
    expect(s.kind).toBe('none');
  });
});

describe('logistic regression edge cases', () => {
  it('n = 0 throws', () => {
    expect(() => logisticRegression({ y: [], covariates: {} })).toThrow(/no observations/);
  });
  it('a single subject cannot be fitted (separated by the intercept)', () => {
    const r = logisticRegression({ y: [1], covariates: {} });
    expect(r.ok).toBe(false);
  });
  it('no variation in a covariate throws naming it', () => {
    expect(() => logisticRegression({ y: [0, 1, 0, 1, 1], covariates: { dose: [1, 2, 3, 4, 5], centre: [3, 3, 3, 3, 3] } })).toThrow(
      /covariate 'centre' has no variation \(every value is 3\).*drop it/,
    );
  });
  it('collinear covariates throw naming the later one', () => {
    expect(() => logisticRegression({ y: [0, 1, 0, 1, 1], covariates: { a: [1, 2, 3, 4, 5], b: [2, 4, 6, 8, 10] } })).toThrow(/'b' is a linear combination/);
  });
  it('rejects outcomes other than 0/1 and missing values', () => {
    expect(() => logisticRegression({ y: [0, 2], covariates: {} })).toThrow(/y\[1\] is 2; the outcome must be coded 0 or 1/);
    expect(() => logisticRegression({ y: [0, 1], covariates: { x: [1, Number.NaN] } })).toThrow(/covariates.x\[1\] is NaN/);
  });
  it('does not mutate its input', () => {
    const data = { y: [...small.small.y], covariates: { dose: [...small.small.dose] } };
    const copy = structuredClone(data);
    logisticRegression(data);
    expect(data).toEqual(copy);
  });
});
