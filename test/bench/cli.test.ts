// Smoke run of the end-to-end benchmark (issue 25) at a small scale, so the path the 20,000-patient figures come from
// cannot rot: the same function `npm run bench` runs (simulate, bare reads, each command in a child process with the
// flags `npm start` gives it, a bare scan). No timing is asserted; that every command completed and was measured is.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_STEPS, benchCli, startFlags, type CliBench } from '../../bench/cli.js';

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
    for (const c of result.commands) {
      expect([c.name, c.exit_code === 0 || (c.name === 'ingest' && c.exit_code === 1)]).toEqual([c.name, true]);
      expect(c.wall_ms).toBeGreaterThan(0);
      if (existsSync('/usr/bin/time')) expect([c.cpu_ms! > 0, c.peak_rss_mib! > 0]).toEqual([true, true]);
    }
    expect(result.end_to_end_ms).toBe(result.commands.reduce((a, c) => a + c.wall_ms, 0));
    expect([result.bare_reads_ms > 0, result.scan_ms >= 0, Number.isFinite(result.ratio_end_to_end_to_bare_reads)]).toEqual([true, true, true]);
  });

  it('holds reports its phases, so figure rendering is timed apart from the analysis', () => {
    const holds = result.commands.find((c) => c.name === 'holds')!;
    expect(Object.keys(holds.phases)).toEqual(expect.arrayContaining(['features', 'analyse', 'tables', 'slot_decisions', 'figures']));
    expect(result.holds_without_figures_ms).toBe(holds.wall_ms - holds.phases.figures!);
  });

  it('the commands ran as npm start runs them: its Node flags, never a larger heap, and wrote their outputs', () => {
    const flags = startFlags();
    expect([...flags.keys()]).toEqual(expect.arrayContaining(['ingest', 'holds', 'doses', 'response']));
    for (const c of result.commands) {
      expect(c.node_flags).toEqual(flags.get(c.name) ?? []);
      expect(c.node_flags.some((f) => f.startsWith('--max-old-space-size'))).toBe(false);
    }
    const out = join(work, 'out');
    expect(readdirSync(join(out, 'holds'))).toEqual(expect.arrayContaining(['concordance.parquet', 'slot_decisions', 'swimmer_decisions.svg']));
    for (const d of ['doses', 'response']) expect(readdirSync(join(out, d))).toContain('README.md');
    expect(logged.at(-1)).toMatch(/^end to end, raw exports → ingest → holds → doses → response: /);
  });
});
