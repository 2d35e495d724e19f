// Cross-table differencing (decision 48): OS and PFS of the same patients, creatinine back within 1.5× against back
// to baseline; and two releases of a reversal or cycle-end table cut differently (re-cuts), refused like life tables.
import { describe, expect, it } from 'vitest';
import { coarsenLifeTable, gridCounts, parseInterval } from '../../../analytics/panel/life-table.js';
import { DEFAULT_POLICY, type CountTable } from '../../../analytics/panel/types.js';
import { REVERSAL_COLS, REVERSAL_ROWS } from '../../../analytics/panel/summarise-toxicity.js';
import { discloseSummary } from '../../../reports/bundle/disclose.js';
import { differencingProblems } from '../../../reports/bundle/differencing.js';
import { protectCrossTables } from '../../../reports/bundle/cross-table.js';
import type { PanelBundle } from '../../../schemas/bundle.js';
import { summaryOf } from '../../helpers/panel.js';
import { bundleScanProblems } from '../../helpers/bundle-scan.js';

const K = 5;
const released: PanelBundle[] = [];
const disclose = (tables: CountTable[], centre = 'cc', period = { first: '2020-Q1', last: '2023-Q4' }) => {
  const b = discloseSummary({ ...summaryOf(centre, tables), period }, DEFAULT_POLICY, '0.1.0').bundle;
  released.push(b);
  return b;
};

/** Seeded patients with PFS ≤ OS (death ends both; progression only PFS), censored at a uniform last contact. */
function cohort(seed: number, n: number): { os: { t: number; event: 0 | 1 }[]; pfs: { t: number; event: 0 | 1 }[] } {
  let s = seed >>> 0;
  const r = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const os: { t: number; event: 0 | 1 }[] = [];
  const pfs: { t: number; event: 0 | 1 }[] = [];
  for (let i = 0; i < n; i++) {
    const death = -Math.log(1 - r()) * 30;
    const prog = r() < 0.6 ? death * (0.2 + 0.7 * r()) : death;
    const lost = r() * 90;
    os.push({ t: Math.min(death, lost), event: death <= lost ? 1 : 0 });
    pfs.push({ t: Math.min(prog, lost), event: prog <= lost ? 1 : 0 });
  }
  return { os, pfs };
}
const life = (kind: 'os' | 'pfs', counts: number[][]): CountTable => ({
  id: `${kind}_life:rcc`, kind: `${kind}_life`, group: { disease: 'rcc' }, rows: [], cols: ['events', 'censored'], counts,
});

/** Every difference a reader can form from a released OS and PFS pair: events and censorings so far at each shared month, and the totals. */
function derivedDifferences(os: PanelBundle['tables'][number], pfs: PanelBundle['tables'][number]): number[] {
  const starts = (t: typeof os) => t.rows.map((x) => parseInterval(x)!.start);
  const upTo = (t: typeof os, j: number, i: number) => t.cells.slice(0, i).reduce((s, r) => s + (r[j] as number), 0);
  const moved = [os, pfs].some((t) => t.rows.includes('ge60+censored'));
  const out: number[] = [];
  for (const m of starts(os).filter((x) => x > 0 && x < 60 && starts(pfs).includes(x))) {
    const [i, j] = [starts(os).indexOf(m), starts(pfs).indexOf(m)];
    out.push(upTo(pfs, 0, j) - upTo(os, 0, i));
    if (!moved) out.push(upTo(os, 1, i) - upTo(pfs, 1, j));
  }
  out.push(upTo(pfs, 0, pfs.rows.length) - upTo(os, 0, os.rows.length));
  return out;
}

describe('OS against PFS of one disease', () => {
  it('no released pair lets a reader form a count of 1 … k − 1 patients; coarsening alone would have (the check is needed)', () => {
    let unprotected = 0;
    let merged = 0;
    for (let seed = 1; seed <= 120; seed++) {
      const c = cohort(seed, 40 + (seed % 5) * 30);
      const [os, pfs] = [gridCounts(c.os), gridCounts(c.pfs)];
      const b = disclose([life('os', os), life('pfs', pfs)]);
      const [o, p] = [b.tables[0]!, b.tables[1]!];
      if (p.withheld) continue;
      for (const d of derivedDifferences(o, p)) expect(d === 0 || Math.abs(d) >= K, `seed ${seed}: ${d} in ${JSON.stringify([o, p])}`).toBe(true);
      // The same tables with only §42's coarsening: a small difference is there to be found for some seeds.
      const coarse = [coarsenLifeTable(os, K), coarsenLifeTable(pfs, K)].map((x) => ({ ...o, rows: x.rows, cells: x.counts }));
      if (derivedDifferences(coarse[0]!, coarse[1]!).some((d) => d !== 0 && Math.abs(d) < K)) unprotected += 1;
      if (p.rows.length < coarse[1]!.rows.length) merged += 1;
    }
    expect(unprotected).toBeGreaterThan(5);
    expect(merged).toBeGreaterThan(0);
  });
  it('PFS is withheld when its total events exceed OS’s by 1 … k − 1 (progressed and alive at the end)', () => {
    // 40 patients: 30 die within 5 years, 10 followed past 60 months alive, 2 of those progressed at month 20.
    const os = [
      ...Array.from({ length: 30 }, (_, i) => ({ t: 1 + i, event: 1 as const })),
      ...Array.from({ length: 10 }, () => ({ t: 70, event: 0 as const })),
    ];
    const pfs = os.map((x, i) => (i >= 38 ? { t: 20, event: 1 as const } : x));
    const b = disclose([life('os', gridCounts(os)), life('pfs', gridCounts(pfs))]);
    expect(b.tables[0]!.withheld).toBe(false);
    expect(b.tables[1]!.withheld).toBe(true);
    const coarse = (kind: 'os' | 'pfs', x: typeof os) => ({ ...life(kind, gridCounts(x)), ...coarsenLifeTable(gridCounts(x), K) });
    const { fixes } = protectCrossTables([coarse('os', os), coarse('pfs', pfs)], K);
    expect(fixes.at(-1)).toEqual({ table: 'pfs_life:rcc', against: 'os_life:rcc', at: 'all months', action: 'withheld' });
  });
});

const reversal = (measure: string, counts: number[][]): CountTable => ({
  id: `reversal:${measure}`, kind: 'reversal', group: { measure }, rows: [...REVERSAL_ROWS], cols: [...REVERSAL_COLS], counts,
});

describe('creatinine back within 1.5× against back to baseline (its courses a subset)', () => {
  it('creatinine back within 1.5× is withheld when back to baseline has 1 … k − 1 courses more (baseline has the published figure)', () => {
    const wide = [[40, 0, 0], [10, 0, 0], [5, 0, 0], [0, 0, 5]];
    const b = disclose([reversal('creatinine_1_5x', wide), reversal('creatinine_baseline', [[30, 0, 0], [15, 0, 0], [8, 0, 0], [0, 0, 10]])]);
    expect(b.tables.map((t) => t.withheld)).toEqual([true, false]);
    const ok = disclose([reversal('creatinine_1_5x', wide), reversal('creatinine_baseline', [[30, 0, 0], [15, 0, 0], [10, 0, 0], [0, 0, 10]])]);
    expect(ok.tables.map((t) => t.withheld)).toEqual([false, false]);
  });
});

describe('re-cuts of reversal and cycle-end tables a quarter later', () => {
  const q1 = { first: '2020-Q1', last: '2023-Q4' };
  const q2 = { first: '2020-Q1', last: '2024-Q1' };
  it('a reversal table cut at other days is compared over the days both cuts share, and a difference under k refused', () => {
    const before = disclose([reversal('pressor_free', [[40, 5, 0], [3, 0, 0], [3, 0, 0], [5, 0, 12]])], 'cc', q1);
    // Two more courses back off pressors in days 7–14: 7–14 is now released apart, and 14–30 merged into > 14.
    const after = disclose([reversal('pressor_free', [[40, 5, 0], [5, 0, 0], [3, 0, 0], [5, 0, 12]])], 'cc', q2);
    expect(before.tables[0]!.rows).toEqual(['d0-7', 'd7-30', 'gt30']);
    expect(after.tables[0]!.rows).toEqual(['d0-7', 'd7-14', 'gt14']);
    const problems = differencingProblems(after, [before]);
    expect(problems.some((p) => p.table === 'reversal:pressor_free' && p.difference === 2 && p.row === 'from day 7')).toBe(true);
  });
  it('a reversal table whose deaths were folded into the censored in one release only is compared on reversed and the rest', () => {
    const before = disclose([reversal('mental_status', [[40, 0, 0], [9, 0, 0], [6, 0, 0], [5, 1, 12]])], 'cc', q1);
    const after = disclose([reversal('mental_status', [[40, 0, 0], [9, 0, 0], [6, 0, 0], [5, 5, 12]])], 'cc', q2);
    expect(before.tables[0]!.cols).toEqual(['reversed', 'censored+died']);
    expect(after.tables[0]!.cols).toEqual([...REVERSAL_COLS]);
    const problems = differencingProblems(after, [before]);
    expect(problems.some((p) => p.col === 'not reversed' && p.difference === 4)).toBe(true);
  });
  it('a cycle-end table whose rare reasons were merged differently: the reasons not listed in both are compared as one total', () => {
    const t = (counts: number[]): CountTable => ({
      id: 'cycle_end:recorded', kind: 'cycle_end', group: { reading: 'recorded' }, rows: ['clinician', 'maximum', 'patient'], cols: ['cycles'],
      counts: counts.map((c) => [c]),
    });
    const before = disclose([t([6, 40, 3])], 'cc', q1);
    const after = disclose([t([6, 40, 5])], 'cc', q2);
    expect(before.tables[0]!.rows).toEqual(['maximum', 'merged_rare']);
    expect(after.tables[0]!.rows).toEqual(['clinician', 'maximum', 'patient']);
    const problems = differencingProblems(after, [before]);
    expect(problems.map((p) => [p.row, p.difference])).toContainEqual(['all reasons', 2]);
    expect(problems.map((p) => [p.row, p.difference])).toContainEqual(['reasons not listed in both releases', 2]);
  });
});

describe('every bundle released above', () => {
  it('has no count under k, no key-like string and no date', () => {
    expect(released.length).toBeGreaterThan(100);
    for (const b of released) expect(bundleScanProblems(b), b.centre_id).toEqual([]);
  });
});
