// "Back to baseline" under measurement noise: the creatinine CV from pairs of pre-course values (per centre, every
// centre's when a centre has too few, none below MIN_NOISE_PAIRS), the reference change value it gives, and how the
// reversal times use it (a noise-level rise is no toxicity; a value within the margin is back).
import { describe, expect, it } from 'vitest';
import { creatinineNoise, MIN_NOISE_PAIRS, noiseNote, reversalTimes, reversibility } from '../../../analytics/outcomes/index.js';
import { cycle, day, emptyInputs } from './rows.js';

/** Patients with two courses (days 0 and 70), pre-course creatinine v1 (day −1) and v2 (day 69). */
function twoCourses(centre: string, pairs: readonly (readonly [number, number])[]) {
  const inp = emptyInputs();
  pairs.forEach(([v1, v2], i) => {
    const p = `${centre}${i}`;
    inp.cycles.push(cycle(centre, p, 1, 1, 0, 14), cycle(centre, p, 2, 1, 70, 14));
    inp.creatinine.push({ centre_id: centre, patient_key: p, observed_at: day(-1), value: v1 });
    inp.creatinine.push({ centre_id: centre, patient_key: p, observed_at: day(69), value: v2 });
    inp.followUp.push({ centre_id: centre, patient_key: p, progression_at: null, death_at: null, last_contact_at: day(400), death_cause: null });
  });
  return inp;
}

/** Log ratios ±d alternating: MAD = d exactly, so the CV is 1.4826·d/√2. */
const alternating = (n: number, d: number) => Array.from({ length: n }, (_, i) => [1, Math.exp(i % 2 ? d : -d)] as const);

describe('creatinineNoise', () => {
  it('estimates the CV per centre from log ratios of consecutive pre-course values (1.4826·MAD/√2) and the RCV √2·1.645·CV', () => {
    const inp = twoCourses('a', alternating(30, 0.05));
    const [a, all] = creatinineNoise(inp.cycles, inp.creatinine);
    expect(a).toMatchObject({ centre_id: 'a', pairs: 30, source: 'centre' });
    expect(a!.cv).toBeCloseTo((1.4826 * 0.05) / Math.SQRT2, 12);
    expect(a!.tolerance).toBeCloseTo(1.4826 * 0.05 * 1.645, 12);
    expect(all).toMatchObject({ centre_id: 'ALL', pairs: 30, source: 'all' });
  });

  it('resists a wrong value (MAD): one pair a hundredfold apart barely moves the CV', () => {
    const spread = Array.from({ length: 40 }, (_, i) => [1, Math.exp(0.1 * (i / 39 - 0.5))] as const);
    const base = [...spread, [1, 1] as const];
    const typo = [...spread, [1, 100] as const];
    const a = creatinineNoise(twoCourses('a', base).cycles, twoCourses('a', base).creatinine)[0]!;
    const b = creatinineNoise(twoCourses('a', typo).cycles, twoCourses('a', typo).creatinine)[0]!;
    // A standard deviation would grow about fivefold (log 100 = 4.6 against ±0.05); the MAD moves the median by one rank.
    expect(b.cv! / a.cv!).toBeLessThan(1.1);
    expect(b.cv! / a.cv!).toBeGreaterThan(0.9);
  });

  it(`gives a centre with fewer than ${MIN_NOISE_PAIRS} pairs no margin (never another centre's CV: a bundle must agree)`, () => {
    const big = twoCourses('a', alternating(25, 0.04));
    const small = twoCourses('b', alternating(3, 0.2));
    const inp = { ...big, cycles: [...big.cycles, ...small.cycles], creatinine: [...big.creatinine, ...small.creatinine] };
    const rows = creatinineNoise(inp.cycles, inp.creatinine);
    const b = rows.find((r) => r.centre_id === 'b')!;
    const all = rows.find((r) => r.centre_id === 'ALL')!;
    expect(b).toMatchObject({ pairs: 3, cv: null, source: 'none', tolerance: 0 });
    expect(all).toMatchObject({ pairs: 28, source: 'all' });
    expect(creatinineNoise(small.cycles, small.creatinine)[0]).toEqual(b);
    expect(noiseNote(b, null)).toContain(`3 pair(s) of pre-course values, fewer than ${MIN_NOISE_PAIRS}`);
    expect(noiseNote(rows[0], null)).toMatch(/^back to baseline: within \+\d+\.\d% of the pre-course value \(reference change/);
    expect(noiseNote(rows[0], 0.1)).toContain('+10.0% of the pre-course value (fixed tolerance)');
  });
});

describe('reversalTimes with the reference change value', () => {
  /** 30 two-course patients with CV ≈ 5.2% (tolerance ≈ 12.2%), plus p: rise in its last course, then follow-up values. */
  function withPatient(during: number, after: readonly (readonly [number, number])[]) {
    const inp = twoCourses('a', alternating(30, 0.05));
    inp.cycles.push(cycle('a', 'p', 1, 1, 0, 14));
    inp.followUp.push({ centre_id: 'a', patient_key: 'p', progression_at: null, death_at: null, last_contact_at: day(200), death_cause: null });
    for (const [d, v] of [[-1, 1.0], [3, during], ...after] as const) inp.creatinine.push({ centre_id: 'a', patient_key: 'p', observed_at: day(d), value: v });
    return inp;
  }
  const timed = (inp: ReturnType<typeof withPatient>, tol?: number | 'rcv') =>
    reversalTimes(inp, tol === undefined ? {} : { baselineTolerance: tol }).times.find((t) => t.patient_key === 'p' && t.measure === 'creatinine_baseline');

  it('a rise within the noise is no toxicity to reverse (it was one when judged at the pre-course value itself)', () => {
    const inp = withPatient(1.08, [[11, 1.0]]);
    expect(timed(inp)).toBeUndefined();
    expect(timed(inp, 0)).toMatchObject({ status: 1, baseline: 1.0 });
  });

  it('a value within the reference change counts as back; at the pre-course value itself it would not', () => {
    const inp = withPatient(2.0, [[11, 1.1], [18, 1.05]]);
    const last = (13 * 8) / 24;
    expect(timed(inp)!.days).toBeCloseTo(11 - last, 10);
    expect(timed(inp, 0)).toMatchObject({ status: 0 });
    const rows = reversibility(reversalTimes(inp).times, { definition: (c, m) => (m === 'creatinine_baseline' ? `def ${c}` : '') });
    expect(rows.find((r) => r.measure === 'creatinine_baseline' && r.day === 7)!.note).toMatch(/; def a$/);
    expect(rows.find((r) => r.measure === 'creatinine_1_5x' && r.day === 7)!.note).not.toContain('def');
  });

  it('refuses a tolerance outside [0, 0.5)', () => {
    expect(() => reversalTimes(emptyInputs(), { baselineTolerance: 0.5 })).toThrow(/baselineTolerance/);
    expect(() => reversalTimes(emptyInputs(), { baselineTolerance: -0.1 })).toThrow(/baselineTolerance/);
  });
});
