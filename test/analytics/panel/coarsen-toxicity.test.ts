// Reversal and cycle-end tables released whole by coarsening (issue 22, as decision §42 does for life tables): the rule,
// that every hidden count has another value giving the same release (adversarial), and the pool reading a coarsened
// cut only at the days it has.
import { describe, expect, it } from 'vitest';
import { coarsenCycleEndTable, coarsenReversalTable, MERGED_RARE, parseBand } from '../../../analytics/panel/coarsen-toxicity.js';
import { poolCycleEnds, poolReversal } from '../../../analytics/panel/pool-toxicity.js';
import { labelProblems } from '../../../analytics/panel/vocabulary.js';
import { DEFAULT_POLICY, type CountTable } from '../../../analytics/panel/types.js';
import { discloseSummary } from '../../../reports/bundle/disclose.js';
import { REVERSAL_COLS, REVERSAL_ROWS } from '../../../analytics/panel/summarise-toxicity.js';
import { summaryOf, unsuppressedBundle } from '../../helpers/panel.js';
import { bundleScanProblems } from '../../helpers/bundle-scan.js';

const K = 5;
const ok = (v: number) => v === 0 || v >= K;
const rng = (seed: number) => {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
};
/** A reversal table like a 400-patient centre's: many reversed early, few deaths, censorings mostly after 30 days. */
function randomReversal(seed: number): number[][] {
  const r = rng(seed);
  const n = (hi: number) => Math.floor(r() * hi);
  return [[n(60), n(3), n(4)], [n(12), n(2), n(3)], [n(8), n(2), n(4)], [n(6), n(3), n(30)]];
}
function randomReasons(seed: number): { rows: string[]; counts: number[][] } {
  const r = rng(seed);
  const codes = ['maximum', 'clinician', 'patient', 'window_closed', 'other', 'criterion:hypotension', 'criterion:oliguria', 'criterion:not_recorded'];
  const counts = codes.map((_, i) => [Math.floor(r() * (i === 0 ? 80 : 9))]);
  return { rows: codes.filter((_, i) => counts[i]![0]! > 0), counts: counts.filter((c) => c[0]! > 0) };
}

describe('coarsenReversalTable', () => {
  it('merges adjacent bands (then deaths with the censored) until every cell is 0 or ≥ k, keeping every course and the chain of bands', () => {
    let merged = 0;
    let folded = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const grid = randomReversal(seed);
      const c = coarsenReversalTable(grid, K);
      const total = grid.flat().reduce((a, b) => a + b, 0);
      expect(c.counts.flat().reduce((a, b) => a + b, 0)).toBe(total);
      // Reversed by each band's end is exact: the sum of the grid's rows up to it.
      let at = 0;
      c.rows.forEach((row, i) => {
        const b = parseBand(row)!;
        expect(b.start).toBe(at);
        expect(b.end === null).toBe(i === c.rows.length - 1);
        at = b.end ?? at;
      });
      // Guaranteed whenever each released column's total is 0 or ≥ k (else nothing can help: cell suppression follows).
      const totals = c.cols.map((_, j) => c.counts.reduce((s, r) => s + r[j]!, 0));
      if (totals.every(ok)) expect(c.counts.flat().every(ok), `seed ${seed}: ${JSON.stringify([grid, c])}`).toBe(true);
      merged += c.rows.length < 4 ? 1 : 0;
      folded += c.cols.length === 2 ? 1 : 0;
    }
    expect(merged).toBeGreaterThan(50);
    expect(folded).toBeGreaterThan(20);
  });
  it('leaves a table with no cell under k as it is', () => {
    const grid = [[40, 5, 0], [9, 0, 5], [6, 0, 0], [5, 5, 20]];
    expect(coarsenReversalTable(grid, K)).toEqual({ rows: [...REVERSAL_ROWS], cols: [...REVERSAL_COLS], counts: grid });
  });
  it('merges 7–14 with 14–30 and adds the one death to the censored', () => {
    const c = coarsenReversalTable([[40, 0, 0], [3, 0, 0], [3, 0, 0], [5, 1, 12]], K);
    expect(c).toEqual({ rows: ['d0-7', 'd7-30', 'gt30'], cols: ['reversed', 'censored+died'], counts: [[40, 0], [6, 0], [5, 13]] });
  });
  it('adversarial: every cell under k inside a merged band or column has another value giving the same release', () => {
    let probed = 0;
    for (let seed = 1; seed <= 300; seed++) probed += probeReversal(randomReversal(seed), seed);
    expect(probed).toBeGreaterThan(100);
  });
  it('keeps the cut with the most bands when merging forward would lose them: a few late reversals, then empty bands', () => {
    // Merging forward from day 0 left 2 reversals of days 7–14 alone, then joined them back: one band, all days.
    expect(coarsenReversalTable([[488, 0, 0], [2, 0, 0], [0, 0, 0], [0, 0, 0]], K)).toEqual({
      rows: ['d0-14', 'd14-30', 'gt30'], cols: [...REVERSAL_COLS], counts: [[490, 0, 0], [0, 0, 0], [0, 0, 0]],
    });
    // Four deaths folded into the censored, and the widest cut: days 14 and 30 kept.
    expect(coarsenReversalTable([[300, 0, 0], [2, 0, 0], [0, 0, 0], [0, 4, 9]], K)).toEqual({
      rows: ['d0-14', 'd14-30', 'gt30'], cols: ['reversed', 'censored+died'], counts: [[302, 0], [0, 0], [0, 13]],
    });
  });
  it('adversarial, on tables like a 400-patient centre’s creatinine within 1.5×: nearly all reversed by day 7', () => {
    let probed = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const r = rng(seed * 7919);
      const n = (hi: number) => (r() < 0.5 ? 0 : Math.floor(r() * hi));
      probed += probeReversal([[400 + n(100), n(3), n(2)], [n(8), n(2), n(2)], [n(4), n(2), n(3)], [n(3), n(3), n(6)]], seed);
    }
    expect(probed).toBeGreaterThan(100);
  });
});

/** Tries moves of 1 … k counts between the grid cells of every merged part; every hidden count must have another value giving the same release. */
function probeReversal(grid: number[][], seed: number): number {
  let probed = 0;
  const release = JSON.stringify(coarsenReversalTable(grid, K));
  const c = JSON.parse(release) as ReturnType<typeof coarsenReversalTable>;
  if (!c.counts.flat().every(ok)) return 0; // left to cell suppression
  const bands = [0, 7, 14, 30];
  // The grid cells each released cell is the sum of: rows of its band × its columns (two when folded).
  const parts = c.rows.flatMap((row, i) => {
    const b = parseBand(row)!;
    const first = bands.indexOf(b.start);
    const last = b.end === null ? 4 : bands.indexOf(b.end);
    const cols = c.cols.length === 3 ? [[0], [1], [2]] : [[0], [1, 2]];
    return cols.map((cs) => ({ i, cells: Array.from({ length: last - first }, (_, o) => first + o).flatMap((g) => cs.map((col) => [g, col] as const)) }));
  });
  for (const p of parts) {
    if (p.cells.length < 2) continue;
    for (const [g, col] of p.cells) {
      const v = grid[g]![col]!;
      if (v === 0 || v >= K) continue;
      probed += 1;
      const found = p.cells.some(([h, hc]) => {
        if (h === g && hc === col) return false;
        for (let m = 1; m <= K; m++)
          for (const sign of [1, -1]) {
            const alt = grid.map((r) => [...r]);
            alt[g]![col]! += sign * m;
            alt[h]![hc]! -= sign * m;
            if (alt[g]![col]! < 0 || alt[h]![hc]! < 0) continue;
            if (JSON.stringify(coarsenReversalTable(alt, K)) === release) return true;
          }
        return false;
      });
      expect(found, `seed ${seed}: cell [${g}, ${col}] = ${v} is pinned by ${release}`).toBe(true);
    }
  }
  return probed;
}

describe('coarsenCycleEndTable', () => {
  it('puts reasons under k into merged_rare, topped up with the smallest released reasons while it is under k', () => {
    expect(coarsenCycleEndTable(['clinician', 'maximum', 'patient', 'window_closed'], [[3], [40], [2], [6]], K)).toEqual({
      rows: ['maximum', 'window_closed', MERGED_RARE], cols: ['cycles'], counts: [[40], [6], [5]],
    });
    expect(coarsenCycleEndTable(['clinician', 'maximum', 'window_closed'], [[2], [40], [6]], K)).toEqual({
      rows: ['maximum', MERGED_RARE], cols: ['cycles'], counts: [[40], [8]],
    });
    expect(coarsenCycleEndTable(['maximum', 'patient'], [[40], [7]], K).rows).toEqual(['maximum', 'patient']);
  });
  it('adversarial: every reason under k has another value giving the same release', () => {
    let probed = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const { rows, counts } = randomReasons(seed);
      const release = JSON.stringify(coarsenCycleEndTable(rows, counts, K));
      const codes = ['maximum', 'clinician', 'patient', 'window_closed', 'other', 'criterion:hypotension', 'criterion:oliguria', 'criterion:not_recorded'];
      const full = codes.map((c) => counts[rows.indexOf(c)]?.[0] ?? 0);
      const from = (n: number[]) => coarsenCycleEndTable(codes.filter((_, i) => n[i]! > 0), n.filter((v) => v > 0).map((v) => [v]), K);
      for (let i = 0; i < codes.length; i++) {
        if (full[i] === 0 || full[i]! >= K) continue;
        probed += 1;
        const found = codes.some((_, h) => {
          if (h === i) return false;
          for (let m = 1; m <= K; m++)
            for (const sign of [1, -1]) {
              const alt = [...full];
              alt[i]! += sign * m;
              alt[h]! -= sign * m;
              if (alt[i]! < 0 || alt[h]! < 0) continue;
              if (JSON.stringify(from(alt)) === release) return true;
            }
          return false;
        });
        expect(found, `seed ${seed}: ${codes[i]} = ${full[i]} is pinned by ${release}`).toBe(true);
      }
    }
    expect(probed).toBeGreaterThan(100);
  });
});

const table = (id: string, rows: string[], cols: string[], counts: number[][]): CountTable => ({
  id, kind: id.startsWith('reversal') ? 'reversal' : 'cycle_end', group: id.startsWith('reversal') ? { measure: id.split(':')[1]! } : { reading: 'recorded' },
  rows, cols, counts,
});

describe('pooling coarsened tables', () => {
  const full = [[40, 5, 0], [9, 0, 5], [6, 0, 0], [5, 5, 20]];
  const a = unsuppressedBundle(summaryOf('ca', [table('reversal:pressor_free', [...REVERSAL_ROWS], [...REVERSAL_COLS], full)]));
  const few = [[40, 0, 0], [3, 0, 0], [3, 0, 0], [5, 1, 12]];
  const fewTable = table('reversal:pressor_free', [...REVERSAL_ROWS], [...REVERSAL_COLS], few);
  const merged = discloseSummary(summaryOf('cb', [fewTable]), DEFAULT_POLICY, '0.0.0-test').bundle;
  it('a centre that merged 7–14 with 14–30 counts at days 7 and 30, not 14, and is named there; its deaths count as censored', () => {
    expect(merged.tables[0]!.rows).toEqual(['d0-7', 'd7-30', 'gt30']);
    expect(labelProblems(merged)).toEqual([]);
    expect(bundleScanProblems(merged)).toEqual([]);
    const rows = poolReversal([a, merged]);
    const at = (d: number) => rows.find((r) => r.day === d)!;
    expect([at(7).centres, at(14).centres, at(30).centres]).toEqual([2, 1, 2]);
    expect(at(14).centres_left_out).toBe('cb (bands merged across day 14)');
    expect(at(7).reversed_by_day).toBe(80);
    expect(at(14).reversed_by_day).toBe(49);
    expect(at(30).reversed_by_day).toBe(40 + 9 + 6 + 40 + 6);
    expect(at(30).courses).toBe(95 + 64);
    expect(at(30).died_first_by_day).toBe(5);
    expect(at(30).centres_deaths_with_censored).toBe('cb');
    // Day 14 is centre a's alone: the same as pooling a by itself.
    expect(at(14).cumulative_incidence).toBe(poolReversal([a]).find((r) => r.day === 14)!.cumulative_incidence);
  });
  it('a cycle-end reason merged at a centre is left out of its share there, with the range over all centres', () => {
    const x = unsuppressedBundle(summaryOf('cx', [table('cycle_end:recorded', ['clinician', 'maximum', 'patient'], ['cycles'], [[10], [40], [10]])]));
    const rare = table('cycle_end:recorded', ['clinician', 'maximum', 'patient'], ['cycles'], [[3], [30], [2]]);
    const y = discloseSummary(summaryOf('cy', [rare]), DEFAULT_POLICY, '0.0.0-test').bundle;
    expect(y.tables[0]!.rows).toEqual(['maximum', MERGED_RARE]);
    expect(labelProblems(y)).toEqual([]);
    const rows = poolCycleEnds([x, y]);
    const clin = rows.find((r) => r.reason === 'clinician')!;
    expect([clin.centres, clin.cycles, clin.all_cycles]).toEqual([1, 10, 60]);
    expect(clin.centres_left_out).toBe('cy (merged with its rare reasons)');
    expect(clin.share_all_min).toBeCloseTo(10 / 95, 12);
    expect(clin.share_all_max).toBeCloseTo(15 / 95, 12);
    const max = rows.find((r) => r.reason === 'maximum')!;
    expect([max.centres, max.cycles, max.all_cycles]).toEqual([2, 70, 95]);
    expect(rows.at(-1)!.reason).toBe(MERGED_RARE);
  });
});
