// Outcome statistics against R: KM quantiles (quantile.survfit), Cox with Efron ties (coxph) and the PH test
// (cox.zph), exact Poisson intervals (poisson.test), DL meta-regression (metafor::rma with mods).
import { afterAll, describe, expect, it } from 'vitest';
import {
  coxRegression,
  coxZph,
  dummyColumns,
  kaplanMeier,
  kaplanMeierByGroup,
  metaRegression,
  poissonExactInterval,
  survivalQuantile,
} from '../../../analytics/stats/index.js';
import { expectAllClose, expectClose, expectNoNaN, loadFixture, reportMaxRel } from './r-fixtures.js';

afterAll(reportMaxRel);

interface RQuant {
  stratum: string;
  probs: number[];
  quantile: (number | null)[];
  lower: (number | null)[];
  upper: (number | null)[];
}
const kmq = loadFixture<{ fits: Record<string, RQuant[]> }>('km-quantiles');
const aml = loadFixture<{ columns: { time: number[]; status: number[] } }>('data-aml').columns;
const lung = loadFixture<{ columns: { time: number[]; status: number[]; sex: number[] } }>('data-lung').columns;
const oc = loadFixture<{ columns: { time: number[]; status: number[]; centre: string[]; disease: string[]; age: number[] } }>('data-outcomes').columns;

function compareQuantiles(curve: ReturnType<typeof kaplanMeier>, ref: RQuant, label: string): void {
  ref.probs.forEach((p, i) => {
    const q = survivalQuantile(curve, p);
    expectClose('KM quantile', q.quantile, ref.quantile[i], 1e-6, 1e-12, `${label} p=${p}`);
    expectClose('KM quantile CI', q.lower, ref.lower[i], 1e-6, 1e-12, `${label} p=${p} lower`);
    expectClose('KM quantile CI', q.upper, ref.upper[i], 1e-6, 1e-12, `${label} p=${p} upper`);
  });
}

describe('survivalQuantile against quantile.survfit', () => {
  it('aml', () => compareQuantiles(kaplanMeier({ time: aml.time, event: aml.status }), kmq.fits.aml_all![0]!, 'aml'));
  it('lung by sex', () => {
    const groups = kaplanMeierByGroup({ time: lung.time, event: lung.status.map((s) => s - 1), group: lung.sex });
    groups.forEach((g, i) => compareQuantiles(g.curve, kmq.fits.lung_sex![i]!, `lung sex ${g.group}`));
  });
  it('synthetic outcomes by centre (ties)', () => {
    const groups = kaplanMeierByGroup({ time: oc.time, event: oc.status, group: oc.centre });
    groups.forEach((g, i) => compareQuantiles(g.curve, kmq.fits.outcomes_centre![i]!, `outcomes ${g.group}`));
  });
  it('a flat stretch at exactly 0.5, a median not reached, a curve ending at 0.5', () => {
    compareQuantiles(kaplanMeier({ time: [1, 2, 3, 4], event: [1, 1, 0, 1] }), kmq.fits.flat![0]!, 'flat');
    compareQuantiles(kaplanMeier({ time: [3, 5, 8, 9, 12], event: [0, 1, 0, 0, 0] }), kmq.fits.censored![0]!, 'censored');
    compareQuantiles(kaplanMeier({ time: [1, 2, 3, 4], event: [1, 1, 0, 0] }), kmq.fits.tail_half![0]!, 'tail_half');
  });
  it('everyone censored: not reached, no NaN', () => {
    const q = survivalQuantile(kaplanMeier({ time: [1, 2, 3], event: [0, 0, 0] }));
    expect(q).toEqual({ p: 0.5, quantile: null, lower: null, upper: null });
  });
});

interface RCox {
  terms: string[];
  coef: number[];
  se: number[];
  z: number[];
  p: number[];
  loglik: number[];
  n: number;
  nevent: number;
  zph: { names: string[]; chisq: number[]; df: number[]; p: number[] };
}
const cox = loadFixture<{ fits: Record<string, RCox> }>('cox');

function compareCox(fit: ReturnType<typeof coxRegression>, ref: RCox, label: string): void {
  expect(fit.coefficients.map((c) => c.term)).toEqual(ref.terms);
  expect(fit.events).toBe(ref.nevent);
  expectAllClose(
    'Cox coef',
    fit.coefficients.map((c) => c.estimate),
    ref.coef,
    1e-6,
    1e-12,
    `${label} coef`,
  );
  expectAllClose(
    'Cox SE',
    fit.coefficients.map((c) => c.stdErr),
    ref.se,
    1e-6,
    1e-12,
    `${label} se`,
  );
  expectAllClose(
    'Cox p',
    fit.coefficients.map((c) => c.pValue),
    ref.p,
    1e-6,
    1e-12,
    `${label} p`,
  );
  expectAllClose('Cox loglik', fit.loglik, ref.loglik, 1e-6, 1e-12, `${label} loglik`);
  const zph = coxZph(fit);
  expect(zph.map((r) => r.term)).toEqual(ref.zph.names);
  expect(zph.map((r) => r.df)).toEqual(ref.zph.df);
  expectAllClose(
    'cox.zph chisq',
    zph.map((r) => r.chisq),
    ref.zph.chisq,
    1e-6,
    1e-12,
    `${label} zph`,
  );
  expectAllClose(
    'cox.zph p',
    zph.map((r) => r.pValue),
    ref.zph.p,
    1e-6,
    1e-12,
    `${label} zph p`,
  );
  expectNoNaN(fit.coefficients);
}

describe('coxRegression and coxZph against coxph / cox.zph', () => {
  it('lung ~ age + sex (continuous covariates, ties)', () => {
    const l = loadFixture<{ columns: { time: number[]; status: number[]; age: number[]; sex: number[] } }>('data-lung-cox').columns;
    compareCox(coxRegression({ time: l.time, event: l.status.map((s) => s - 1), covariates: { age: l.age, sex: l.sex } }), cox.fits.lung!, 'lung');
  });
  it('outcomes ~ centre + disease (factors, ties)', () => {
    const fit = coxRegression({
      time: oc.time,
      event: oc.status,
      covariates: { ...dummyColumns(oc.centre, 'centre'), ...dummyColumns(oc.disease, 'disease') },
      terms: { centre: ['centrelakeshore', 'centreriverside'], disease: ['diseaserenal_cell_carcinoma'] },
    });
    compareCox(fit, cox.fits.outcomes!, 'outcomes');
  });
  it('outcomes ~ centre + disease + age', () => {
    const fit = coxRegression({
      time: oc.time,
      event: oc.status,
      covariates: { ...dummyColumns(oc.centre, 'centre'), ...dummyColumns(oc.disease, 'disease'), age: oc.age },
      terms: { centre: ['centrelakeshore', 'centreriverside'], disease: ['diseaserenal_cell_carcinoma'], age: ['age'] },
    });
    compareCox(fit, cox.fits.outcomes_age!, 'outcomes+age');
  });
  it('no events: a clear message, not NaN', () => {
    expect(() => coxRegression({ time: [1, 2], event: [0, 0], covariates: { x: [0, 1] } })).toThrow(/no events/);
  });
  it('a constant covariate is named', () => {
    expect(() => coxRegression({ time: [1, 2, 3], event: [1, 0, 1], covariates: { x: [1, 1, 1] } })).toThrow(/'x' is constant/);
  });
});

describe('poissonExactInterval against poisson.test', () => {
  const fx = loadFixture<{ cases: { x: number; exposure: number; lower95: number; upper95: number; lower90: number; upper90: number }[] }>('poisson-exact');
  it.each(fx.cases)('x = $x, T = $exposure', (c) => {
    const a = poissonExactInterval(c.x, c.exposure);
    expectClose('Poisson exact', a.lower, c.lower95, 1e-6, 1e-12, 'lower95');
    expectClose('Poisson exact', a.upper, c.upper95, 1e-6, 1e-12, 'upper95');
    const b = poissonExactInterval(c.x, c.exposure, 0.9);
    expectClose('Poisson exact', b.lower, c.lower90, 1e-6, 1e-12, 'lower90');
    expectClose('Poisson exact', b.upper, c.upper90, 1e-6, 1e-12, 'upper90');
  });
  it('no exposure is a clear message', () => expect(() => poissonExactInterval(0, 0)).toThrow(/no exposure has no rate/));
});

interface RMr {
  coef: number[];
  se: number[];
  z: number[];
  p: number[];
  lower: number[];
  upper: number[];
  tau2: number;
  I2: number;
  H2: number;
  QE: number;
  QEp: number;
  QM: number;
  QMp: number;
  k: number;
}
function compare(res: ReturnType<typeof metaRegression>, ref: RMr, label: string, rel = 1e-6): void {
  expectAllClose(
    'meta-regression coef',
    res.coefficients.map((c) => c.estimate),
    ref.coef,
    rel,
    1e-12,
    `${label} coef`,
  );
  expectAllClose(
    'meta-regression SE',
    res.coefficients.map((c) => c.stdErr),
    ref.se,
    rel,
    1e-12,
    `${label} se`,
  );
  expectAllClose(
    'meta-regression p',
    res.coefficients.map((c) => c.pValue),
    ref.p,
    rel,
    1e-12,
    `${label} p`,
  );
  expectAllClose(
    'meta-regression CI',
    res.coefficients.map((c) => c.lower),
    ref.lower,
    rel,
    1e-12,
    `${label} lower`,
  );
  for (const key of ['tau2', 'I2', 'H2', 'QE', 'QEp', 'QM', 'QMp'] as const)
    expectClose('meta-regression tests', res[key], ref[key], rel, 1e-12, `${label} ${key}`);
}

describe('metaRegression against metafor::rma(method = "DL", mods = ~ ...)', () => {
  const fx = loadFixture<{
    fits: Record<string, RMr>;
    bcg: { yi: number[]; vi: number[]; ablat: number[]; year: number[] };
    small: { yi: number[]; vi: number[]; x: number[] };
  }>('meta-regression');
  it('BCG ~ latitude', () =>
    compare(metaRegression({ yi: fx.bcg.yi, vi: fx.bcg.vi, mods: { ablat: fx.bcg.ablat } }, { method: 'DL' }), fx.fits.bcg_ablat!, 'bcg'));
  it('BCG ~ latitude + year', () =>
    compare(
      metaRegression({ yi: fx.bcg.yi, vi: fx.bcg.vi, mods: { ablat: fx.bcg.ablat, year: fx.bcg.year } }, { method: 'DL' }),
      fx.fits.bcg_ablat_year!,
      'bcg2',
    ));
  it('small, tau² truncated at 0', () =>
    compare(metaRegression({ yi: fx.small.yi, vi: fx.small.vi, mods: { x: fx.small.x } }, { method: 'DL' }), fx.fits.small!, 'small'));
  it('too few centres is a clear message', () => {
    expect(() => metaRegression({ yi: [0.1, 0.2], vi: [0.1, 0.1], mods: { x: [1, 2] } })).toThrow(/more studies than coefficients/);
  });
});

describe('metaRegression against metafor::rma(method = "REML", mods = ~ ...), metafor\'s default', () => {
  type Data = { yi: number[]; vi: number[]; x?: number[]; ablat?: number[]; year?: number[] };
  const fx = loadFixture<{ fits: Record<string, RMr & { method: string }>; data: Record<string, Data> }>('meta-regression-reml');
  const fit = (d: Data, mods: Record<string, number[]>) => metaRegression({ yi: d.yi, vi: d.vi, mods });
  it('REML is the default, and each fit says which tau² it used', () => {
    expect(fit(fx.data.centres!, { x: fx.data.centres!.x! }).method).toBe('REML');
    expect(metaRegression({ yi: fx.data.centres!.yi, vi: fx.data.centres!.vi, mods: { x: fx.data.centres!.x! } }, { method: 'DL' }).method).toBe('DL');
  });
  it('BCG ~ latitude', () => compare(fit(fx.data.bcg!, { ablat: fx.data.bcg!.ablat! }), fx.fits.bcg_ablat!, 'reml bcg'));
  it('BCG ~ latitude + year', () =>
    compare(fit(fx.data.bcg!, { ablat: fx.data.bcg!.ablat!, year: fx.data.bcg!.year! }), fx.fits.bcg_ablat_year!, 'reml bcg2'));
  it('five centres: mean doses per cycle on a practice measure', () =>
    compare(fit(fx.data.centres!, { x: fx.data.centres!.x! }), fx.fits.centres!, 'reml centres'));
  it('five centres: response log-odds (escalc PLO)', () => compare(fit(fx.data.response!, { x: fx.data.response!.x! }), fx.fits.response!, 'reml response'));
  it('tau² at the boundary 0', () => {
    const res = fit(fx.data.small!, { x: fx.data.small!.x! });
    expect(res.tau2).toBe(0);
    compare(res, fx.fits.small!, 'reml small');
  });
  it("metafor's own default run (it stops when tau² moves < 1e-5) agrees to 1e-3", () =>
    compare(fit(fx.data.bcg!, { ablat: fx.data.bcg!.ablat! }), fx.fits.bcg_ablat_default!, 'reml bcg default', 1e-3));
  it('REML and DL differ where tau² > 0 (the option changes the estimate)', () => {
    const d = fx.data.bcg!;
    const dl = metaRegression({ yi: d.yi, vi: d.vi, mods: { ablat: d.ablat! } }, { method: 'DL' });
    expect(Math.abs(dl.tau2 - fit(d, { ablat: d.ablat! }).tau2)).toBeGreaterThan(1e-3);
  });
});
