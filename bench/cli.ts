// End-to-end benchmark (issue 25): the commands users run, each in a process of its own with the Node flags `npm start`
// gives it (no larger heap), on simulated exports: raw exports → ingest → holds → doses → response. Per command: wall
// time, CPU time (user + sys of the child, DuckDB's threads included) and peak RSS, from /usr/bin/time; the command's
// own phase times through IL2KIT_TIMINGS (so figure rendering can be set apart). Beside them, in the same run: DuckDB's
// bare reads of the same exports (exceljs for the workbook) and one bare scan of the stored observation table.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../project/index.js';
import { loadSpec } from '../pipelines/map/spec-load.js';
import { storeFile } from '../pipelines/store/paths.js';
import { readStore } from '../analytics/read-store.js';
import { CENTRE_IDS } from '../simulate/index.js';
import { notebookParams } from '../schemas/notebook-params.js';
import { bareRead } from './ingest.js';
import { fmt, measure } from './measure.js';

/** Folders a step reads and writes. */
export interface StepContext {
  exports: string;
  /** One mapping spec per centre, in CENTRE_IDS order. */
  specs: string[];
  store: string;
  out: string;
}

/** One command of the end-to-end run: its il2kit arguments, and the exit codes that count as completed. */
export interface CliStep {
  name: string;
  /** The il2kit command, whose Node flags in `npm start` it runs with (default: name). */
  command?: string;
  args: (ctx: StepContext) => string[];
  /** ingest exits 1 when an error-severity data-quality check fails: the rows are stored all the same. */
  ok?: readonly number[];
  /** Counted in the end-to-end time, raw exports to the last output (default true; the re-ingests are not). */
  endToEnd?: boolean;
  /** One of the analyses issue 25's ×4 target counts (raw exports → ingest and every analysis; not report, bundles, pool). */
  analysis?: boolean;
}

const ingestArgs = (c: StepContext, specs: string[]) => ['ingest', ...specs, '--store', c.store, '--reports', join(c.out, 'reports')];
/** Each centre's bundle file, as the bundle steps write it and pool reads it. */
export const bundleFile = (c: StepContext, centre: string) => join(c.out, 'bundles', `${centre}.json`);

/**
 * The commands timed, in the order users run them, each with the arguments `npm start` or the README gives it. The
 * summary's end-to-end time covers every step but the two re-ingests, which are the quarterly re-run a data manager
 * does on the same store afterwards: all centres unchanged (skipped), then one centre with --force.
 */
export const CLI_STEPS: readonly CliStep[] = [
  { name: 'ingest', args: (c) => ingestArgs(c, c.specs), ok: [0, 1], analysis: true },
  { name: 'holds', args: (c) => ['holds', '--store', c.store, '--out', join(c.out, 'holds')], analysis: true },
  { name: 'doses', args: (c) => ['doses', '--store', c.store, '--out', join(c.out, 'doses')], analysis: true },
  { name: 'response', args: (c) => ['response', '--store', c.store, '--out', join(c.out, 'response')], analysis: true },
  {
    name: 'outcomes',
    args: (c) => ['outcomes', '--store', c.store, '--out', join(c.out, 'outcomes'), '--holds', join(c.out, 'holds')],
    analysis: true,
  },
  { name: 'report', args: (c) => ['report', '--store', c.store, '--reports', join(c.out, 'reports'), '--out', join(c.out, 'report', 'index.html')] },
  ...CENTRE_IDS.map((centre): CliStep => ({
    name: `bundle ${centre}`,
    command: 'bundle',
    args: (c) => ['bundle', '--store', c.store, '--centre', centre, '--out', bundleFile(c, centre)],
  })),
  { name: 'pool', args: (c) => ['pool', ...CENTRE_IDS.map((centre) => bundleFile(c, centre)), '--out', join(c.out, 'panel')] },
  { name: 're-ingest', command: 'ingest', args: (c) => ingestArgs(c, c.specs), ok: [0, 1], endToEnd: false },
  { name: 're-ingest --force', command: 'ingest', args: (c) => [...ingestArgs(c, c.specs.slice(0, 1)), '--force'], ok: [0, 1], endToEnd: false },
];

/** The notebooks `il2kit notebooks run` runs (notebooks/*.ipynb), one step each, on the bench's store. */
export function notebookNames(root = projectRoot()): string[] {
  return readdirSync(join(root, 'notebooks')).filter((f) => f.endsWith('.ipynb')).map((f) => f.replace(/\.ipynb$/, '')).sort();
}

/**
 * The optional notebooks step (BENCH_NOTEBOOKS=1; off by default, they take minutes at 20,000 patients): each notebook
 * in a process of its own, as `il2kit notebooks run <name> --param storeDir=<store>` (00 reads a sample file) with the default cell time limit,
 * so each one's wall time, CPU time and peak RSS (the tslab kernel's included: it is the command's child) are its own.
 * Not counted in the end-to-end time.
 */
export function notebookSteps(names = notebookNames(), holds = (c: StepContext) => join(c.out, 'holds')): CliStep[] {
  return names.map((name) => ({
    name: `notebook ${name}`,
    command: 'notebooks',
    args: (c) => {
      // Only the parameters a notebook takes (00 reads a sample file, not a store, and refuses storeDir); one that reads
      // holds outputs (05: the practice measures) gets the run's, when holds wrote them.
      const takes = (p: string) => name in notebookParams && p in notebookParams[name as keyof typeof notebookParams].shape;
      const store = takes('storeDir') ? ['--param', `storeDir=${c.store}`] : [];
      const extra = takes('holdsDir') && existsSync(holds(c)) ? ['--param', `holdsDir=${holds(c)}`] : [];
      return ['notebooks', 'run', name, ...store, ...extra, '--out', join(c.out, 'notebooks')];
    },
    endToEnd: false,
  }));
}

/** CLI_STEPS, then the notebooks when BENCH_NOTEBOOKS=1. */
export function benchSteps(env: NodeJS.ProcessEnv = process.env): readonly CliStep[] {
  return env.BENCH_NOTEBOOKS === '1' ? [...CLI_STEPS, ...notebookSteps()] : CLI_STEPS;
}

export interface CommandRun {
  name: string;
  exit_code: number | null;
  wall_ms: number;
  /** User + system CPU of the child (null without /usr/bin/time). */
  cpu_ms: number | null;
  peak_rss_mib: number | null;
  node_flags: string[];
  /** The command's own phase times (IL2KIT_TIMINGS), where it reports them. */
  phases: Record<string, number>;
}

export interface CliBench {
  patients_per_centre: number;
  commands: CommandRun[];
  /** Raw exports to the last output: every command's wall time, one after another. */
  end_to_end_ms: number;
  /** Raw exports → all analyses (ingest, holds, doses, response, outcomes): issue 25's ×4 target. */
  all_analyses_ms: number;
  bare_reads_ms: number;
  scan_ms: number;
  ratio_end_to_end_to_bare_reads: number;
  ratio_all_analyses_to_bare_reads: number;
  /** holds without figure rendering, against one bare scan of the observation table. */
  holds_without_figures_ms: number | null;
  ratio_holds_to_scan: number | null;
  /** report against the holds + doses + response it draws from (target ≤ 1.5), and its file size (target < 10 MB at 20,000). */
  ratio_report_to_analyses: number | null;
  report_bytes: number | null;
  /** Re-running ingest on unchanged inputs against the first ingest (target < 5 %), and whether the store stayed byte-identical. */
  ratio_reingest_to_ingest: number | null;
  store_identical_after_reingest: boolean | null;
  /** One centre re-ingested with --force, against the first ingest of all centres. */
  ratio_force_one_centre_to_ingest: number | null;
  default_heap_mib: number;
}

const TIME = '/usr/bin/time';

/** Node flags `npm start` puts before `dist/cli/main.js <command>`, per command (package.json scripts.start). */
export function startFlags(root = projectRoot()): Map<string, string[]> {
  const start = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.start ?? '';
  const flags = new Map<string, string[]>();
  for (const part of start.split('&&')) {
    const m = /^\s*node\s+(.*?)\s*dist\/cli\/main\.js\s+(\S+)/.exec(part);
    if (m !== null) flags.set(m[2]!, m[1]!.split(/\s+/).filter(Boolean));
  }
  return flags;
}

interface CommandOptions {
  nodeFlags: string[];
  work: string;
  log: (s: string) => void;
}

/** The child's program and arguments (under /usr/bin/time when there is one) and the files it reports into. */
function commandLine(name: string, args: string[], options: CommandOptions) {
  const main = join(projectRoot(), 'dist', 'cli', 'main.js');
  const timeFile = join(options.work, `${name}.time`);
  const phaseFile = join(options.work, `${name}.phases.json`);
  rmSync(phaseFile, { force: true });
  const node = [process.execPath, ...options.nodeFlags, main, ...args];
  const withTime = existsSync(TIME);
  return {
    program: withTime ? TIME : node[0]!,
    argv: withTime ? ['-f', '%e %U %S %M', '-o', timeFile, ...node] : node.slice(1),
    env: { ...process.env, IL2KIT_TIMINGS: phaseFile },
    timeFile: withTime ? timeFile : null,
    phaseFile,
  };
}

/** The run's measurements, from the time and phase files the child wrote; logs a line (and the output's tail on failure). */
function commandRun(name: string, line: ReturnType<typeof commandLine>, r: { status: number | null; output: string; wall: number }, options: CommandOptions) {
  const lines = r.output.trim().split('\n');
  const { timeFile, phaseFile } = line;
  const timed = timeFile !== null && existsSync(timeFile);
  const [, user, sys, rssKb] = timed ? readFileSync(timeFile, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number) : [];
  const run: CommandRun = {
    name, exit_code: r.status, wall_ms: Math.round(r.wall), cpu_ms: user === undefined ? null : Math.round((user + sys!) * 1000),
    peak_rss_mib: rssKb === undefined ? null : Math.round(rssKb / 1024), node_flags: options.nodeFlags,
    phases: existsSync(phaseFile) ? (JSON.parse(readFileSync(phaseFile, 'utf8')) as Record<string, number>) : {},
  };
  const phases = Object.keys(run.phases).length ? `; ${JSON.stringify(run.phases)}` : '';
  const cpu = run.cpu_ms === null ? '?' : fmt(run.cpu_ms);
  options.log(`  ${name}: wall ${fmt(run.wall_ms)}, CPU ${cpu}, peak RSS ${run.peak_rss_mib ?? '?'} MiB, exit ${r.status}${phases}`);
  if (run.exit_code !== 0) options.log(lines.slice(-8).map((l) => `    | ${l}`).join('\n'));
  return run;
}

/** Runs one il2kit command as `npm start` would, under /usr/bin/time when there is one. */
export function runCommand(name: string, args: string[], options: CommandOptions): CommandRun {
  const line = commandLine(name, args, options);
  const t0 = performance.now();
  const r = spawnSync(line.program, line.argv, { env: line.env, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  const wall = performance.now() - t0;
  return commandRun(name, line, { status: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}`, wall }, options);
}

/** runCommand without blocking, so several commands (the panel bench's bundles) can run at once. */
export function runCommandAsync(name: string, args: string[], options: CommandOptions): Promise<CommandRun> {
  const line = commandLine(name, args, options);
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(line.program, line.argv, { env: line.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (d: Buffer) => (output = (output + d.toString()).slice(-65536));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', (status) => resolve(commandRun(name, line, { status, output, wall: performance.now() - t0 }, options)));
  });
}

/** One bare scan of the observation table (the holds bench's reference): warmed once, median of three. */
export async function bareScan(store: string): Promise<number> {
  const SCAN = 'SELECT variable, count(*), sum(value), max(observed_at), sum(period_hours), count(DISTINCT patient_key) FROM observation GROUP BY variable';
  return readStore(store, async (conn) => {
    await conn.run(SCAN);
    const ms: number[] = [];
    for (let k = 0; k < 3; k++) ms.push((await measure(() => conn.run(SCAN))).ms);
    return ms.sort((a, b) => a - b)[1]!;
  });
}

/** SHA-256 of every file under a folder (relative path → hash), to tell whether a run changed the store. */
export function folderHashes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync(dir)) return out;
  for (const f of readdirSync(dir, { recursive: true }).map(String).sort()) {
    if (statSync(join(dir, f)).isFile()) out[f] = createHash('sha256').update(readFileSync(join(dir, f))).digest('hex');
  }
  return out;
}

/** Simulates the exports (unless given) and puts each sample centre's mapping spec beside its export. */
function prepare(patients: number, log: (s: string) => void, options: { work: string; exports?: string }): StepContext {
  const root = projectRoot();
  const exports = options.exports ?? join(options.work, 'exports');
  const ctx: StepContext = { exports, specs: [], store: join(options.work, 'store'), out: join(options.work, 'out') };
  rmSync(ctx.store, { recursive: true, force: true });
  rmSync(ctx.out, { recursive: true, force: true });
  mkdirSync(ctx.out, { recursive: true });
  if (options.exports === undefined) {
    log(`simulating ${patients} patients per centre (il2kit simulate, not timed)…`);
    const simArgs = ['simulate', '--centres', CENTRE_IDS.join(','), '--patients', String(patients), '--seed', 'bench', '--out', exports, '--quiet'];
    const sim = runCommand('simulate', simArgs, { nodeFlags: [], work: options.work, log });
    if (sim.exit_code !== 0) throw new Error(`il2kit simulate failed (exit ${sim.exit_code})`);
  }
  for (const centre of CENTRE_IDS) {
    copyFileSync(join(root, 'data-samples', centre, 'mapping.yaml'), join(exports, centre, 'mapping.yaml'));
    ctx.specs.push(join(exports, centre, 'mapping.yaml'));
  }
  return ctx;
}

/** Runs every CLI_STEPS command; after the first ingest, the bare scan; around the unchanged re-ingest, the store's hashes. */
interface StepRuns {
  commands: CommandRun[];
  scanMs: number;
  storeIdentical: boolean | null;
}

async function runSteps(ctx: StepContext, work: string, log: (s: string) => void): Promise<StepRuns> {
  const flags = startFlags();
  const commands: CommandRun[] = [];
  let scanMs = NaN;
  let storeIdentical: boolean | null = null;
  for (const step of benchSteps()) {
    const before = step.name === 're-ingest' ? folderHashes(ctx.store) : null;
    const run = runCommand(step.name, step.args(ctx), { nodeFlags: flags.get(step.command ?? step.name) ?? [], work, log });
    commands.push(run);
    if (!(step.ok ?? [0]).includes(run.exit_code ?? -1)) throw new Error(`il2kit ${step.name} failed (exit ${run.exit_code})`);
    if (before !== null) storeIdentical = JSON.stringify(before) === JSON.stringify(folderHashes(ctx.store));
    if (step.name === 'ingest') {
      if (!existsSync(storeFile(ctx.store))) throw new Error('il2kit ingest wrote no store');
      scanMs = await bareScan(ctx.store);
      log(`  bare scan of the observation table: ${fmt(scanMs)}`);
    }
  }
  return { commands, scanMs, storeIdentical };
}

const ratio = (a: number | undefined, b: number | undefined, digits = 1): number | null =>
  a === undefined || b === undefined || !(b > 0) ? null : Math.round((a / b) * 10 ** digits) / 10 ** digits;

/** The summary: end to end (raw exports to the last output) and each target's ratio, from the commands' runs. */
function summarise(patients: number, ctx: StepContext, runs: StepRuns, bareMs: number): CliBench {
  const { commands, scanMs } = runs;
  const wall = (name: string) => commands.find((c) => c.name === name)?.wall_ms;
  const inE2e = new Set(benchSteps().filter((s) => s.endToEnd !== false).map((s) => s.name));
  const e2e = commands.filter((c) => inE2e.has(c.name)).reduce((a, c) => a + c.wall_ms, 0);
  const inAnalyses = new Set(CLI_STEPS.filter((s) => s.analysis === true).map((s) => s.name));
  const allAnalyses = commands.filter((c) => inAnalyses.has(c.name)).reduce((a, c) => a + c.wall_ms, 0);
  const holds = commands.find((c) => c.name === 'holds');
  const holdsMs = holds === undefined ? null : holds.wall_ms - (holds.phases.figures ?? 0);
  const analyses = ['holds', 'doses', 'response'].map(wall);
  const reportFile = join(ctx.out, 'report', 'index.html');
  return {
    patients_per_centre: patients, commands, end_to_end_ms: e2e, all_analyses_ms: allAnalyses, bare_reads_ms: Math.round(bareMs), scan_ms: Math.round(scanMs),
    ratio_end_to_end_to_bare_reads: ratio(e2e, bareMs)!, ratio_all_analyses_to_bare_reads: ratio(allAnalyses, bareMs, 2)!,
    holds_without_figures_ms: holdsMs, ratio_holds_to_scan: ratio(holdsMs ?? undefined, scanMs),
    ratio_report_to_analyses: analyses.includes(undefined) ? null : ratio(wall('report'), analyses.reduce((a, b) => a! + b!, 0), 2),
    report_bytes: existsSync(reportFile) ? statSync(reportFile).size : null,
    ratio_reingest_to_ingest: ratio(wall('re-ingest'), wall('ingest'), 3),
    store_identical_after_reingest: runs.storeIdentical,
    ratio_force_one_centre_to_ingest: ratio(wall('re-ingest --force'), wall('ingest'), 2),
    // The heap a child gets without --max-old-space-size (this process may run with a larger one).
    default_heap_mib: Math.round(
      Number(spawnSync(process.execPath, ['-p', 'require("v8").getHeapStatistics().heap_size_limit'], { encoding: 'utf8' }).stdout) / 1048576,
    ),
  };
}

/**
 * The notebooks step alone on an existing store (BENCH_ONLY=notebooks BENCH_NOTEBOOKS_STORE=<store folder>, and
 * BENCH_NOTEBOOKS_HOLDS=<il2kit holds output folder> for 05's practice measures): each
 * notebook as `il2kit notebooks run` runs it, measured like the other commands. The store is only read.
 * @example benchNotebooks('/tmp/big/store', console.log, '/tmp/nb')
 */
export function benchNotebooks(store: string, log: (s: string) => void, work: string, holds = ''): CommandRun[] {
  mkdirSync(work, { recursive: true });
  const ctx: StepContext = { exports: '', specs: [], store, out: work };
  const flags = startFlags();
  const runs = notebookSteps(notebookNames(), () => holds).map((step) =>
    runCommand(step.name, step.args(ctx), { nodeFlags: flags.get(step.command ?? step.name) ?? [], work, log }),
  );
  logNotebooks(runs, log);
  return runs;
}

function logNotebooks(runs: readonly CommandRun[], log: (s: string) => void): void {
  const nb = runs.filter((r) => r.name.startsWith('notebook '));
  if (nb.length === 0) return;
  const failed = nb.filter((r) => r.exit_code !== 0).map((r) => r.name);
  log(
    `notebooks: ${nb.length} in ${fmt(nb.reduce((a, r) => a + r.wall_ms, 0))} wall, ${fmt(nb.reduce((a, r) => a + (r.cpu_ms ?? 0), 0))} CPU; ` +
      `largest peak RSS ${Math.max(...nb.map((r) => r.peak_rss_mib ?? 0))} MiB (target < 6 GiB)` + (failed.length ? `; FAILED: ${failed.join(', ')}` : ''),
  );
}

/**
 * Simulates `patients` per centre into `work/exports` (or uses `options.exports`, an `il2kit simulate` folder), then
 * times DuckDB's bare reads of the exports, each CLI_STEPS command in a child process and a bare scan of the store.
 * @example await benchCli(400, console.log, { work: '/tmp/il2kit-bench' })
 */
export async function benchCli(patients: number, log: (s: string) => void, options: { work: string; exports?: string }): Promise<CliBench> {
  const ctx = prepare(patients, log, options);
  const bare = await measure(async () => {
    for (const spec of ctx.specs) await bareRead(join(spec, '..'), loadSpec(spec).spec);
  });
  log(`  bare reads of the exports (DuckDB; exceljs for the workbook): ${fmt(bare.ms)}`);
  const runs = await runSteps(ctx, options.work, log);
  const r = summarise(patients, ctx, runs, bare.ms);
  logNotebooks(runs.commands, log);
  const e2eNames = CLI_STEPS.filter((s) => s.endToEnd !== false).map((s) => s.name);
  const analysisNames = CLI_STEPS.filter((s) => s.analysis === true).map((s) => s.name);
  log(
    `raw exports → all analyses (${analysisNames.join(' → ')}): ${fmt(r.all_analyses_ms)} = ×${r.ratio_all_analyses_to_bare_reads} DuckDB's bare reads ` +
      `(${fmt(bare.ms)}; target ×4)`,
  );
  log(
    `end to end, raw exports → everything incl. report, bundles, pool (${e2eNames.join(' → ')}): ${fmt(r.end_to_end_ms)} = ` +
      `×${r.ratio_end_to_end_to_bare_reads} DuckDB's bare reads (${fmt(bare.ms)}; moonshot ×3); ` +
      `holds without figures ${r.holds_without_figures_ms === null ? '?' : fmt(r.holds_without_figures_ms)} = ` +
      `×${r.ratio_holds_to_scan} one bare scan (${fmt(runs.scanMs)}); ` +
      `report ×${r.ratio_report_to_analyses} holds + doses + response, ${r.report_bytes === null ? '?' : (r.report_bytes / 1048576).toFixed(1)} MiB; ` +
      `re-ingest unchanged ${((r.ratio_reingest_to_ingest ?? NaN) * 100).toFixed(1)} % of the first ingest ` +
      `(store ${r.store_identical_after_reingest ? 'byte-identical' : 'CHANGED'}), ` +
      `one centre --force ×${r.ratio_force_one_centre_to_ingest}; ` +
      `peak RSS ${Math.max(...r.commands.map((c) => c.peak_rss_mib ?? 0))} MiB (default heap ${r.default_heap_mib} MiB)`,
  );
  return r;
}
