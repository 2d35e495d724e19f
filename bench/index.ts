// `npm run bench`: first the commands users run, end to end (bench/cli.ts: a process per command, as `npm start` runs
// them), then the engine-level breakdowns, as ratios against a reference engine run in the same process (absolute
// times on shared machines are noise). BENCH_PATIENTS sets patients per centre (default 400: 2,000 patients in all);
// BENCH_ONLY=cli,ingest,holds,analytics,fhir picks some (fhir: harbour alone, BENCH_FHIR_PATIENTS patients,
// default BENCH_PATIENTS); BENCH_EXPORTS=<il2kit simulate folder> lets the end-to-end run
// use exports already simulated (with --seed bench); BENCH_HOLDS_STORE=<il2kit.duckdb> times the holds bench on an
// existing store (ingested by this version). BENCH_NOTEBOOKS=1 adds the five notebooks to the end-to-end run (each
// `il2kit notebooks run <name>` on the run's store; off by default: minutes at 20,000 patients); BENCH_ONLY=notebooks
// with BENCH_NOTEBOOKS_STORE=<store folder> (and BENCH_NOTEBOOKS_HOLDS=<holds output folder>) times them alone on an existing store. The panel bench:
// BENCH_PANEL_SEEDS (20) × 5 profiles centres of BENCH_PANEL_PATIENTS (40) patients, BENCH_PANEL_COPIES (1) copies each.
// Each benchmark runs in a process of its own (this script again, with BENCH_CHILD set), so one does not inherit
// another's heap: after the 20,000-patient ingest the holds analysis ran ~15% slower in the same process. Each ratio
// is still taken within one process.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { storeFile } from '../pipelines/store/paths.js';
import { benchAnalytics } from './analytics.js';
import { benchCli, benchNotebooks } from './cli.js';
import { benchFhir } from './fhir.js';
import { benchHolds } from './holds.js';
import { benchIngest } from './ingest.js';
import { benchPanel } from './panel.js';
import { benchValidateMemory } from './validate-memory.js';

const patients = Number(process.env.BENCH_PATIENTS ?? 400);
const only = new Set((process.env.BENCH_ONLY ?? 'cli,ingest,holds,analytics,validate,panel,fhir').split(','));
const log = (s: string) => process.stdout.write(s + '\n');

/** Runs one benchmark here and returns its results. */
async function runOne(name: string, keep: string): Promise<unknown> {
  if (name === 'cli') {
    const exports = process.env.BENCH_EXPORTS;
    return benchCli(patients, log, { work: join(keep, 'cli'), ...(exports === undefined ? {} : { exports }) });
  }
  if (name === 'ingest') {
    const ingest = await benchIngest(patients, log, keep);
    const sum = (k: 'rows_read' | 'bare_duckdb_ms' | 'ingest_ms' | 'store_floor_ms', rows = ingest) => rows.reduce((a, r) => a + r[k], 0);
    const ratio = (rows = ingest) => Math.round((sum('ingest_ms', rows) / sum('bare_duckdb_ms', rows)) * 10) / 10;
    const all = {
      rows_read: sum('rows_read'),
      bare_ms: sum('bare_duckdb_ms'),
      ingest_ms: sum('ingest_ms'),
      ratio: ratio(),
      peak_rss_mib: Math.max(...ingest.map((r) => r.peak_rss_mib)),
    };
    log(`ingest, all centres: ${JSON.stringify(all)}`);
    // The same over the centres whose reference is DuckDB: exceljs's read of a workbook is slow and moves between
    // runs by several seconds, so it sways the overall ratio more than anything the ingest does.
    const duck = ingest.filter((r) => r.reference === 'duckdb');
    const duckdbCentres = {
      centres: duck.map((r) => r.centre),
      bare_ms: sum('bare_duckdb_ms', duck),
      ingest_ms: sum('ingest_ms', duck),
      ratio: duck.length > 0 ? ratio(duck) : null,
    };
    log(`ingest, centres with a DuckDB reference: ${JSON.stringify(duckdbCentres)}`);
    // DuckDB alone doing the unavoidable I/O for those centres: their bare reads plus writing the rows the ingest
    // stored (database file and Parquet, sorted): how close the ingest's map + validate + features come to nothing.
    const floorMs = sum('bare_duckdb_ms', duck) + sum('store_floor_ms', duck);
    const duckdbFloor = {
      centres: duck.map((r) => r.centre),
      read_and_store_ms: floorMs,
      floor_over_bare: duck.length > 0 ? Math.round((floorMs / sum('bare_duckdb_ms', duck)) * 10) / 10 : null,
      ratio: duck.length > 0 ? Math.round((sum('ingest_ms', duck) / floorMs) * 10) / 10 : null,
    };
    log(`ingest against DuckDB reading and storing the same rows: ${JSON.stringify(duckdbFloor)}`);
    return { centres: ingest, all, duckdb_centres: duckdbCentres, duckdb_read_and_store: duckdbFloor };
  }
  if (name === 'validate') return benchValidateMemory(log);
  if (name === 'fhir') return benchFhir(Number(process.env.BENCH_FHIR_PATIENTS ?? patients), log);
  if (name === 'panel') return benchPanel(log);
  if (name === 'notebooks') {
    const store = process.env.BENCH_NOTEBOOKS_STORE;
    if (store === undefined) throw new Error('BENCH_ONLY=notebooks needs BENCH_NOTEBOOKS_STORE=<store folder>');
    return benchNotebooks(store, log, join(keep, 'notebooks'), process.env.BENCH_NOTEBOOKS_HOLDS ?? '');
  }
  if (name === 'holds') {
    const store = process.env.BENCH_HOLDS_STORE;
    const holds = await benchHolds(patients, log, store === undefined ? {} : { store });
    log(`holds: ${JSON.stringify(holds)}`);
    return holds;
  }
  const a = await benchAnalytics({ patients: patients * 5 });
  const steps = a.steps.map((s) => `${s.name} ${Math.round(s.ms)} ms (×${s.ratioToLoad.toFixed(2)} of load)`).join('; ');
  log(`analytics: load ${Math.round(a.loadMs)} ms; ${steps}; peak RSS ${Math.round(a.peakRssMb)} MiB`);
  return a;
}

const child = process.env.BENCH_CHILD;
if (child !== undefined) {
  // BENCH_CHILD={"name", "out": results file, "keep": folder the ingest bench keeps its store in} (JSON: paths may hold ':')
  const { name, out, keep } = JSON.parse(child) as { name: string; out: string; keep: string };
  writeFileSync(out, JSON.stringify(await runOne(name, keep)));
} else {
  const results: Record<string, unknown> = { patients_per_centre: patients, patients_total: patients * 5, node: process.version };
  const keep = mkdtempSync(join(tmpdir(), 'il2kit-bench-store-'));
  try {
    for (const name of ['cli', 'ingest', 'holds', 'analytics', 'validate', 'panel', 'fhir', 'notebooks'].filter((b) => only.has(b))) {
      const out = join(keep, `${name}.json`);
      // The holds bench reuses the store the ingest bench wrote when there is one.
      const env: NodeJS.ProcessEnv = { ...process.env, BENCH_CHILD: JSON.stringify({ name, out, keep }) };
      if (name === 'holds' && only.has('ingest') && env.BENCH_HOLDS_STORE === undefined) env.BENCH_HOLDS_STORE = storeFile(keep);
      else if (name === 'holds' && only.has('cli') && env.BENCH_HOLDS_STORE === undefined) env.BENCH_HOLDS_STORE = storeFile(join(keep, 'cli', 'store'));
      const run = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], { env, stdio: ['ignore', 'inherit', 'inherit'] });
      if (run.status !== 0) throw new Error(`bench ${name} failed (exit ${run.status ?? run.signal})`);
      results[name] = JSON.parse(readFileSync(out, 'utf8'));
    }
  } finally {
    rmSync(keep, { recursive: true, force: true });
  }
  mkdirSync('out/bench', { recursive: true });
  writeFileSync(`out/bench/bench-${patients}.json`, JSON.stringify(results, null, 2) + '\n');
  log(`wrote out/bench/bench-${patients}.json`);
}
