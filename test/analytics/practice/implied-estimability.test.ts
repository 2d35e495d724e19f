// Implied thresholds a biostatistician can trust (issue 21, item 3): only holds the fitted variable could explain,
// separation and rarity reported as "not estimable" with the reason, never a meaningless number; both phenylephrine
// readings fitted. Each test fails on the previous implied-thresholds.ts.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IMPLIED_THRESHOLD_VARIABLES, impliedThresholds } from '../../../analytics/practice/implied-thresholds.js';
import { plausibleRange } from '../../../analytics/practice/implied-slots.js';
import { featureTableFromRows } from '../../../rules/engine.js';
import type { SlotFeatureFrame } from '../../../rules/features.js';
import { loadRulesets } from '../../../rules/load.js';
import { RULE_VARIABLES, type RuleVariableCode } from '../../../schemas/vocabularies.js';

const consensus = loadRulesets(join(import.meta.dirname, '..', '..', '..', 'rules', 'sources')).find((r) => r.id === 'consensus_2014_t3')!;
const VARS = Object.keys(RULE_VARIABLES) as RuleVariableCode[];

function frameOf(rows: Record<string, unknown>[]): SlotFeatureFrame {
  const full = rows.map((r, i) => ({ centre_id: 'a', cycle_id: `c${i}`, slot_number: 1, patient_key: `p${i % 40}`, status: 'given', hold_reason_codes: [], ...r }));
  return {
    ...featureTableFromRows(full, VARS),
    centre_id: full.map((r) => String(r.centre_id)),
    patient_key: full.map((r) => String(r.patient_key)),
    status: full.map((r) => String(r.status)),
    hold_reason_codes: full.map((r) => r.hold_reason_codes as string[]),
  };
}

let seed = 11;
const rand = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647);
const hrRow = (hr: number, held: boolean, reason: string[] = held ? ['tachycardia'] : []) => ({ heart_rate_at_dose: hr, status: held ? 'held' : 'given', hold_reason_codes: reason });
const fit = (rows: Record<string, unknown>[], variable: RuleVariableCode) => impliedThresholds(frameOf(rows), consensus, { variables: [variable], bootstrap: 50 })[0]!;

describe('only holds the fitted variable could explain', () => {
  it('holds recorded for another reason or a physician decision are left out and counted', () => {
    const rows = Array.from({ length: 3000 }, () => {
      const hr = 80 + rand() * 60;
      if (rand() < 0.15) return hrRow(hr, true, [rand() < 0.5 ? 'clinical_other' : 'oliguria']);
      return hrRow(hr, rand() < 1 / (1 + Math.exp(-(hr - 115) / 2)));
    });
    const r = fit(rows, 'heart_rate_at_dose');
    const other = rows.filter((x) => x.status === 'held' && x.hold_reason_codes[0] !== 'tachycardia').length;
    expect(r.held_other_reasons).toBe(other);
    expect(r.n).toBe(3000 - other);
    expect(Math.abs(r.ed50! - 115)).toBeLessThan(2);
    expect(r.logistic_method).toBe('ml');
  });
  it('holds without a recorded reason stay in', () => {
    const rows = Array.from({ length: 400 }, (_, i) => hrRow(90 + (i % 40), i % 40 >= 25 && i % 3 !== 0, i % 40 >= 25 && i % 3 !== 0 ? ['unspecified'] : []));
    expect(fit(rows, 'heart_rate_at_dose').held_other_reasons).toBe(0);
  });
});

describe('separation and rarity are "not estimable", with the reason', () => {
  it('complete separation: the change point, and the ED50 from Firth penalised likelihood, saying so (ML has none)', () => {
    const rows = Array.from({ length: 600 }, (_, i) => hrRow(90 + (i % 60), 90 + (i % 60) >= 120));
    const r = fit(rows, 'heart_rate_at_dose');
    expect(r.logistic_method).toBe('firth');
    expect(r.logistic_note).toMatch(/^maximum likelihood not estimable \(separation/);
    expect(r.problem).toBeNull();
    // The fitted half-way point lies in the gap between the last given (119) and the first held (120) value.
    expect(r.ed50!).toBeGreaterThan(119);
    expect(r.ed50!).toBeLessThan(120);
    expect(r).toMatchObject({ step_direction: 'up', step_threshold: 120, step_problem: null });
  });
  it('quasi-complete separation (the groups meet at one value) is separation too: Firth, at the shared value', () => {
    const rows = Array.from({ length: 600 }, (_, i) => hrRow(90 + (i % 60), 90 + (i % 60) > 120 || (90 + (i % 60) === 120 && i % 2 === 0)));
    const r = fit(rows, 'heart_rate_at_dose');
    expect(r.logistic_method).toBe('firth');
    expect(r.logistic_note).toMatch(/separation/);
    expect(Math.abs(r.ed50! - 120)).toBeLessThanOrEqual(1); // within one recording step of the shared value
  });
  it('overlapping values: plain maximum likelihood, no note', () => {
    const rows = Array.from({ length: 3000 }, () => {
      const hr = 80 + rand() * 60;
      return hrRow(hr, rand() < 1 / (1 + Math.exp(-(hr - 115) / 2)));
    });
    expect(fit(rows, 'heart_rate_at_dose')).toMatchObject({ logistic_method: 'ml', logistic_note: null });
  });
  it('too few holds to locate an edge: not estimable, no ED50 and no change point', () => {
    const rows = Array.from({ length: 2000 }, (_, i) => hrRow(80 + (i % 50), i % 401 === 7));
    const r = fit(rows, 'heart_rate_at_dose');
    expect(r.held).toBeLessThan(10);
    expect(r).toMatchObject({ ed50: null, step_threshold: null });
    expect(r.problem).toBe(`not estimable: ${r.held} held dose(s) this variable could explain, fewer than the minimum 10`);
    expect(r.step_problem).toBe(r.problem);
  });
  it('an ED50 outside the plausible range (a flat, rare hold rate) is not estimable, never a number such as −23 mcg/kg/min', () => {
    // Holds at a flat 3% whatever the phenylephrine rate: the logistic slope is near zero and the ED50 far outside.
    const rows = Array.from({ length: 3000 }, (_, i) => ({ phenylephrine_max_interval: (i % 20) / 10, status: rand() < 0.03 ? 'held' : 'given', hold_reason_codes: [] }));
    const r = fit(rows, 'phenylephrine_max_interval');
    expect(r.ed50).toBeNull();
    expect(r.problem).toMatch(/^logistic fit not estimable: (ED50 .* lies outside|interval .* is wider than) the plausible range 0 to 10$/);
  });
});

describe('variables fitted', () => {
  it('phenylephrine at the dose as well as the interval maximum', () => {
    expect(IMPLIED_THRESHOLD_VARIABLES).toEqual(expect.arrayContaining(['phenylephrine_at_dose', 'phenylephrine_max_interval']));
    expect(plausibleRange('phenylephrine_at_dose')).toEqual([0, 10]);
    expect(plausibleRange('heart_rate_at_dose')).toEqual([20, 250]);
  });
});

describe('the 4PL ED50, half-way between the hold rate’s floor and ceiling (issue 21: the plain ED50 misses the edge when doses are given through)', () => {
  const expit = (x: number): number => 1 / (1 + Math.exp(-x));
  it('a centre holding up to 70% of doses around HR 120 and 2% well below: the plain ED50 lies above 120, the 4PL one at it', () => {
    const rows = Array.from({ length: 8000 }, () => {
      const hr = Math.round(90 + rand() * 50);
      return hrRow(hr, rand() < 0.02 + 0.68 * expit((hr - 120) / 1.5));
    });
    const r = fit(rows, 'heart_rate_at_dose');
    expect(r.ed50! - 120).toBeGreaterThan(1);
    expect(r.delta_lower!).toBeGreaterThan(120);
    expect(Math.abs(r.ed50_4pl! - 120), JSON.stringify(r)).toBeLessThan(1);
    expect(r.ed50_4pl_lower!).toBeLessThanOrEqual(120);
    expect(r.ed50_4pl_upper!).toBeGreaterThanOrEqual(120);
    expect(r.ed50_4pl_slope!).toBeGreaterThan(0);
    expect(r.ed50_4pl_note).toBeNull();
  });
  it('an edge applied exactly (a sharp step): the 4PL ED50 is the step’s gap, its interval covers the edge; the plain ED50 misses', () => {
    const rows = Array.from({ length: 6000 }, () => {
      const hr = Math.round(90 + rand() * 50);
      return hrRow(hr, rand() < (hr >= 120 ? 0.7 : 0.02));
    });
    const r = fit(rows, 'heart_rate_at_dose');
    expect(r.step_threshold).toBe(120);
    expect(r.ed50! - 120).toBeGreaterThan(3);
    expect(r.ed50_4pl_lower!, JSON.stringify(r)).toBeLessThanOrEqual(120);
    expect(r.ed50_4pl_upper!, JSON.stringify(r)).toBeGreaterThanOrEqual(120);
    expect(Math.abs(r.ed50_4pl! - 120)).toBeLessThanOrEqual(1);
  });
  it('no rise in the hold rate: not estimable, with the reason', () => {
    const rows = Array.from({ length: 6000 }, () => hrRow(Math.round(90 + rand() * 50), rand() < 0.3));
    const r = fit(rows, 'heart_rate_at_dose');
    expect(r.ed50_4pl).toBeNull();
    expect(r.ed50_4pl_note).toMatch(/^not estimable: /);
  });
});
