import { describe, expect, it } from 'vitest';
import { conditionMet, inBand } from '../../rules/condition.js';
import { Condition } from '../../schemas/ruleset.js';

describe('conditionMet: comparators', () => {
  it('lt / le / gt / ge at the threshold', () => {
    expect(conditionMet({ comparator: 'lt', threshold: 90 }, 89.9)).toBe(true);
    expect(conditionMet({ comparator: 'lt', threshold: 90 }, 90)).toBe(false);
    expect(conditionMet({ comparator: 'le', threshold: 18 }, 18)).toBe(true);
    expect(conditionMet({ comparator: 'le', threshold: 18 }, 18.01)).toBe(false);
    expect(conditionMet({ comparator: 'gt', threshold: 130 }, 130)).toBe(false);
    expect(conditionMet({ comparator: 'gt', threshold: 130 }, 131)).toBe(true);
    expect(conditionMet({ comparator: 'ge', threshold: 3 }, 3)).toBe(true);
    expect(conditionMet({ comparator: 'ge', threshold: 3 }, 2.99)).toBe(false);
  });

  it('in_band is half-open [lower, upper) by default', () => {
    const band = { comparator: 'in_band' as const, band: { lower: 2.5, upper: 3.0 } };
    expect(conditionMet(band, 2.5)).toBe(true);
    expect(conditionMet(band, 2.99)).toBe(true);
    expect(conditionMet(band, 3.0)).toBe(false);
    expect(conditionMet(band, 2.49)).toBe(false);
  });

  it('in_band honours lower_inclusive / upper_inclusive', () => {
    const hr = { comparator: 'in_band' as const, band: { lower: 100, upper: 130, lower_inclusive: true, upper_inclusive: true } };
    expect(conditionMet(hr, 100)).toBe(true);
    expect(conditionMet(hr, 130)).toBe(true);
    expect(conditionMet(hr, 130.5)).toBe(false);
    const pe = { comparator: 'in_band' as const, band: { lower: 0.5, upper: 0.8, lower_inclusive: false, upper_inclusive: true } };
    expect(conditionMet(pe, 0.5)).toBe(false);
    expect(conditionMet(pe, 0.51)).toBe(true);
    expect(conditionMet(pe, 0.8)).toBe(true);
    expect(conditionMet(pe, 0.81)).toBe(false);
  });

  it('in_band with one open edge', () => {
    expect(inBand({ lower: null, upper: 80 }, 79)).toBe(true);
    expect(inBand({ lower: null, upper: 80 }, 80)).toBe(false);
    expect(inBand({ lower: 4, upper: null }, 1e9)).toBe(true);
    expect(() => inBand({ lower: null, upper: null }, 1)).toThrow();
  });

  it('present: true / non-zero is met, false / 0 is not', () => {
    expect(conditionMet({ comparator: 'present' }, true)).toBe(true);
    expect(conditionMet({ comparator: 'present' }, 1)).toBe(true);
    expect(conditionMet({ comparator: 'present' }, false)).toBe(false);
    expect(conditionMet({ comparator: 'present' }, 0)).toBe(false);
  });

  it('a missing value is null (not assessable), never false', () => {
    for (const c of [{ comparator: 'lt' as const, threshold: 1 }, { comparator: 'present' as const }, { comparator: 'in_band' as const, band: { lower: 1, upper: 2 } }]) {
      expect(conditionMet(c, null)).toBeNull();
      expect(conditionMet(c, undefined)).toBeNull();
      expect(conditionMet(c, Number.NaN)).toBeNull();
    }
  });

  it('works on parsed schema Conditions (defaults applied)', () => {
    const c = Condition.parse({ variable: 'creatinine', unit: 'mg/dL', comparator: 'in_band', band: { lower: 2.5, upper: 3 } });
    expect(conditionMet(c, 2.9)).toBe(true);
    expect(conditionMet(c, 3)).toBe(false);
    const t = Condition.parse({ variable: 'spo2_at_dose', unit: '%', comparator: 'lt', threshold: 90 });
    expect(conditionMet(t, 89)).toBe(true);
  });

  it('a comparison without its threshold is a programming error', () => {
    expect(() => conditionMet({ comparator: 'gt' }, 1)).toThrow(/threshold/);
  });
});
