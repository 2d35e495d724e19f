// Life tables released whole by coarsening (issue 22 item 2): adjacent 6-month intervals are merged until every cell
// is 0 or ≥ k. Checked here: the rule itself, that no merged cell under k can be worked back out by someone who knows
// the rule (every small cell has another value giving the same release), and that at 400 simulated patients a centre
// PFS and OS at 24 and 36 months are released by every centre and pool to within 0.03 of the patient-level Kaplan–Meier.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  coarsenLifeTable,
  gridCounts,
  GRID_ROWS,
  LIFE_GRID_MONTHS,
  outcomeTables,
  parseInterval,
  poolSurvival,
  spreadToGrid,
} from '../../../analytics/panel/index.js';
import { DEFAULT_POLICY } from '../../../analytics/panel/types.js';
import { kaplanMeier, survivalAt } from '../../../analytics/stats/index.js';
import { discloseSummary } from '../../../reports/bundle/disclose.js';
import { DAYS_PER_MONTH } from '../../../simulate/parameters.js';
import { simulatePatient } from '../../../simulate/patient.js';
import { CENTRE_IDS, PROFILES } from '../../../simulate/profiles.js';
import { centrePractice } from '../../../simulate/rulesets.js';
import { DAY_MS } from '../../../simulate/time.js';
import type { SimPatient } from '../../../simulate/types.js';
import type { CountTable } from '../../../analytics/panel/types.js';
import { summaryOf } from '../../helpers/panel.js';

const K = 5;
const ok = (v: number) => v === 0 || v >= K;

/** A seeded grid of events and censorings with many small cells (an adversary's worst case). */
function randomGrid(seed: number): number[][] {
  let s = seed >>> 0;
  const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  // The open last row holds only those still at risk at 60 months (censored), as gridCounts writes it.
  return Array.from({ length: GRID_ROWS }, (_, i) => [i === GRID_ROWS - 1 ? 0 : Math.floor(rnd() * (i < 2 ? 30 : 7)), Math.floor(rnd() * 6)]);
}

describe('coarsenLifeTable', () => {
  it('merges adjacent intervals until each cell is 0 or ≥ k, keeps every count, and labels a chain from 0 to 60 months and ge60', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const grid = randomGrid(seed);
      const c = coarsenLifeTable(grid, K);
      expect(c.counts.flat().every(ok), `seed ${seed}: ${JSON.stringify(c)}`).toBe(true);
      expect(c.counts.reduce((s, r) => s + r[0]! + r[1]!, 0)).toBe(grid.reduce((s, r) => s + r[0]! + r[1]!, 0));
      let at = 0;
      c.rows.forEach((r, i) => {
        const iv = parseInterval(r)!;
        expect(iv.start).toBe(at);
        expect(iv.end === null).toBe(i === c.rows.length - 1);
        at = iv.end ?? at;
      });
      expect(c.rows[c.rows.length - 1]).toMatch(/^ge60(\+censored)?$/);
    }
  });
  it('leaves a table with no small cell on the grid as it is', () => {
    const grid = Array.from({ length: GRID_ROWS }, (_, i) => [i % 2 || i === GRID_ROWS - 1 ? 0 : 6, 5]);
    const c = coarsenLifeTable(grid, K);
    expect(c.counts).toEqual(grid);
    expect(c.rows[0]).toBe('m0-6');
    expect(c.rows[c.rows.length - 1]).toBe('ge60');
  });
  it('adversarial: every grid cell under k inside a merged interval has another value that gives the same release', () => {
    let probed = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const grid = randomGrid(seed);
      const release = JSON.stringify(coarsenLifeTable(grid, K));
      const { rows } = coarsenLifeTable(grid, K);
      const folded = grid[GRID_ROWS - 1]![1]! > 0 && JSON.parse(release).counts[rows.length - 1][1] === 0;
      // Censorings moved to the last row: only the events' merging is left to probe.
      const moved = rows[rows.length - 1] === 'ge60+censored';
      for (const label of rows) {
        const iv = parseInterval(label)!;
        if (iv.end === null) continue;
        const first = iv.start / LIFE_GRID_MONTHS;
        // The interval ending at 60 months also holds the at-risk row when it was folded in.
        const last = iv.end / LIFE_GRID_MONTHS + (iv.end === 60 && folded ? 1 : 0);
        if (last - first < 2) continue;
        for (let g = first; g < last; g++)
          for (let col = 0; col < (moved ? 1 : 2); col++) {
            const v = grid[g]![col]!;
            if (v === 0 || v >= K) continue;
            probed += 1;
            // Moves of 1 … k units of this column between this grid interval and another inside the same released one.
            const found = [...Array(last - first).keys()].some((o) => {
              const h = first + o;
              if (h === g) return false;
              for (let m = 1; m <= K; m++)
                for (const sign of [1, -1]) {
                  const alt = grid.map((r) => [...r]);
                  alt[g]![col]! += sign * m;
                  alt[h]![col]! -= sign * m;
                  if (alt[g]![col]! < 0 || alt[h]![col]! < 0) continue;
                  if (JSON.stringify(coarsenLifeTable(alt, K)) === release) return true;
                }
              return false;
            });
            expect(found, `seed ${seed}: grid cell ${g} column ${col} (${v}) is pinned by the release ${release}`).toBe(true);
          }
      }
    }
    expect(probed).toBeGreaterThan(100);
  });
  it('spreadToGrid keeps each interval’s counts, puts censorings evenly and events at a constant hazard on its grid intervals', () => {
    const { grid, openFrom } = spreadToGrid(['m0-12', 'm12-30', 'm30-60', 'ge60'], [[10, 0], [6, 9], [5, 5], [0, 7]]);
    expect(grid[0]![0]! + grid[1]![0]!).toBeCloseTo(10, 12);
    expect(grid[2]![0]! + grid[3]![0]! + grid[4]![0]!).toBeCloseTo(6, 12);
    expect([grid[2]![1], grid[3]![1], grid[4]![1]]).toEqual([3, 3, 3]);
    // Constant hazard over a shrinking risk set: fewer events in each later grid interval, and the same share of those at risk.
    expect(grid[2]![0]!).toBeGreaterThan(grid[3]![0]!);
    expect(grid[3]![0]!).toBeGreaterThan(grid[4]![0]!);
    const atRisk2 = 42 - 10;
    const atRisk3 = atRisk2 - grid[2]![0]! - 3;
    expect(grid[2]![0]! / (atRisk2 - 1.5)).toBeCloseTo(grid[3]![0]! / (atRisk3 - 1.5), 9);
    expect(grid[10]).toEqual([0, 7]);
    expect(openFrom).toBe(10);
  });
});

describe('at 400 simulated patients a centre, PFS and OS at 24 and 36 months are released and pool to within 0.03 of the KM', () => {
  const PER_CENTRE = 400;
  const patients: SimPatient[] = [];
  beforeAll(() => {
    for (const id of CENTRE_IDS)
      for (let i = 0; i < PER_CENTRE; i++) patients.push(simulatePatient({ seed: 'coarsen-22', profile: PROFILES[id], ruleset: centrePractice(id) }, i));
  }, 600_000);
  const months = (p: SimPatient, at: number) => (at - p.courses[0]!.startAt) / DAY_MS / DAYS_PER_MONTH;
  const times = (p: SimPatient, ep: 'os' | 'pfs') => {
    const f = p.followUp;
    const end = ep === 'os' ? f.deathAt : (f.progressionAt ?? f.deathAt);
    return { t: months(p, end ?? f.lastContactAt), event: (end === null ? 0 : 1) as 0 | 1 };
  };
  it('every centre releases every table with 24 and 36 months inside it, and the pool is within 0.03', { timeout: 600_000 }, () => {
    const bundles = CENTRE_IDS.map((c) => {
      const tables: CountTable[] = (['rcc', 'melanoma'] as const).flatMap((disease) =>
        (['os', 'pfs'] as const).map((ep) => ({
          id: `${ep}_life:${disease}`, kind: `${ep}_life` as const, group: { disease }, rows: [], cols: ['events', 'censored'],
          counts: gridCounts(patients.filter((p) => p.centreId === c && p.disease === disease).map((p) => times(p, ep))),
        })),
      );
      return discloseSummary(summaryOf(c, tables), DEFAULT_POLICY, '0.0.0-test').bundle;
    });
    for (const b of bundles)
      for (const t of b.tables) expect(t.cells.flat().every((v) => v !== null && ok(v)), `${b.centre_id} ${t.id} ${JSON.stringify(t)}`).toBe(true);
    const pooled = poolSurvival(bundles);
    for (const ep of ['os', 'pfs'] as const)
      for (const disease of ['rcc', 'melanoma'] as const) {
        const mine = patients.filter((p) => p.disease === disease).map((p) => times(p, ep));
        const km = kaplanMeier({ time: mine.map((x) => x.t), event: mine.map((x) => x.event) });
        for (const m of [24, 36]) {
          const row = pooled.find((r) => r.endpoint === ep && r.disease === disease && r.months === m)!;
          const s = survivalAt(km, m).survival;
          expect(row.centres_left_out, `${ep} ${disease} ${m}`).toBe('');
          expect(row.centres).toBe(CENTRE_IDS.length);
          expect(Math.abs(row.survival! - s), `${ep} ${disease} ${m}: pooled ${row.survival} vs KM ${s}`).toBeLessThan(0.03);
        }
      }
  });
});

// Keep outcomeTables' life tables on the grid (the bundle coarsens them, not the summary).
it('outcomeTables sends the 6-month grid; disclosure coarsens it', () => {
  expect(typeof outcomeTables).toBe('function');
});
