import { afterAll, describe, expect, it } from 'vitest';
import { derSimonianLaird, logOddsRatio, logRiskRatio } from '../../../analytics/stats/index.js';
import { expectAllClose, expectClose, expectNoNaN, loadFixture, reportMaxRel } from './r-fixtures.js';

interface RFit {
  estimate: number;
  se: number;
  lower: number;
  upper: number;
  z: number;
  p: number;
  tau2: number;
  Q: number;
  df: number;
  pQ: number;
  I2: number;
  H2: number;
  k: number;
  weights: number[];
}
interface Fixture {
  escalcBcg: { yi: number[]; vi: number[] };
  escalcBcgOR: { yi: number[]; vi: number[] };
  escalcZeroCell: { yi: number[]; vi: number[] };
  fits: Record<string, RFit>;
}
const fx = loadFixture<Fixture>('meta-dl');
const bcg = loadFixture<{ columns: Record<'tpos' | 'tneg' | 'cpos' | 'cneg', number[]> }>('data-dat-bcg').columns;
afterAll(reportMaxRel);

const bcgTable = { ai: bcg.tpos, bi: bcg.tneg, ci: bcg.cpos, di: bcg.cneg };

function compare(input: { yi: number[]; vi: number[] }, ref: RFit): void {
  const r = derSimonianLaird(input);
  expect(r.k).toBe(ref.k);
  expect(r.df).toBe(ref.df);
  expectClose('DL pooled estimate', r.estimate, ref.estimate);
  expectClose('DL SE and CI', r.stdErr, ref.se);
  expectClose('DL SE and CI', r.lower, ref.lower);
  expectClose('DL SE and CI', r.upper, ref.upper);
  expectClose('DL z and p', r.z, ref.z);
  expectClose('DL z and p', r.pValue, ref.p, 1e-6, 1e-14);
  expectClose('DL tau2', r.tau2, ref.tau2);
  expectClose('DL Q', r.Q, ref.Q);
  expectClose('DL Q p', r.pQ, ref.pQ, 1e-6, 1e-14);
  expectClose('DL I2 and H2', r.I2, ref.I2);
  expectClose('DL I2 and H2', r.H2, ref.H2);
  expectAllClose('DL weights', r.weights, ref.weights);
  expectNoNaN(r);
}

describe('effect sizes against metafor::escalc', () => {
  it('log risk ratios for dat.bcg', () => {
    const es = logRiskRatio(bcgTable);
    expectAllClose('escalc RR', es.yi, fx.escalcBcg.yi);
    expectAllClose('escalc RR', es.vi, fx.escalcBcg.vi);
    expect(es.corrected).toEqual([]);
  });
  it('log odds ratios for dat.bcg', () => {
    const es = logOddsRatio(bcgTable);
    expectAllClose('escalc OR', es.yi, fx.escalcBcgOR.yi);
    expectAllClose('escalc OR', es.vi, fx.escalcBcgOR.vi);
  });
  it('zero cells get 0.5 added, as escalc(to = "only0")', () => {
    const es = logRiskRatio({ ai: [0, 4, 2], bi: [20, 21, 28], ci: [3, 6, 0], di: [17, 20, 28] });
    expectAllClose('escalc RR', es.yi, fx.escalcZeroCell.yi);
    expectAllClose('escalc RR', es.vi, fx.escalcZeroCell.vi);
    expect(es.corrected).toEqual([0, 2]);
  });
});

describe('DerSimonian-Laird against metafor::rma(method = "DL")', () => {
  it('dat.bcg, 13 trials (heterogeneous)', () => compare(fx.escalcBcg, fx.fits.bcg!));
  it('first three dat.bcg trials (tau2 truncated at 0)', () =>
    compare({ yi: fx.escalcBcg.yi.slice(0, 3), vi: fx.escalcBcg.vi.slice(0, 3) }, fx.fits.bcg_first3!));
  it('homogeneous studies', () => compare({ yi: [0.1, 0.12, 0.09, 0.11], vi: [0.04, 0.05, 0.03, 0.06] }, fx.fits.homogeneous!));
  it('one study: the study itself, tau2 = 0, Q = 0, I2 = 0', () => compare({ yi: [0.3], vi: [0.04] }, fx.fits.single!));
  it('studies with zero cells after continuity correction', () => compare(fx.escalcZeroCell, fx.fits.zeroCell!));
});

describe('DerSimonian-Laird edge cases', () => {
  it('no studies throws', () => {
    expect(() => derSimonianLaird({ yi: [], vi: [] })).toThrow(/no studies/);
  });
  it('zero or negative variance throws', () => {
    expect(() => derSimonianLaird({ yi: [0.1, 0.2], vi: [0.01, 0] })).toThrow(/vi\[1\] is 0/);
  });
  it('identical estimates: Q = 0, tau2 = 0', () => {
    const r = derSimonianLaird({ yi: [0.2, 0.2, 0.2], vi: [0.01, 0.02, 0.03] });
    expect(r.Q).toBeCloseTo(0, 14);
    expect(r.tau2).toBe(0);
    expect(r.I2).toBe(0);
    expect(r.estimate).toBeCloseTo(0.2, 14);
  });
  it('an empty arm throws; with add = 0 a zero cell throws', () => {
    expect(() => logRiskRatio({ ai: [0], bi: [0], ci: [1], di: [5] })).toThrow(/study 0 has an arm with no subjects/);
    expect(() => logOddsRatio({ ai: [0], bi: [4], ci: [1], di: [5] }, { add: 0 })).toThrow(/zero cell and add = 0/);
  });
  it('does not mutate its input', () => {
    const input = { yi: [...fx.escalcBcg.yi], vi: [...fx.escalcBcg.vi] };
    const copy = structuredClone(input);
    derSimonianLaird(input);
    expect(input).toEqual(copy);
  });
});
