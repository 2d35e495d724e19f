// Signal odds ratios on a fixed dataset against glm and metafor (scripts/r/make-fixtures-doses-response.R).
import { afterAll, describe, expect, it } from 'vitest';
import { signalOddsRatios, type CourseSignalRow, type SignalId } from '../../../analytics/response/index.js';
import { expectClose, loadFixture, reportMaxRel } from '../stats/r-fixtures.js';
import { expectNoNaN } from '../doses/no-nan.js';

interface Est { estimate: number; se: number }
interface Pooled { yi: number[]; vi: number[]; estimate: number; se: number; tau2: number; I2: number; QEp: number; weights: number[] }
interface ResponseFixture {
  rows: { centre_id: string; patient_key: string; disease: 'rcc' | 'melanoma'; doses: number; vitiligo: 0 | 1; pe: number; y: 0 | 1 }[];
  adjusted: Record<'doses' | 'vitiligo' | 'pe', Est>;
  pooled: Record<'doses' | 'vitiligo' | 'pe', Pooled>;
  joint: { terms: string[]; estimate: number[]; se: number[] };
}
const fx = loadFixture<ResponseFixture>('response');
afterAll(reportMaxRel);

const rows: CourseSignalRow[] = fx.rows.map((r) => ({
  centre_id: r.centre_id, patient_key: r.patient_key, disease: r.disease, ecog: 0, age_at_first_dose: 60, course_number: 1,
  response: r.y === 1 ? 'PR' : 'PD', responder: r.y, window_start: 0, window_end: 1, doses_given: r.doses, miu_per_kg_given: r.doses * 0.6,
  lymphocyte_baseline: null, lymphocyte_peak_after_dosing: null, lymphocyte_rebound: null, eosinophil_peak: null, platelet_nadir: null, bicarbonate_nadir: null,
  phenylephrine_max: r.pe, thyroid_dysfunction: 0, vitiligo: r.vitiligo,
}));
const map: Record<'doses' | 'vitiligo' | 'pe', SignalId> = { doses: 'doses', vitiligo: 'vitiligo', pe: 'phenylephrine_max' };

describe('signal odds ratios against R', () => {
  const res = signalOddsRatios(rows, { firth: 'never' });
  it('adjusted for centre and disease: matches glm(y ~ signal + factor(centre) + disease)', () => {
    for (const [k, s] of Object.entries(map) as ['doses' | 'vitiligo' | 'pe', SignalId][]) {
      const r = res.single.find((x) => x.signal === s)!;
      expectClose('adjusted log OR', r.log_or, fx.adjusted[k].estimate, 1e-6);
      expectClose('adjusted SE', r.std_err, fx.adjusted[k].se, 1e-6);
      expect(r.method).toBe('maximum-likelihood');
    }
  });
  it('per centre glm then DerSimonian-Laird: matches rma(method = "DL")', () => {
    for (const [k, s] of Object.entries(map) as ['doses' | 'vitiligo' | 'pe', SignalId][]) {
      const f = res.forest.filter((x) => x.signal === s);
      const centres = f.filter((x) => x.kind === 'centre');
      centres.forEach((c, i) => {
        expectClose('centre log OR', c.log_or, fx.pooled[k].yi[i]!, 1e-6);
        expectClose('centre var', c.std_err! ** 2, fx.pooled[k].vi[i]!, 1e-6);
        expectClose('DL weight', c.weight_percent, fx.pooled[k].weights[i]!, 1e-6);
      });
      const p = f.find((x) => x.kind === 'pooled')!;
      expectClose('DL estimate', p.log_or, fx.pooled[k].estimate, 1e-6);
      expectClose('DL SE', p.std_err, fx.pooled[k].se, 1e-6);
      expectClose('DL tau2', p.tau2, fx.pooled[k].tau2, 1e-6, 1e-10);
      expectClose('DL I2', p.i2, fx.pooled[k].I2, 1e-6, 1e-8);
      expectClose('DL Q p', p.q_p_value, fx.pooled[k].QEp, 1e-6);
    }
  });
  it('joint model matches glm(y ~ doses + vitiligo + pe + factor(centre) + disease)', () => {
    const j = signalOddsRatios(rows, { firth: 'never', signals: ['doses', 'vitiligo', 'phenylephrine_max'] }).joint;
    fx.joint.terms.forEach((t, i) => {
      const r = j.find((x) => x.signal === map[t as 'doses'])!;
      expectClose('joint log OR', r.log_or, fx.joint.estimate[i]!, 1e-6);
      expectClose('joint SE', r.std_err, fx.joint.se[i]!, 1e-6);
    });
  });
  it('signals never measured give a message, not NaN', () => {
    const r = res.single.find((x) => x.signal === 'lymphocyte_rebound')!;
    expect(r).toMatchObject({ n: 0, or: null, message: 'lymphocyte_rebound: only 0 course(s) with a measured value; at least 2 are needed' });
    expectNoNaN(res);
  });
});
