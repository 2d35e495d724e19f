import { describe, expect, it } from 'vitest';
import { quantifierCount, specRegex, specRegexProblem } from '../../../pipelines/map/safe-regex.js';

describe('spec regular expressions', () => {
  it('counts quantifiers outside classes and escapes, a lazy mark and a group opener not counted', () => {
    expect(quantifierCount('^Patient/(.+)$')).toBe(1);
    expect(quantifierCount('\\bSBP\\b|\\bneo\\b|phenyl')).toBe(0);
    expect(quantifierCount('(?:a|b)[+*?]\\+\\?')).toBe(0);
    expect(quantifierCount('a+?')).toBe(1);
    expect(quantifierCount('a{2,5}b')).toBe(1);
    expect(quantifierCount('(a+)+$')).toBe(2);
    expect(quantifierCount('^(\\w+\\s?)+$')).toBe(3);
  });

  it('runs patterns that could backtrack on RE2 in linear time, with the same captures', () => {
    const evil = specRegex('^(\\w+\\s?)+$');
    expect(evil.engine).toBe('re2');
    const t0 = performance.now();
    expect(evil.test('held per physician because of the patient feeling tired and unwell today!')).toBe(false);
    expect(specRegex("(a+)+$").test("a".repeat(5000) + "!")).toBe(false);
    expect(performance.now() - t0).toBeLessThan(2000); // V8's backtracking engine takes minutes on the first
    expect(specRegex('ml/(\\d+)u').capture('250 ml/8u')).toBe('8');
    const two = specRegex('^(\\d+)\\s*x\\s*(\\d+)$');
    expect(two.engine).toBe('re2');
    expect(two.capture('12 x 4')).toBe('12');
    expect(specRegex('^RR \\d+ syst').capture('rr 80 syst')).toBe('rr 80 syst'); // case-insensitive, whole match without a group
  });

  it('refuses at load only a pattern that could backtrack and that RE2 cannot run', () => {
    expect(specRegexProblem('^O2 DEVICE(?! None)')).toBeNull(); // no quantifier: V8 runs it
    expect(specRegexProblem('(a+)+$')).toBeNull(); // RE2 runs it
    expect(specRegexProblem('^(\\w+)\\s+\\1$')).toMatch(/could take exponential time/);
    expect(specRegexProblem('([a-z')).toMatch(/invalid regular expression/);
  });
});
