// Smoke run of the panel bench (issue 20's "Scale") at a small scale, so the path the 100-centre figure comes from
// cannot rot: simulate, ingest with each centre's own id, holds, `il2kit bundle` per centre, copies re-hashed, and
// `il2kit pool` measured. No timing is asserted; that every bundle is complete (hold, response and outcome tables)
// and clean, and that pool ran and was measured, is.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchPanel, specForCentre, type PanelBenchResult } from '../../bench/panel.js';
import { bundleHash } from '../../analytics/panel/hash.js';
import { PanelBundle } from '../../schemas/bundle.js';
import { bundleScanProblems } from '../helpers/bundle-scan.js';

let dir: string;
let result: PanelBenchResult;
const logged: string[] = [];
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'il2kit-bench-panel-test-'));
  result = await benchPanel((s) => logged.push(s), { seeds: 1, copies: 2, perCentre: 10, bigCentre: 60, dir });
}, 900_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the panel bench (smoke: 1 seed × 5 profiles × 2 copies, 10 patients a centre)', () => {
  it('bundles every simulated centre with il2kit bundle under its own id, and copies them under theirs', () => {
    expect([result.centres, result.simulated_centres, result.copies]).toEqual([10, 5, 2]);
    const files = readdirSync(join(dir, 'bundles')).filter((f) => f.endsWith('.json')).sort();
    expect(files).toHaveLength(15);
    const ids = files.map((f) => (JSON.parse(readFileSync(join(dir, 'bundles', f), 'utf8')) as PanelBundle).centre_id);
    expect(new Set(ids).size).toBe(15);
    expect(ids).toEqual(expect.arrayContaining(['amstel-s1', 'amstel-s1-c1', 'amstel-s1-c2', 'harbour-s1-c2']));
    // Each released one is in the centre's audit log, as il2kit bundle writes it.
    const audit = readFileSync(join(dir, 'store', 'bundles', 'audit.jsonl'), 'utf8').trim().split('\n');
    expect(audit.filter((l) => l.includes('"event":"released"'))).toHaveLength(5);
  });

  it('every bundle is complete (holds, response, outcomes), carries its own valid hash and passes the scan', () => {
    for (const needed of ['concordance:consensus_2014_t3', 'enforcement:consensus_2014_t3', 'hold_reasons', 'response', 'case_mix:ecog']) {
      expect(result.bundle_tables).toContain(needed);
    }
    expect(result.bundle_tables.some((t) => t.startsWith('dose_end:'))).toBe(true);
    expect(result.bundle_tables.some((t) => t.startsWith('os_life:'))).toBe(true);
    for (const f of readdirSync(join(dir, 'bundles')).filter((x) => x.endsWith('.json'))) {
      const b = PanelBundle.parse(JSON.parse(readFileSync(join(dir, 'bundles', f), 'utf8')));
      expect(bundleHash(b), f).toBe(b.content_sha256);
      expect(bundleScanProblems(b), f).toEqual([]);
    }
  });

  it('pool ran on the bundles in a process of its own and was measured', () => {
    expect(existsSync(join(dir, 'panel', 'panel-report.html'))).toBe(true);
    expect(result.pool_wall_ms).toBeGreaterThan(0);
    if (existsSync('/usr/bin/time')) expect([result.pool_cpu_ms > 0, result.pool_peak_rss_mib > 0]).toEqual([true, true]);
    expect(result.load_average).toHaveLength(3);
    expect(logged.some((l) => /^panel: il2kit pool of 10 bundles .* wall, .* CPU, peak RSS \d+ MiB \(load average /.test(l))).toBe(true);
    expect(result.big_centre.bundle_ms).toBeGreaterThan(0);
  });
});

describe('specForCentre', () => {
  it("replaces the centre block's centre_id only, and refuses a spec without one", () => {
    const spec = 'id: riverside\ncentre:\n  centre_id: riverside\n  name: R\nsources:\n  - id: x\n    centre_id: keep\n';
    expect(specForCentre(spec, 'riverside-s3')).toBe(spec.replace('  centre_id: riverside\n', '  centre_id: riverside-s3\n'));
    expect(() => specForCentre('id: x\n', 'x-s1')).toThrow('no centre_id line in the mapping spec for x-s1');
  });
});
