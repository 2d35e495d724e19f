// Smoke run of the end-to-end benchmark (issue 25) at a small scale, so the path the 20,000-patient figures come from
// cannot rot: the same function `npm run bench` runs (simulate, bare reads, each command in a child process with the
// flags `npm start` gives it, a bare scan). No timing is asserted; that every command completed and was measured is.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_STEPS, benchCli, startFlags, type CliBench } from '../../bench/cli.js';
import { PanelBundle } from '../../schemas/bundle.js';
import { bundleScanProblems } from '../helpers/bundle-scan.js';

let work: string;
let result: CliBench;
const logged: string[] = [];
beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'il2kit-bench-cli-'));
  result = await benchCli(4, (s) => logged.push(s), { work });
}, 600_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('npm run bench, end to end (smoke, 4 patients a centre)', () => {
  it('runs every registered command in order, each completed and measured', () => {
    expect(result.commands.map((c) => c.name)).toEqual(CLI_STEPS.map((s) => s.name));
    expect(result.commands.map((c) => c.name).slice(0, 4)).toEqual(['ingest', 'holds', 'doses', 'response']);
    for (const [i, c] of result.commands.entries()) {
      expect([c.name, (CLI_STEPS[i]!.ok ?? [0]).includes(c.exit_code ?? -1)]).toEqual([c.name, true]);
      expect(c.wall_ms).toBeGreaterThan(0);
      if (existsSync('/usr/bin/time')) expect([c.cpu_ms! > 0, c.peak_rss_mib! > 0]).toEqual([true, true]);
    }
    const reingests = result.commands.filter((c) => c.name.startsWith('re-ingest'));
    expect(reingests).toHaveLength(2);
    expect(result.end_to_end_ms).toBe(result.commands.reduce((a, c) => a + c.wall_ms, 0) - reingests.reduce((a, c) => a + c.wall_ms, 0));
    expect([result.bare_reads_ms > 0, result.scan_ms >= 0, Number.isFinite(result.ratio_end_to_end_to_bare_reads)]).toEqual([true, true, true]);
    // Issue 25's ×4 target: raw exports → ingest and the five analyses, without the report, bundles and pool.
    const analyses = ['ingest', 'holds', 'doses', 'response', 'outcomes'];
    const analysesMs = result.commands.filter((c) => analyses.includes(c.name)).reduce((a, c) => a + c.wall_ms, 0);
    expect(result.all_analyses_ms).toBe(analysesMs);
    expect(result.all_analyses_ms).toBeLessThan(result.end_to_end_ms);
    expect(Number.isFinite(result.ratio_all_analyses_to_bare_reads)).toBe(true);
  });

  it('holds reports its phases, so figure rendering is timed apart from the analysis', () => {
    const holds = result.commands.find((c) => c.name === 'holds')!;
    expect(Object.keys(holds.phases)).toEqual(expect.arrayContaining(['features', 'analyse', 'tables', 'slot_decisions', 'figures']));
    expect(result.holds_without_figures_ms).toBe(holds.wall_ms - holds.phases.figures!);
  });

  it('the commands ran as npm start runs them: its Node flags, never a larger heap, and wrote their outputs', () => {
    const flags = startFlags();
    expect([...flags.keys()]).toEqual(expect.arrayContaining(['ingest', 'holds', 'doses', 'response']));
    for (const [i, c] of result.commands.entries()) {
      expect(c.node_flags).toEqual(flags.get(CLI_STEPS[i]!.command ?? c.name) ?? []);
      expect(c.node_flags.some((f) => f.startsWith('--max-old-space-size'))).toBe(false);
    }
    const out = join(work, 'out');
    expect(readdirSync(join(out, 'holds'))).toEqual(expect.arrayContaining(['concordance.parquet', 'slot_decisions', 'swimmer_decisions.svg']));
    for (const d of ['doses', 'response', 'outcomes']) expect(readdirSync(join(out, d))).toContain('README.md');
    expect(logged.at(-2)).toMatch(/^raw exports → all analyses \(ingest → holds → doses → response → outcomes\): .* = ×[\d.]+ DuckDB's bare reads /);
    expect(logged.at(-1)).toMatch(
      new RegExp(
        '^end to end, raw exports → everything incl\\. report, bundles, pool ' +
          '\\(ingest → holds → .* → outcomes → report → bundle riverside → .* → pool\\): ',
      ),
    );
  });

  it('times the report, a bundle per centre, pooling and the two re-ingests, with their ratios', () => {
    const out = join(work, 'out');
    expect(result.report_bytes).toBe(statSync(join(out, 'report', 'index.html')).size);
    expect(result.ratio_report_to_analyses).toBeGreaterThan(0);
    for (const c of ['riverside', 'lakeshore', 'summit', 'amstel', 'harbour']) expect(existsSync(join(out, 'bundles', `${c}.json`)), c).toBe(true);
    expect(readdirSync(join(out, 'panel')).length).toBeGreaterThan(0);
    // Unchanged inputs: every centre skipped, the store untouched, and far quicker than the first ingest.
    expect(result.store_identical_after_reingest).toBe(true);
    expect(result.ratio_reingest_to_ingest).toBeLessThan(1);
    expect(result.ratio_force_one_centre_to_ingest).toBeGreaterThan(0);
  });

  it('the bundles of its 4-patient centres (the smallest any test writes): no count under k, no key-like string, no date', () => {
    const dir = join(work, 'out', 'bundles');
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files).toHaveLength(5);
    for (const f of files) expect(bundleScanProblems(PanelBundle.parse(JSON.parse(readFileSync(join(dir, f), 'utf8')))), f).toEqual([]);
  });
});
