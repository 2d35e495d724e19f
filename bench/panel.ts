// Bench of the consensus-panel commands (issue 20), as a panel and its centres run them. (1) `seeds` × the 5 sample
// profiles = 100 distinct simulated centres by default: per seed, `il2kit simulate` writes the five exports, each
// sample mapping spec is copied beside its export with its own centre id (`riverside-s3`), then one `il2kit ingest`
// stores them all, `il2kit holds` derives and stores the slot features (as a centre runs it before bundling), and
// `il2kit bundle --centre <id>` writes each centre's bundle: the command itself, so every bundle holds what a real
// one holds (hold concordance, enforcement, hold reasons, implied thresholds, response, outcomes). The centres share
// one store only to save the ingest's per-process cost; a bundle reads its own centre's rows alone. Then
// `il2kit pool` on the bundles in a process of its own: wall time, CPU time, peak RSS and the load average.
// (2) One 4,000-patient centre: the bundle step (summarise + disclosure control, without the hold tables: that store
// has no slot features) against the dose and response analyses it summarises, on the same loaded inputs.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyseDoses } from '../analytics/doses/analyse.js';
import { loadCaseMix, loadCycleDoses } from '../analytics/doses/load.js';
import { bundleHash } from '../analytics/panel/hash.js';
import { summariseCentre } from '../analytics/panel/summarise.js';
import { DEFAULT_POLICY } from '../analytics/panel/types.js';
import { analyseResponse } from '../analytics/response/analyse.js';
import { loadResponseInputs } from '../analytics/response/load.js';
import { STORE_FILE } from '../pipelines/store/layout.js';
import { createDuckDB } from '../pipelines/store/engine.js';
import { withStoreReadOnly } from '../pipelines/store/open.js';
import { projectRoot } from '../project/index.js';
import { discloseSummary } from '../reports/bundle/disclose.js';
import { CENTRE_IDS } from '../simulate/index.js';
import { buildBenchStore } from './analytics.js';
import { runCommand, runCommandAsync, startFlags, type CommandRun } from './cli.js';
import { fmt } from './measure.js';

export interface PanelBenchResult {
  centres: number;
  simulated_centres: number;
  /** Each simulated centre's bundle pooled this many times under its own centre id (1: every bundle its own centre). */
  copies: number;
  patients_per_centre: number;
  /** Simulating, ingesting, `holds` and one `il2kit bundle` per centre (not part of the pool's figures). */
  build_bundles_ms: number;
  /** The tables every bundle carries (the same for all: a hold table missing from one would show here). */
  bundle_tables: string[];
  pool_wall_ms: number;
  pool_peak_rss_mib: number;
  /** User + system CPU of the pool process (all threads): the figure to read on a shared machine, where wall time waits for a core. */
  pool_cpu_ms: number;
  /** 1-, 5- and 15-minute load averages just before pool ran. */
  load_average: number[];
  pool_phases: Record<string, number>;
  big_centre: { patients: number; load_ms: number; analyses_ms: number; bundle_ms: number; ratio: number; ratio_with_load: number };
}

/** The store's doses, case mix and response inputs, through the store's one read-only opening. */
async function loadAll(storeDir: string) {
  return withStoreReadOnly(storeDir, async (conn) => ({
    cycles: await loadCycleDoses(conn),
    patients: await loadCaseMix(conn),
    response: await loadResponseInputs(conn),
  }));
}

/** A sample mapping spec with its centre id replaced (the `centre:` block's `centre_id:`, its first occurrence). */
export function specForCentre(spec: string, centreId: string): string {
  let done = false;
  const out = spec.replace(/^(\s+centre_id:\s*)\S+\s*$/m, (_m, head: string) => {
    done = true;
    return `${head}${centreId}`;
  });
  if (!done) throw new Error(`no centre_id line in the mapping spec for ${centreId}`);
  return out;
}

/** Runs il2kit commands `parallel` at a time (the bundles: one process per centre), each measured as runCommand measures it. */
async function runMany(jobs: { name: string; args: string[] }[], o: { work: string; parallel: number; log: (s: string) => void }): Promise<CommandRun[]> {
  const flags = startFlags();
  const runs: CommandRun[] = [];
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++]!;
      const run = await runCommandAsync(job.name, job.args, { nodeFlags: flags.get(job.args[0]!) ?? [], work: o.work, log: () => {} });
      runs.push(run);
      if (run.exit_code !== 0) throw new Error(`il2kit ${job.args.join(' ')} failed (exit ${run.exit_code})`);
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: Math.max(1, o.parallel) }, worker));
  const cpu = runs.reduce((a, r) => a + (r.cpu_ms ?? 0), 0);
  const rss = Math.max(...runs.map((r) => r.peak_rss_mib ?? 0));
  const what = `${jobs.length} × il2kit ${jobs[0]?.args[0] ?? '?'} (${o.parallel} at a time)`;
  o.log(`  ${what}: wall ${fmt(performance.now() - t0)}, CPU ${fmt(cpu)}, peak RSS ${rss} MiB`);
  return runs;
}

/**
 * Simulates `seeds` × 5 centres (`per` patients each), ingests them with their own centre ids, runs `il2kit holds` and
 * writes each centre's bundle with `il2kit bundle`; returns the bundle files (sorted by centre id).
 * @example const files = await writePanelBundles('/tmp/panel', { seeds: 2, per: 20 }, console.log)
 */
export async function writePanelBundles(
  dir: string,
  o: { seeds: number; per: number; copies?: number; parallel?: number },
  log: (s: string) => void,
): Promise<string[]> {
  const root = projectRoot();
  const specs: string[] = [];
  const ids: string[] = [];
  const quietLog = () => {};
  for (let s = 1; s <= o.seeds; s++) {
    const exports = join(dir, `exports-${s}`);
    const sim = ['simulate', '--centres', CENTRE_IDS.join(','), '--patients', String(o.per), '--seed', `panel-${s}`, '--out', exports, '--quiet'];
    const run = runCommand(`simulate-${s}`, sim, { nodeFlags: [], work: dir, log: quietLog });
    if (run.exit_code !== 0) throw new Error(`il2kit simulate --seed panel-${s} failed (exit ${run.exit_code})`);
    for (const c of CENTRE_IDS) {
      const id = `${c}-s${s}`;
      const spec = join(exports, c, 'mapping.yaml');
      writeFileSync(spec, specForCentre(readFileSync(join(root, 'data-samples', c, 'mapping.yaml'), 'utf8'), id));
      specs.push(spec);
      ids.push(id);
    }
  }
  const store = join(dir, 'store');
  const flags = startFlags();
  const steps: [string, string[], number[]][] = [
    ['ingest', ['ingest', ...specs, '--store', store, '--reports', join(dir, 'reports')], [0, 1]],
    ['holds', ['holds', '--store', store, '--out', join(dir, 'holds')], [0]],
  ];
  for (const [name, args, ok] of steps) {
    const run = runCommand(name, args, { nodeFlags: flags.get(name) ?? [], work: dir, log });
    if (!ok.includes(run.exit_code ?? -1)) throw new Error(`il2kit ${name} failed (exit ${run.exit_code})`);
  }
  const files = ids.sort().map((id) => join(dir, 'bundles', `${id}.json`));
  const jobs = ids.map((id, i) => ({ name: `bundle-${id}`, args: ['bundle', '--store', store, '--centre', id, '--out', files[i]!] }));
  await runMany(jobs, { work: dir, parallel: o.parallel ?? 2, log });
  for (const f of files) if (!existsSync(f)) throw new Error(`il2kit bundle wrote no ${f}`);
  return (o.copies ?? 1) > 1 ? copyBundles(files, o.copies!) : files;
}

/**
 * Each bundle `copies` times under its own centre id (`<id>-c<k>`), re-hashed as il2kit bundle hashes it: a panel of
 * seeds × 5 × copies complete bundles at a fifth of the simulation and ingest (BENCH_PANEL_COPIES; the figures say so).
 */
function copyBundles(files: string[], copies: number): string[] {
  const out: string[] = [];
  for (const f of files) {
    const b = JSON.parse(readFileSync(f, 'utf8')) as Record<string, unknown> & { centre_id: string };
    for (let k = 1; k <= copies; k++) {
      const copy = { ...b, centre_id: `${b.centre_id}-c${k}` };
      const file = f.replace(/\.json$/, `-c${k}.json`);
      writeFileSync(file, JSON.stringify({ ...copy, content_sha256: bundleHash(copy) }, null, 2) + '\n');
      out.push(file);
    }
  }
  return out;
}

/** Table names of each bundle, checked to be the same in all; returns them. */
function bundleTables(files: string[]): string[] {
  const names = (f: string) => (JSON.parse(readFileSync(f, 'utf8')) as { tables: { id: string }[] }).tables.map((t) => t.id).sort();
  const first = names(files[0]!);
  // Tables a hold-less bundle lacks: a bench that dropped the slot features would fail here.
  for (const needed of ['concordance:', 'enforcement:', 'hold_reasons']) {
    if (!first.some((n) => n.startsWith(needed))) throw new Error(`the bench's bundles lack the ${needed} tables (${files[0]})`);
  }
  return first;
}

/** Times `il2kit pool` on the bundles in a process of its own, with the load average just before. */
function timePool(files: string[], dir: string, log: (s: string) => void) {
  const load = loadavg().map((x) => Math.round(x * 10) / 10);
  const run = runCommand('pool', ['pool', ...files, '--out', join(dir, 'panel')], { nodeFlags: startFlags().get('pool') ?? [], work: dir, log: () => {} });
  if (run.exit_code !== 0) throw new Error(`il2kit pool failed (exit ${run.exit_code})`);
  log(
    `panel: il2kit pool of ${files.length} bundles ${fmt(run.wall_ms)} wall, ${fmt(run.cpu_ms ?? NaN)} CPU, peak RSS ${run.peak_rss_mib} MiB ` +
      `(load average ${load.join(', ')}; target < 10 s wall); phases ${JSON.stringify(run.phases)}`,
  );
  return { run, load };
}

/** One centre of `n` patients: the bundle step against the dose and response analyses it summarises. */
async function benchBigCentre(dir: string, n: number, log: (s: string) => void): Promise<PanelBenchResult['big_centre']> {
  const big = join(dir, 'big');
  mkdirSync(big);
  await buildBenchStore(big, n, 'panel-big');
  // One centre of 4,000 patients: the simulated centres renamed (a write, so the kit's one DuckDB factory, not the read-only opening).
  const db = await createDuckDB(join(big, STORE_FILE));
  try {
    for (const t of ['patient', 'cycle', 'dose_slot', 'observation', 'infusion', 'clinical_event', 'response'])
      await db.conn.run(`UPDATE ${t} SET centre_id = 'bigcentre'`);
  } finally {
    db.close();
  }
  (globalThis as { gc?: () => void }).gc?.();
  let t = performance.now();
  const data = await loadAll(big);
  const loadMs = performance.now() - t;
  t = performance.now();
  analyseDoses(data.cycles, data.patients);
  analyseResponse(data.response);
  const analysesMs = performance.now() - t;
  t = performance.now();
  discloseSummary(summariseCentre({ centre_id: 'bigcentre', ...data, frame: null, rulesets: [], reference: null }), DEFAULT_POLICY, '0.1.0');
  const bundleMs = performance.now() - t;
  const r = (x: number) => Math.round(x * 100) / 100;
  const result = {
    patients: n,
    load_ms: Math.round(loadMs),
    analyses_ms: Math.round(analysesMs),
    bundle_ms: Math.round(bundleMs),
    ratio: r(bundleMs / analysesMs),
    ratio_with_load: r((loadMs + bundleMs) / (loadMs + analysesMs)),
  };
  log(
    `panel: bundling a ${n}-patient centre ${result.bundle_ms} ms against its dose and response analyses ${result.analyses_ms} ms ` +
      `(×${result.ratio}; with the load of ${result.load_ms} ms ×${result.ratio_with_load}; hold tables not included)`,
  );
  return result;
}

/** Times pooling 100 complete bundles and bundling one 4,000-patient centre. @example await benchPanel(console.log) */
export async function benchPanel(
  log: (s: string) => void,
  options: { seeds?: number; copies?: number; perCentre?: number; bigCentre?: number; dir?: string } = {},
): Promise<PanelBenchResult> {
  // BENCH_PANEL_SEEDS × 5 profiles simulated centres (default 20 × 5 = 100), BENCH_PANEL_PATIENTS patients each (default 40).
  const seeds = options.seeds ?? Number(process.env.BENCH_PANEL_SEEDS ?? 20);
  const per = options.perCentre ?? Number(process.env.BENCH_PANEL_PATIENTS ?? 40);
  const copies = options.copies ?? Number(process.env.BENCH_PANEL_COPIES ?? 1);
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'il2kit-bench-panel-'));
  try {
    const each = copies > 1 ? `, each bundle copied ${copies} times under its own centre id` : '';
    log(`panel: ${seeds} seeds × 5 profiles, ${per} patients a centre: simulate, ingest, holds, one il2kit bundle per centre${each} (not timed as pool)…`);
    const t0 = performance.now();
    const files = await writePanelBundles(dir, { seeds, per, copies }, log);
    const build = performance.now() - t0;
    const tables = bundleTables(files);
    log(`panel: ${files.length} bundles built in ${fmt(build)}, each with ${tables.length} tables`);
    const { run, load } = timePool(files, dir, log);
    const bigN = options.bigCentre ?? Number(process.env.BENCH_PANEL_BIG ?? 4000);
    const bigResult = await benchBigCentre(dir, bigN, log);
    return {
      centres: files.length,
      simulated_centres: seeds * 5,
      copies,
      patients_per_centre: per,
      build_bundles_ms: Math.round(build),
      bundle_tables: tables,
      pool_wall_ms: run.wall_ms,
      pool_peak_rss_mib: run.peak_rss_mib ?? NaN,
      pool_cpu_ms: run.cpu_ms ?? NaN,
      load_average: load,
      pool_phases: run.phases,
      big_centre: bigResult,
    };
  } finally {
    if (options.dir === undefined) rmSync(dir, { recursive: true, force: true });
  }
}
