// `il2kit outcomes` on a store ingested from the SDTM fixture (follow-up from DM/DS/DD, RS every visit): the files it
// writes, the caveats on them, and the exit codes for a store without follow-up and for no store.
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../pipelines/store/commit.js';
import { il2kit, ROOT } from '../helpers/cli.js';

let dir: string;
let store: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'il2kit-outcomes-cli-'));
  store = join(dir, 'store');
  const r = il2kit(['ingest', join(ROOT, 'test', 'fixtures', 'ingest', 'sdtm', 'spec.yaml'), '--store', store, '--reports', join(dir, 'reports')]);
  expect(r.code).toBe(0);
}, 120_000);

function table(path: string): Record<string, string>[] {
  const [head, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  const h = head!.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [h[i]!, v])));
}

describe('il2kit outcomes', () => {
  it('writes the survival, safety and cycle-end tables and figures, with the caveats in the README', () => {
    const out = join(dir, 'outcomes');
    const r = il2kit(['outcomes', '--store', store, '--out', out, '--holds', join(dir, 'no-holds'), '--ruleset', 'none']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^outcomes: 2 patient\(s\), 2 cycle\(s\) → \d+ tables, \d+ figures in /);
    const files = readdirSync(out);
    for (const t of ['survival', 'survival_curves', 'safety', 'cycle_end_reasons', 'retreatment', 'durable_cr'])
      expect(files).toEqual(expect.arrayContaining([`${t}.csv`, `${t}.parquet`]));
    expect(files).toEqual(expect.arrayContaining(['os_by_centre.svg', 'os_by_centre.png', 'safety.svg', 'cycle_ends.svg']));
    const os = table(join(out, 'survival.csv')).find((x) => x.endpoint === 'os' && x.group === 'all')!;
    expect([os.n, os.events]).toEqual(['2', '1']);
    const readme = readFileSync(join(out, 'README.md'), 'utf8');
    expect(readme).toContain('ecological fallacy');
    expect(readme).toContain('run il2kit holds first for the practice → outcome meta-regression');
    // The SDTM fixture has too few patients with two courses to estimate the lab's CV: the README says what was read.
    expect(readme).toMatch(/back to baseline: at or below the pre-course value \(\d+ pair\(s\) of pre-course values, fewer than 20/);
    const ends = table(join(out, 'cycle_end_reasons.csv'));
    expect(new Set(ends.map((e) => e.reading))).toEqual(new Set(['recorded']));
  });

  it('refuses a store without follow-up with exit 2 and what to do, no stack trace', async () => {
    const old = join(dir, 'old-store');
    const r0 = il2kit(['ingest', join(ROOT, 'test', 'fixtures', 'ingest', 'sdtm', 'spec.yaml'), '--store', old, '--reports', join(dir, 'reports2')]);
    expect(r0.code).toBe(0);
    const { conn, close } = await openStore(join(old, 'il2kit.duckdb'));
    try {
      await conn.run('DROP TABLE follow_up');
    } finally {
      close();
    }
    const r = il2kit(['outcomes', '--store', old, '--out', join(dir, 'o2'), '--ruleset', 'none']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("the store has no follow_up table: it was written before follow-up was kept. Re-run 'il2kit ingest'");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a missing store or an unknown ruleset is a usage error (exit 2)', () => {
    expect(il2kit(['outcomes', '--store', join(dir, 'nowhere'), '--out', join(dir, 'o3')]).code).toBe(2);
    const r = il2kit(['outcomes', '--store', store, '--out', join(dir, 'o4'), '--ruleset', 'no_such_ruleset']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown ruleset no_such_ruleset; known: /);
    for (const bad of ['0.5', 'ten', '']) {
      const t = il2kit(['outcomes', '--store', store, '--out', join(dir, 'o5'), '--ruleset', 'none', '--baseline-tolerance', bad]);
      expect(t.code, bad).toBe(2);
      expect(t.stderr).toContain(`--baseline-tolerance must be 'rcv' or a number from 0 to below 0.5`);
      expect(t.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
