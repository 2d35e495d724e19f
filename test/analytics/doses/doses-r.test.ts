// The dose analyses on a fixed dataset against what R computes from the same rows (scripts/r/make-fixtures-doses-response.R).
import { afterAll, describe, expect, it } from 'vitest';
import { doseSurvival, indirectStandardisation, caseMixStratum, reachingDoses, type CycleDoses, type PatientCaseMix } from '../../../analytics/doses/index.js';
import { describeNumeric, studentTQuantile } from '../../../analytics/stats/index.js';
import type { CycleEndReason, Disease } from '../../../schemas/vocabularies.js';
import { expectClose, loadFixture, reportMaxRel } from '../stats/r-fixtures.js';
import { expectNoNaN } from './no-nan.js';

interface DosesFixture {
  rows: { centre_id: string; patient_key: string; cap: number; dose: number; doses: number; end_reason: string; disease: string; ecog: number; age: number }[];
  km: { centre: string; cap: number; k: number[]; surv: number[]; se: number[]; lower: number[]; upper: number[] }[];
  logrank: { chisq: number; df: number; p: number; observed: number[]; expected: number[] };
  cuminc: { centre: string; d: number[]; est: number[][]; var: number[][] }[];
  standardisation: { centre: string[]; n: number[]; observed: number[]; expected: number[]; variance: number[]; ratio: number[]; overall: number };
}
interface DescribeFixture {
  samples: { x: number[]; mean: number; sd: number | null; q: number[]; ci: number[] | null }[];
  qt: { p: number[]; df: number[]; q: number[] };
}
const fx = loadFixture<DosesFixture>('doses');
const dfx = loadFixture<DescribeFixture>('describe');
afterAll(reportMaxRel);

const cycles: CycleDoses[] = fx.rows.map((r) => ({
  centre_id: r.centre_id,
  patient_key: r.patient_key,
  cycle_id: `${r.patient_key}-c1.1`,
  course_number: 1,
  cycle_number: 1,
  dose_iu_per_kg: r.dose,
  planned_max_doses: r.cap,
  end_reason: r.end_reason as CycleEndReason,
  doses_given: r.doses,
  iu_per_kg_given: r.doses * r.dose,
}));
const patients: PatientCaseMix[] = fx.rows.map((r) => ({ centre_id: r.centre_id, patient_key: r.patient_key, disease: r.disease as Disease, age_at_first_dose: r.age, ecog: r.ecog }));

describe('describeNumeric against R', () => {
  it('matches mean, sd, quantile(type = 7) and t.test conf.int', () => {
    for (const s of dfx.samples) {
      const d = describeNumeric(s.x);
      expectClose('mean', d.mean, s.mean, 1e-12);
      expectClose('sd', d.sd, s.sd, 1e-12);
      [d.q1, d.median, d.q3].forEach((q, i) => expectClose('quantile7', q, s.q[i]!, 1e-12));
      if (s.ci) {
        expectClose('t CI', d.meanLower, s.ci[0]!, 1e-8);
        expectClose('t CI', d.meanUpper, s.ci[1]!, 1e-8);
      }
    }
  });
  it('student t quantile matches qt', () => {
    dfx.qt.p.forEach((p, i) => expectClose('qt', studentTQuantile(p, dfx.qt.df[i]!), dfx.qt.q[i]!, 1e-8));
  });
});

describe('dose survival against survfit, survdiff and cuminc', () => {
  const res = doseSurvival(cycles);
  it('P(at least k doses) = survfit S(k - 1) with Greenwood SE and log CI, per centre', () => {
    for (const c of fx.km) {
      const rows = res.curves.filter((r) => r.centre_id === c.centre && r.cap === c.cap);
      expect(rows.map((r) => r.doses)).toEqual(c.k);
      rows.forEach((r, i) => {
        expectClose('KM P(>=k)', r.p_at_least, c.surv[i]!, 1e-10, 1e-14, `${c.centre} k=${r.doses}`);
        expectClose('KM SE', r.std_err, c.surv[i] === 0 ? null : c.se[i]!, 1e-8, 1e-14, `${c.centre} k=${r.doses}`);
        expectClose('KM lower', r.lower, c.surv[i] === 0 ? null : c.lower[i]!, 1e-8, 1e-14);
        expectClose('KM upper', r.upper, c.surv[i] === 0 ? null : c.upper[i]!, 1e-8, 1e-14);
      });
    }
  });
  it('log-rank between centres matches survdiff', () => {
    const lr = res.logRank.find((r) => r.cycles === 'all')!;
    expectClose('log-rank chisq', lr.chi_square, fx.logrank.chisq, 1e-8);
    expect(lr.df).toBe(fx.logrank.df);
    expectClose('log-rank p', lr.p_value, fx.logrank.p, 1e-7);
  });
  it('end-reason cumulative incidence matches cmprsk::cuminc (toxicity, maximum, other)', () => {
    const causes = ['toxicity', 'maximum', 'other'] as const;
    for (const c of fx.cuminc) {
      causes.forEach((cause, k) => {
        const rows = res.incidence.filter((r) => r.centre_id === c.centre && r.cause === cause);
        rows.forEach((r, i) => {
          expectClose('AJ CIF', r.cumulative_incidence, c.est[k]![i]!, 1e-10, 1e-14, `${c.centre} ${cause} d=${r.doses}`);
          expectClose('Gray var', r.std_err ** 2, c.var[k]![i]!, 1e-7, 1e-14, `${c.centre} ${cause} d=${r.doses}`);
        });
      });
    }
  });
  it('has no NaN anywhere', () => expectNoNaN(res));
});

describe('indirect standardisation against R', () => {
  it('observed, expected, variance and O/E per centre match; the funnel uses them', () => {
    const std = indirectStandardisation(cycles.map((c, i) => ({ unit: c.centre_id, stratum: caseMixStratum(patients[i]!), outcome: c.doses_given >= 10 ? 1 : 0 })));
    const s = fx.standardisation;
    expectClose('overall', std.overall_rate, s.overall, 1e-12);
    s.centre.forEach((c, i) => {
      const u = std.units.find((x) => x.unit === c)!;
      expect(u.n).toBe(s.n[i]);
      expect(u.observed).toBe(s.observed[i]);
      expectClose('E', u.expected, s.expected[i]!, 1e-10);
      expectClose('V', u.variance, s.variance[i]!, 1e-10);
      expectClose('O/E', u.ratio, s.ratio[i]!, 1e-10);
    });
    const r = reachingDoses(cycles, patients);
    s.centre.forEach((c, i) => expectClose('funnel O/E', r.adjusted.find((a) => a.centre_id === c)!.ratio, s.ratio[i]!, 1e-10));
    expectNoNaN(r);
  });
});
