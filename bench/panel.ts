// Bench of the consensus-panel commands. (1) 100 simulated centres (20 seeds × the 5 profiles, each its own centre id,
// 40 patients each) bundled in-process, then pooled by `il2kit pool` in a process of its own, as a panel runs it: wall
// time and peak RSS. (2) One 4,000-patient centre: the bundle step (summarise + disclosure control) against the dose and
// response analyses it summarises, on the same loaded inputs. Hold tables are not in these bundles: the bench store has
// no slot features (docs/panel.md, "Scale").
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyseDoses } from '../analytics/doses/analyse.js';
import { loadCaseMix, loadCycleDoses } from '../analytics/doses/load.js';
import { summariseCentre } from '../analytics/panel/summarise.js';
import { DEFAULT_POLICY } from '../analytics/panel/types.js';
import { analyseResponse } from '../analytics/response/analyse.js';
import { loadResponseInputs } from '../analytics/response/load.js';
import { STORE_FILE } from '../pipelines/store/layout.js';
import { createDuckDB } from '../pipelines/store/engine.js';
import { withStoreReadOnly } from '../pipelines/store/open.js';
import { discloseSummary } from '../reports/bundle/disclose.js';
import { buildBenchStore } from './analytics.js';

export interface PanelBenchResult {
  centres: number;
  simulated_centres: number;
  patients_per_centre: number;
  build_bundles_ms: number;
  pool_wall_ms: number;
  pool_peak_rss_mib: number;
  /** User + system CPU of the pool process (all threads): the figure to read on a shared machine, where wall time waits for a core. */
  pool_cpu_ms: number;
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

const only = <T extends { centre_id: string }>(rows: readonly T[], c: string) => rows.filter((r) => r.centre_id === c);

/** Times pooling 100 bundles and bundling one 4,000-patient centre. @example await benchPanel(console.log) */
/**
 * Simulates `seeds` × 5 centres (`per` patients each) and writes each centre's bundle `copies` times under its own centre id.
 * @example const files = await writePanelBundles('/tmp/panel', { seeds: 4, copies: 5, per: 40 })
 */
export async function writePanelBundles(dir: string, o: { seeds: number; copies: number; per: number }): Promise<string[]> {
  const files: string[] = [];
  for (let s = 1; s <= o.seeds; s++) {
    const store = join(dir, `store-${s}`);
    mkdirSync(store);
    await buildBenchStore(store, o.per * 5, `panel-${s}`);
    const data = await loadAll(store);
    for (const c of [...new Set(data.cycles.map((x) => x.centre_id))].sort()) {
      const response = {
        patients: only(data.response.patients, c),
        cycles: only(data.response.cycles, c),
        labs: only(data.response.labs, c),
        pressors: only(data.response.pressors, c),
        events: only(data.response.events, c),
        responses: only(data.response.responses, c),
      };
      const summary = summariseCentre({
        centre_id: `${c}-s${s}`,
        cycles: only(data.cycles, c),
        patients: only(data.patients, c),
        response,
        frame: null,
        rulesets: [],
        reference: null,
      });
      for (let k = 1; k <= o.copies; k++) {
        const id = o.copies === 1 ? `${c}-s${s}` : `${c}-s${s}-c${k}`;
        const f = join(dir, `${id}.json`);
        writeFileSync(f, JSON.stringify(discloseSummary({ ...summary, centre_id: id }, DEFAULT_POLICY, '0.1.0').bundle));
        files.push(f);
      }
    }
    rmSync(store, { recursive: true, force: true });
  }
  return files;
}

/** Times pooling 100 bundles and bundling one 4,000-patient centre. @example await benchPanel(console.log) */
export async function benchPanel(
  log: (s: string) => void,
  options: { seeds?: number; copies?: number; perCentre?: number; bigCentre?: number } = {},
): Promise<PanelBenchResult> {
  // BENCH_PANEL_SEEDS × 5 profiles simulated centres, each bundled BENCH_PANEL_COPIES times under its own centre id
  // (default 20 × 1 = 100 distinct simulated centres; 4 × 5 also gives 100 bundles at a fifth of the simulation).
  const seeds = options.seeds ?? Number(process.env.BENCH_PANEL_SEEDS ?? 20);
  const copies = options.copies ?? Number(process.env.BENCH_PANEL_COPIES ?? 1);
  const per = options.perCentre ?? 40;
  const dir = mkdtempSync(join(tmpdir(), 'il2kit-bench-panel-'));
  try {
    const t0 = performance.now();
    const files = await writePanelBundles(dir, { seeds, copies, per });
    const build = performance.now() - t0;
    const main = fileURLToPath(new URL('../cli/main.js', import.meta.url));
    const run = spawnSync('/usr/bin/time', ['-f', '%e %M %U %S', process.execPath, main, 'pool', ...files, '--out', join(dir, 'panel')], {
      encoding: 'utf8',
    });
    if (run.status !== 0) throw new Error(`il2kit pool failed: ${run.stderr}`);
    const [wall, kb, user, sys] = run.stderr.trim().split('\n').pop()!.split(' ').map(Number) as [number, number, number, number];
    const cpuMs = Math.round((user + sys) * 1000);
    log(
      `panel: ${files.length} bundles built in ${Math.round(build)} ms; il2kit pool ${Math.round(wall * 1000)} ms wall, ${cpuMs} ms CPU, peak RSS ` +
        `${Math.round(kb / 1024)} MiB`,
    );

    const bigN = options.bigCentre ?? 4000;
    const big = join(dir, 'big');
    mkdirSync(big);
    await buildBenchStore(big, bigN, 'panel-big');
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
    discloseSummary(
      summariseCentre({ centre_id: 'bigcentre', ...data, frame: null, rulesets: [], reference: null }),
      DEFAULT_POLICY,
      '0.1.0',
    );
    const bundleMs = performance.now() - t;
    const r = (x: number) => Math.round(x * 100) / 100;
    const bigResult = {
      patients: bigN,
      load_ms: Math.round(loadMs),
      analyses_ms: Math.round(analysesMs),
      bundle_ms: Math.round(bundleMs),
      ratio: r(bundleMs / analysesMs),
      ratio_with_load: r((loadMs + bundleMs) / (loadMs + analysesMs)),
    };
    log(
      `panel: bundling a ${bigN}-patient centre ${bigResult.bundle_ms} ms against its dose and response analyses ${bigResult.analyses_ms} ms ` +
        `(×${bigResult.ratio}; with the load of ${bigResult.load_ms} ms ×${bigResult.ratio_with_load})`,
    );
    return {
      centres: files.length,
      simulated_centres: seeds * 5,
      patients_per_centre: per,
      build_bundles_ms: Math.round(build),
      pool_wall_ms: Math.round(wall * 1000),
      pool_peak_rss_mib: Math.round(kb / 1024),
      pool_cpu_ms: cpuMs,
      big_centre: bigResult,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
