// `il2kit doses` and `il2kit response` on a store built once from the five sample centres: the
// tables and figures they write, and that a re-run into the same folder leaves nothing stale.
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sampleStore, SAMPLE_CENTRES } from '../../data-samples/sample-store.js';
import { il2kit } from '../helpers/cli.js';

let dir: string;
let store: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'il2kit-analyses-'));
  store = await sampleStore({ dir: join(dir, 'store') });
}, 300_000);

/** A CSV the commands wrote, as rows of strings (these tables have no quoted commas). */
function table(path: string): Record<string, string>[] {
  const [head, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  const h = head!.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [h[i]!, v])));
}

const FIGURE_FILES = (names: string[]) => names.flatMap((n) => [`${n}.svg`, `${n}.png`]);

describe('il2kit doses', () => {
  let out: string;
  let run: ReturnType<typeof il2kit>;
  beforeAll(() => {
    out = join(dir, 'doses');
    run = il2kit(['doses', '--store', store, '--out', out]);
  });

  it('writes every table as CSV and Parquet, the figures as SVG and PNG, and a README', () => {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^doses: 353 cycles → 14 tables, 5 figures in /);
    const files = readdirSync(out);
    for (const t of ['dose_distribution', 'dose_histogram', 'dose_survival', 'end_reason_incidence', 'log_rank', 'reaching_crude', 'reaching_adjusted'])
      expect(files).toEqual(expect.arrayContaining([`${t}.csv`, `${t}.parquet`]));
    expect(files).toEqual(expect.arrayContaining(FIGURE_FILES(['dose_survival',
      'end_reason_incidence', 'dose_distribution', 'reaching_funnel', 'reaching_first_cycle_funnel'])));
    expect(readFileSync(join(out, 'dose_survival.svg'), 'utf8')).toMatch(/^<svg[^>]*>/);
    expect(readFileSync(join(out, 'reaching_funnel.png')).subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(readFileSync(join(out, 'README.md'), 'utf8')).toContain('## Figures (SVG and PNG)\n\n- dose_survival\n');
  });

  it('the distribution table has every centre, its one regimen and the all-centres block', () => {
    const all = table(join(out, 'dose_distribution.csv')).filter((r) => r.cycle_number === 'all');
    expect(all.map((r) => `${r.centre_id} ${r.regimen}`).sort()).toEqual(['ALL 600k/14', 'ALL 720k/15',
      'amstel 600k/14', 'harbour 720k/15', 'lakeshore 600k/14', 'riverside 600k/14', 'summit 720k/15']);
    const byCentre = all.filter((r) => r.centre_id !== 'ALL').reduce((a, r) => a + Number(r.n_cycles), 0);
    expect(byCentre).toBe(353);
    for (const r of all) expect(Number(r.q1) <= Number(r.median) && Number(r.median) <= Number(r.q3)).toBe(true);
  });

  it('the funnel and dose-survival tables are consistent with each other', () => {
    const crude = table(join(out, 'reaching_crude.csv'));
    expect(crude.map((r) => r.centre_id).sort()).toEqual([...SAMPLE_CENTRES].sort());
    for (const r of crude) expect(Number(r.share)).toBeCloseTo(Number(r.n_reaching) / Number(r.n_cycles), 12);
    // With no censoring before the cap, KM P(at least 10 doses) is the crude share reaching 10.
    const km = table(join(out, 'dose_survival.csv')).filter((r) => r.doses === '10' && r.centre_id !== 'ALL');
    for (const r of crude) expect(Number(km.find((k) => k.centre_id === r.centre_id)!.p_at_least)).toBeCloseTo(Number(r.share), 12);
    const logRank = table(join(out, 'log_rank.csv'));
    expect(logRank.map((r) => [r.cycles, r.n_centres, r.df])).toEqual([['all', '5', '4'], ['first', '5', '4']]);
  });

  it('a re-run into the same folder replaces its own files and leaves other files alone', () => {
    writeFileSync(join(out, 'cycle_comparison.csv'), 'stale\n');
    writeFileSync(join(out, 'my-notes.txt'), 'mine\n');
    const again = il2kit(['doses', '--store', store, '--out', out, '--centres', 'riverside']);
    expect(again.code).toBe(0);
    expect(readFileSync(join(out, 'cycle_comparison.csv'), 'utf8')).not.toContain('stale');
    expect(readFileSync(join(out, 'my-notes.txt'), 'utf8')).toBe('mine\n');
    expect(new Set(table(join(out, 'dose_distribution.csv')).map((r) => r.centre_id))).toEqual(new Set(['riverside'])); // one centre: no all-centres block
  });
});

describe('il2kit response', () => {
  let out: string;
  let run: ReturnType<typeof il2kit>;
  beforeAll(() => {
    out = join(dir, 'response');
    run = il2kit(['response', '--store', store, '--out', out]);
  }, 120_000);

  it('writes the tables, the three figures, and says it is a landmark analysis, not causal', () => {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    // 150 first courses; the two patients who died of treatment (lakeshore, summit) were never assessed.
    expect(run.stdout).toMatch(/^response: 148 assessed course\(s\) → 9 tables, 3 figures in /);
    expect(run.stdout).toContain('not causal (guarantee-time bias)');
    expect(readdirSync(out)).toEqual(expect.arrayContaining([...FIGURE_FILES(['response_funnel', 'response_by_doses', 'forest']),
      'forest.csv', 'odds_ratios.csv', 'response_rates.csv', 'course_signals.parquet']));
    expect(readFileSync(join(out, 'README.md'), 'utf8')).toMatch(/^# il2kit response\n\n\*\*Landmark analysis:/);
    expect(readFileSync(join(out, 'forest.svg'), 'utf8')).toContain('guarantee-time bias');
  });

  it('response rates per centre have intervals around the rate; every signal has a single-model row', () => {
    const rates = table(join(out, 'response_rates.csv')).filter((r) => r.disease === 'all');
    expect(rates.map((r) => r.centre_id).sort()).toEqual(['ALL', ...SAMPLE_CENTRES].sort());
    for (const r of rates) {
      expect(Number(r.wilson_lower)).toBeLessThanOrEqual(Number(r.rate));
      expect(Number(r.exact_upper)).toBeGreaterThanOrEqual(Number(r.rate));
    }
    expect(rates.find((r) => r.centre_id === 'ALL')!.n_assessed).toBe('148');
    // Of all treated: the two never assessed are in the denominator, not evaluable.
    const all = table(join(out, 'response_rates_all_eligible.csv')).find((r) => r.centre_id === 'ALL' && r.disease === 'all')!;
    const assessedAll = rates.find((r) => r.centre_id === 'ALL')!;
    expect([all.n_eligible, all.not_assessed, all.responders]).toEqual(['150', '2', assessedAll.responders]);
    expect(Number(all.not_evaluable)).toBeGreaterThanOrEqual(2);
    const text = readFileSync(join(out, 'odds_ratios.csv'), 'utf8');
    for (const s of ['lymphocyte_rebound', 'eosinophil_peak', 'platelet_nadir_below_50k', 'bicarbonate_nadir_below_19',
      'phenylephrine_max', 'thyroid_dysfunction', 'vitiligo', 'doses', 'cumulative_dose'])
      expect(text).toMatch(new RegExp(`^single,${s},`, 'm'));
    expect(text).not.toMatch(/NaN/);
  });

  it('a re-run with nothing to analyse leaves no tables or figures from the earlier run', () => {
    const again = il2kit(['response', '--store', store, '--out', out, '--course', '9']);
    expect(again.code).toBe(0);
    expect(readdirSync(out)).toEqual(['README.md']);
    expect(readFileSync(join(out, 'README.md'), 'utf8')).toContain('no response assessment for course 9');
    expect(existsSync(join(out, 'forest.svg'))).toBe(false);
  });
});
