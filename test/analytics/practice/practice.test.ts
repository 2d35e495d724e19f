import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifySlots, SLOT_CLASSES } from '../../../analytics/practice/classify.js';
import { concordance } from '../../../analytics/practice/concordance.js';
import { enforcement } from '../../../analytics/practice/enforcement.js';
import { holdReasonMix } from '../../../analytics/practice/hold-reasons.js';
import { ed50, fitLogistic1, fitStep, impliedThresholds, referenceBand } from '../../../analytics/practice/implied-thresholds.js';
import { cohenKappa } from '../../../analytics/practice/kappa.js';
import { logisticRegression } from '../../../analytics/stats/logistic.js';
import { evaluateRuleset, featureTableFromRows } from '../../../rules/engine.js';
import type { SlotFeatureFrame } from '../../../rules/features.js';
import { loadRulesets } from '../../../rules/load.js';
import { RULE_VARIABLES, type RuleVariableCode } from '../../../schemas/vocabularies.js';

const consensus = loadRulesets(join(import.meta.dirname, '..', '..', '..', 'rules', 'sources')).find((r) => r.id === 'consensus_2014_t3')!;
const VARS = Object.keys(RULE_VARIABLES) as RuleVariableCode[];

function frameOf(rows: Record<string, unknown>[]): SlotFeatureFrame {
  const full = rows.map((r, i) => ({ centre_id: 'a', cycle_id: `c${i}`, slot_number: 1, patient_key: `p${i}`, status: 'given', hold_reason_codes: [], ...r }));
  return {
    ...featureTableFromRows(full, VARS),
    centre_id: full.map((r) => String(r.centre_id)),
    patient_key: full.map((r) => String(r.patient_key)),
    status: full.map((r) => String(r.status)),
    hold_reason_codes: full.map((r) => r.hold_reason_codes as string[]),
  };
}

describe('cohenKappa', () => {
  it('matches the hand computation and the Fleiss–Cohen–Everitt standard error', () => {
    const k = cohenKappa(20, 5, 10, 15)!;
    expect(k.agreement).toBeCloseTo(0.7, 12);
    expect(k.expected).toBeCloseTo(0.5, 12);
    expect(k.kappa).toBeCloseTo(0.4, 12);
    // var = [Σ p_ii((1-pe)-(p_i.+p_.i)(1-k))^2 + (1-k)^2 Σ p_ij(p_.i+p_j.)^2 - (k-pe(1-k))^2] / (n(1-pe)^2)
    const v = (0.4 * (1 - 1.1 * 0.6) ** 2 + 0.3 * (1 - 0.9 * 0.6) ** 2 + 0.36 * (0.1 * 1.1 ** 2 + 0.2 * 0.9 ** 2) - (0.4 - 0.3) ** 2) / (50 * 0.25);
    expect(k.stdErr).toBeCloseTo(Math.sqrt(v), 12);
    expect(cohenKappa(0, 0, 0, 0)).toBeNull();
  });
});

describe('fitLogistic1 and ED50', () => {
  it('agrees with the stats module’s logisticRegression', () => {
    const x = [100, 105, 110, 115, 120, 125, 130];
    const n = [20, 20, 20, 20, 20, 20, 20];
    const e = [1, 2, 5, 9, 13, 17, 19];
    const fit = fitLogistic1(x, n, e)!;
    const xs: number[] = [];
    const ys: number[] = [];
    x.forEach((xi, i) => { for (let j = 0; j < n[i]!; j++) { xs.push(xi); ys.push(j < e[i]! ? 1 : 0); } });
    const ref = logisticRegression({ y: ys, covariates: { x: xs } });
    if (!ref.ok) throw new Error('reference fit failed');
    expect(fit.b0).toBeCloseTo(ref.terms[0]!.estimate, 6);
    expect(fit.b1).toBeCloseTo(ref.terms[1]!.estimate, 8);
    expect(fit.v11).toBeCloseTo(ref.covariance[1]![1]!, 8);
    expect(fit.v01).toBeCloseTo(ref.covariance[0]![1]!, 6);
    const est = ed50(fit);
    expect(est.ed50).toBeCloseTo(-fit.b0 / fit.b1, 10);
    expect(est.delta[0]).toBeLessThan(est.ed50);
    expect(est.fieller![0]).toBeLessThan(est.ed50);
    expect(est.fieller![1]).toBeGreaterThan(est.ed50);
  });
  it('returns null under separation or without events', () => {
    expect(fitLogistic1([1, 2, 3, 4], [5, 5, 5, 5], [0, 0, 5, 5])).toBeNull();
    expect(fitLogistic1([1, 2], [5, 5], [0, 0])).toBeNull();
  });
  it('recovers a simulated centre’s threshold within its interval', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const rows = Array.from({ length: 4000 }, () => {
      const hr = 80 + rand() * 70;
      const p = 1 / (1 + Math.exp(-(hr - 118) / 3));
      return { heart_rate_at_dose: hr, status: rand() < p ? 'held' : 'given' };
    });
    const [row] = impliedThresholds(frameOf(rows), consensus, { variables: ['heart_rate_at_dose'] });
    expect(row!.reference_band).toBe('relative [100, 130]; absolute >130');
    expect(row!.fieller_lower!).toBeLessThan(118);
    expect(row!.fieller_upper!).toBeGreaterThan(118);
    expect(Math.abs(row!.ed50! - 118)).toBeLessThan(1.5);
  });
  it('describes reference bands', () => {
    expect(referenceBand(consensus, 'phenylephrine_at_dose')).toBe('relative (0.5, 0.8]; absolute >0.8');
    expect(referenceBand(consensus, 'creatinine')).toBe('relative [2.5, 3); absolute ≥3');
  });
});

describe('concordance classes, enforcement and hold reasons', () => {
  const frame = frameOf([
    { heart_rate_at_dose: 120, status: 'held', hold_reason_codes: ['tachycardia'] }, // met and held
    { heart_rate_at_dose: 120, status: 'given' }, // met but given
    { heart_rate_at_dose: 90, status: 'held', hold_reason_codes: ['clinical_other'] }, // held without criterion
    { heart_rate_at_dose: 90, status: 'given' }, // neither
    { heart_rate_at_dose: null, status: 'given' }, // not assessable
    { heart_rate_at_dose: 90, status: 'skipped', hold_reason_codes: ['line_issue'] }, // excluded
  ]);
  const ev = evaluateRuleset(consensus, frame, { history: 'recorded' });

  it('classes every slot; rules never evaluable at the centre do not block assessment', () => {
    const { cls, unevaluableRules } = classifySlots(frame, ev);
    expect(Array.from(cls, (c) => SLOT_CLASSES[c])).toEqual(['met_and_held', 'met_but_given', 'held_without_criterion', 'neither', 'not_assessable', 'excluded']);
    expect(unevaluableRules.get('a')!.has(consensus.rules.findIndex((r) => r.id === 'creatinine_relative'))).toBe(true);
  });
  it('agreement and kappa per centre', () => {
    expect(concordance(frame, ev)).toEqual([
      expect.objectContaining({ centre_id: 'a', ruleset_id: 'consensus_2014_t3', met_and_held: 1, met_but_given: 1, held_without_criterion: 1, neither: 1, not_assessable: 1, n: 4, agreement: 0.5, kappa: 0 }),
    ]);
  });
  it('enforcement: met and held-when-met with a Wilson interval', () => {
    const hr = enforcement(frame, ev).find((r) => r.rule_id === 'hr_relative')!;
    expect(hr).toMatchObject({ slots: 5, met: 2, held_when_met: 1, enforcement: 0.5 });
    expect(hr.enforcement_lower!).toBeCloseTo(0.0945, 3);
  });
  it('hold-reason mix as recorded', () => {
    expect(holdReasonMix(frame)).toEqual([
      { centre_id: 'a', reason: 'clinical_other', kind: 'clinical', slots: 1, share: 1 / 3 },
      { centre_id: 'a', reason: 'line_issue', kind: 'non_clinical', slots: 1, share: 1 / 3 },
      { centre_id: 'a', reason: 'tachycardia', kind: 'clinical', slots: 1, share: 1 / 3 },
    ]);
  });
  it('refuses an engine-history evaluation', () => {
    expect(() => classifySlots(frame, evaluateRuleset(consensus, frame))).toThrow(/history: 'recorded'/);
  });
});

describe('fitStep', () => {
  it('finds the edge of a step with a floor and a ceiling, either way', () => {
    const x = [90, 95, 99, 100, 105, 110];
    const n = [100, 100, 100, 100, 100, 100];
    expect(fitStep(x, n, [10, 12, 8, 75, 77, 73])).toMatchObject({ direction: 'up', threshold: 100, floor: 0.1, ceiling: 0.75 });
    expect(fitStep(x, n, [75, 77, 73, 10, 12, 8])).toMatchObject({ direction: 'down', threshold: 99, floor: 0.1, ceiling: 0.75 });
  });
  it('returns null without holds, without a split or with too few slots on a side', () => {
    expect(fitStep([1, 2], [50, 50], [0, 0])).toBeNull();
    expect(fitStep([1], [50], [10])).toBeNull();
    expect(fitStep([1, 2], [5, 50], [5, 10])).toBeNull();
  });
});
