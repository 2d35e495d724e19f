import { afterAll, describe, expect, it } from 'vitest';
import { firthLogistic, logisticRegression, type FirthFit, type LogisticData } from '../../../analytics/stats/index.js';
import { expectAllClose, expectClose, expectNoNaN, loadFixture, reportMaxRel } from './r-fixtures.js';

interface RFirth {
  terms: string[];
  estimate: number[];
  se: number[];
  z: number[];
  waldP: number[];
  waldLower: number[];
  waldUpper: number[];
  profileLower: number[];
  profileUpper: number[];
  plrP: number[];
  penalizedLogLik: number;
}
const fx = loadFixture<{ fits: Record<string, RFirth> }>('firth');
const infert = loadFixture<{ columns: Record<'case' | 'age' | 'parity' | 'induced' | 'spontaneous', number[]> }>('data-infert').columns;
const small = loadFixture<{
  separated: Record<'x' | 'z' | 'y', number[]>;
  quasi: Record<'x' | 'age' | 'y', number[]>;
  small: Record<'dose' | 'male' | 'y', number[]>;
}>('data-logistic-small');
afterAll(reportMaxRel);

function compare(fit: FirthFit, ref: RFirth): void {
  expect(fit.terms.map((t) => t.term)).toEqual(ref.terms);
  expectAllClose('Firth coefficients', fit.terms.map((t) => t.estimate), ref.estimate, 1e-6, 1e-12, 'estimate');
  expectAllClose('Firth SEs', fit.terms.map((t) => t.stdErr), ref.se, 1e-6, 1e-12, 'se');
  expectAllClose('Firth Wald z/p/CI', fit.terms.map((t) => t.z), ref.z, 1e-6, 1e-12, 'z');
  expectAllClose('Firth Wald z/p/CI', fit.terms.map((t) => t.pValue), ref.waldP, 1e-6, 1e-14, 'p');
  expectAllClose('Firth Wald z/p/CI', fit.terms.map((t) => t.lower), ref.waldLower, 1e-6, 1e-12, 'lower');
  expectAllClose('Firth Wald z/p/CI', fit.terms.map((t) => t.upper), ref.waldUpper, 1e-6, 1e-12, 'upper');
  expectAllClose('Firth profile CI', fit.terms.map((t) => t.profileLower), ref.profileLower, 1e-6, 1e-9, 'profile lower');
  expectAllClose('Firth profile CI', fit.terms.map((t) => t.profileUpper), ref.profileUpper, 1e-6, 1e-9, 'profile upper');
  expectAllClose('Firth penalised LR p', fit.terms.map((t) => t.lrPValue), ref.plrP, 1e-6, 1e-14, 'LR p');
  expectClose('Firth penalised log-likelihood', fit.penalizedLogLik, ref.penalizedLogLik);
}

const cases: [string, LogisticData][] = [
  ['separated', { y: small.separated.y, covariates: { x: small.separated.x } }],
  ['separated2', { y: small.separated.y, covariates: { x: small.separated.x, z: small.separated.z } }],
  ['quasi', { y: small.quasi.y, covariates: { x: small.quasi.x, age: small.quasi.age } }],
  ['small', { y: small.small.y, covariates: { dose: small.small.dose, male: small.small.male } }],
  [
    'infert',
    { y: infert.case, covariates: { age: infert.age, parity: infert.parity, induced: infert.induced, spontaneous: infert.spontaneous } },
  ],
  ['allEvents', { y: new Array<number>(8).fill(1), covariates: {} }],
];

describe('Firth logistic regression against the hand-written R reference (logistf is not in Debian)', () => {
  for (const [name, data] of cases) it(name, () => compare(firthLogistic(data), fx.fits[name]!));
});

describe('Firth logistic regression properties and edge cases', () => {
  it('complete separation: plain ML refuses, Firth gives finite estimates and says it was separated', () => {
    const data = cases[0]![1];
    expect(logisticRegression(data).ok).toBe(false);
    const fit = firthLogistic(data);
    expect(fit.separation.kind).toBe('complete');
    for (const t of fit.terms) {
      expect(Number.isFinite(t.estimate)).toBe(true);
      expect(Number.isFinite(t.stdErr)).toBe(true);
    }
    expectNoNaN(fit);
  });
  it('2x2 table: Firth equals the log odds ratio with 0.5 added to each cell', () => {
    const fit = firthLogistic({ y: [1, 1, 1, 0, 0, 0, 0, 0], covariates: { x: [1, 1, 1, 1, 0, 0, 0, 0] } }, { profile: false });
    expect(fit.terms[1]!.estimate).toBeCloseTo(Math.log((3.5 * 4.5) / (1.5 * 0.5)), 9);
    expect(fit.terms[1]!.profileLower).toBeNull();
  });
  it('intercept only with all events: p = (n + 0.5) / (n + 1)', () => {
    const fit = firthLogistic({ y: [1, 1, 1, 1, 1], covariates: {} }, { profile: false });
    const p = 1 / (1 + Math.exp(-fit.terms[0]!.estimate));
    expect(p).toBeCloseTo(5.5 / 6, 10);
  });
  it('no events at all gives a finite negative intercept', () => {
    const fit = firthLogistic({ y: [0, 0, 0], covariates: {} }, { profile: false });
    expect(fit.terms[0]!.estimate).toBeCloseTo(Math.log(0.5 / 3.5), 10);
  });
  it('a single subject', () => {
    const fit = firthLogistic({ y: [1], covariates: {} });
    expect(fit.terms[0]!.estimate).toBeCloseTo(Math.log(1.5 / 0.5), 10);
    expectNoNaN(fit);
  });
  it('no variation in a covariate throws, as for plain ML', () => {
    expect(() => firthLogistic({ y: [0, 1, 1], covariates: { x: [2, 2, 2] } })).toThrow(/'x' has no variation/);
  });
  it('n = 0 throws', () => {
    expect(() => firthLogistic({ y: [], covariates: {} })).toThrow(/no observations/);
  });
});
