import { describe, expect, it } from 'vitest';
import { bestOverallResponse, type TimePoint } from '../../../pipelines/map/best-response.js';
import type { ResponseCategory } from '../../../schemas/index.js';

const DAY = 86_400_000;
const start = Date.UTC(2024, 0, 1);
/** Time points at the given days after the course's first dose. */
const pts = (...xs: [number, ResponseCategory][]): TimePoint[] => xs.map(([d, response]) => ({ at: start + d * DAY, response }));
const day = (ms: number | null) => (ms === null ? null : (ms - start) / DAY);
const bor = (criteria: Parameters<typeof bestOverallResponse>[0], p: TimePoint[]) => {
  const b = bestOverallResponse(criteria, p, start);
  return { best: b.best, at: day(b.at), first: day(b.firstResponseAt), confirmed: b.confirmed };
};

describe('best overall response under RECIST 1.1', () => {
  it('PD, CR, SD by visit is PD (time points after the first progression do not count), not the last visit', () => {
    expect(bor('RECIST1.1', pts([50, 'PD'], [80, 'CR'], [110, 'SD']))).toEqual({ best: 'PD', at: 50, first: null, confirmed: null });
  });
  it('a CR confirmed by a CR at least 4 weeks later is CR; the response starts at the first PR', () => {
    expect(bor('RECIST1.1', pts([50, 'PR'], [78, 'CR'], [106, 'CR']))).toEqual({ best: 'CR', at: 78, first: 50, confirmed: true });
  });
  it('a CR confirmed only 27 days later is not confirmed: SD, with confirmed false', () => {
    expect(bor('RECIST1.1', pts([50, 'CR'], [77, 'CR']))).toEqual({ best: 'SD', at: 50, first: null, confirmed: false });
  });
  it('CR then PR 4 weeks later is a confirmed PR', () => {
    expect(bor('RECIST1.1', pts([50, 'CR'], [78, 'PR']))).toEqual({ best: 'PR', at: 50, first: 50, confirmed: true });
  });
  it('PR then PD: SD when the PR time point is at least 6 weeks from the first dose, else PD', () => {
    expect(bor('RECIST1.1', pts([50, 'PR'], [80, 'PD'])).best).toBe('SD');
    expect(bor('RECIST1.1', pts([30, 'PR'], [60, 'PD']))).toEqual({ best: 'PD', at: 60, first: null, confirmed: false });
  });
  it('SD too early to count, and only NE: NE', () => {
    expect(bor('RECIST1.1', pts([20, 'SD'], [25, 'NE'])).best).toBe('NE');
  });
  it('order of the rows does not matter', () => {
    expect(bor('RECIST1.1', pts([110, 'SD'], [80, 'CR'], [50, 'PD'])).best).toBe('PD');
  });
});

describe('best overall response under the other criteria', () => {
  it('WHO and RECIST 1.0 follow the confirmation rule', () => {
    expect(bor('WHO', pts([50, 'PR'], [60, 'PR'])).best).toBe('SD');
    expect(bor('RECIST1.0', pts([50, 'PR'], [80, 'PR'])).best).toBe('PR');
  });
  it('investigator and ECOG 1982: best time point up to the first PD, no confirmation', () => {
    expect(bor('investigator', pts([50, 'SD'], [60, 'PR'], [70, 'PD'], [90, 'CR']))).toEqual({ best: 'PR', at: 60, first: 60, confirmed: null });
    expect(bor('ECOG1982', pts([50, 'PD'], [80, 'CR'])).best).toBe('PD');
  });
  it('irRC: best time point over all visits (progression is not final)', () => {
    expect(bor('irRC', pts([50, 'PD'], [80, 'CR']))).toEqual({ best: 'CR', at: 80, first: 80, confirmed: null });
  });
  it('refuses an empty list', () => {
    expect(() => bestOverallResponse('RECIST1.1', [], start)).toThrow('at least one time point');
  });
});
