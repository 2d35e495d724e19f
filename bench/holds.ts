// Hold-criteria benchmark: simulate N patients per centre (or reuse a store), ingest them (ingest keeps each centre's
// slot features in the store, rules/feature-store.ts), then time in one process
// (a) one bare DuckDB scan of the observation table (every row, the columns the features read, aggregated by variable),
// (b) the analysis as `il2kit holds` runs it: reading the stored slot features (slotFeaturesFromStore: freshness
//     stamps, then the centres' frame files) and evaluating every ruleset (sources and centres) over every slot in
//     the recorded history: the ratio b / a is the figure to watch (target ≤ 5); every ruleset in its own history
//     (the notebooks' what-if, which il2kit holds does not run) is timed once afterwards and reported beside it;
// (c) computing the slot features from scratch for every centre (what ingest pays, centre by centre), as a ratio to a.
// a and b are warmed once and timed five times interleaved, each after a pause (medians); b's first, cold run is
// reported too.
// Absolute times on shared machines are noise.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { projectRoot } from '../project/index.js';
import { ingestCentre } from '../pipelines/ingest.js';
import { openStore } from '../pipelines/store/commit.js';
import { storeFile } from '../pipelines/store/paths.js';
import { evaluateRuleset } from '../rules/engine.js';
import { freshFeatureCentres } from '../rules/feature-store.js';
import { slotFeaturesSql } from '../rules/features.js';
import { slotFeaturesFromStore } from '../analytics/practice/report.js';
import { loadRulesets } from '../rules/load.js';
import { CENTRE_IDS, simulate } from '../simulate/index.js';
import { fmt, measure } from './measure.js';

export interface HoldsBench {
  patients_per_centre: number;
  observations: number;
  slots: number;
  rulesets: number;
  scan_ms: number;
  /** Reading the stored features + every ruleset in the recorded history, as `il2kit holds` does (median of 5 warm runs). */
  analysis_ms: number;
  /** The same, first (cold) run. */
  analysis_cold_ms: number;
  read_ms: number;
  rulesets_ms: number;
  /** The target figure: analysis_ms / scan_ms. */
  ratio_total: number;
  /** Every ruleset again in its own (engine) history, on the same frame: the notebooks' what-if. */
  engine_history_ms: number;
  /** (analysis_ms + engine_history_ms) / scan_ms: both histories, the figure this bench reported before. */
  ratio_both_histories: number;
  /** Slot features from scratch for every centre (paid at ingest). */
  features_build_ms: number;
  ratio_features_build: number;
  peak_rss_mib: number;
  /** Milliseconds per feature statement of the build (first words of the SQL). */
  where_time_goes: Record<string, number>;
}

const SCAN = 'SELECT variable, count(*), sum(value), max(observed_at), sum(period_hours), count(DISTINCT patient_key) FROM observation GROUP BY variable';

/**
 * Simulates and ingests `patientsPerCentre` patients per sample centre (or uses `options.store`, an il2kit.duckdb),
 * then times features + all rulesets against a bare scan of the observation table.
 * @example await benchHolds(400, console.log)
 */
export async function benchHolds(patientsPerCentre: number, log: (s: string) => void, options: { store?: string } = {}): Promise<HoldsBench> {
  const root = projectRoot();
  const dir = options.store === undefined ? mkdtempSync(join(tmpdir(), 'il2kit-bench-holds-')) : null;
  try {
    let storePath = options.store;
    if (dir !== null) {
      log(`simulating ${patientsPerCentre} patients per centre…`);
      const sim = await measure(() => simulate({ centres: CENTRE_IDS, patients: patientsPerCentre, seed: 'bench-holds', out: dir }));
      log(`  simulate: ${fmt(sim.ms)}`);
      for (const centre of CENTRE_IDS) {
        copyFileSync(join(root, 'data-samples', centre, 'mapping.yaml'), join(dir, centre, 'mapping.yaml'));
        const ing = await measure(() => ingestCentre(join(dir, centre, 'mapping.yaml'), { storeDir: join(dir, 'store'), env: {} }));
        log(`  ingest ${centre}: ${fmt(ing.ms)}`);
      }
      storePath = storeFile(join(dir, 'store'));
    }
    const rulesets = [...loadRulesets(join(root, 'rules', 'sources')), ...loadRulesets(join(root, 'rules', 'centres'))];
    const { conn, close } = await openStore(storePath!);
    try {
      await conn.run("SET TimeZone='UTC'");
      const counts = (
        await conn.runAndReadAll('SELECT (SELECT count(*) FROM observation)::INTEGER AS o, (SELECT count(*) FROM dose_slot)::INTEGER AS s')
      ).getRowObjectsJS()[0]!;
      const centres = (await conn.runAndReadAll('SELECT DISTINCT centre_id FROM dose_slot ORDER BY 1')).getRows().map((r) => String(r[0]));
      const fresh = await freshFeatureCentres(conn, centres);
      if (fresh.size !== centres.length)
        throw new Error(
          `bench holds: stored slot features are not current for ${centres.filter((c) => !fresh.has(c)).join(', ')}; ingest again`,
        );
      let read = 0;
      let engine = 0;
      let framed: string[] = [];
      const analysis = async (): Promise<number> => {
        const t0 = performance.now();
        const frame = await slotFeaturesFromStore(dirname(storePath!));
        framed = frame.framed;
        const t1 = performance.now();
        for (const rs of rulesets) evaluateRuleset(rs, frame, { history: 'recorded' });
        read = t1 - t0;
        engine = performance.now() - t1;
        return frame.n;
      };
      // Not part of the timed analysis (il2kit holds never runs it): every ruleset in its own history too (what each
      // would have done had it been followed from the first dose, the notebooks' what-if), timed once afterwards.
      const bothHistories = async (): Promise<number> => {
        const frame = await slotFeaturesFromStore(dirname(storePath!));
        for (const rs of rulesets) evaluateRuleset(rs, frame, { history: 'recorded' });
        const t0 = performance.now();
        for (const rs of rulesets) evaluateRuleset(rs, frame);
        return performance.now() - t0;
      };
      const cold = await measure(analysis);
      if (framed.length !== centres.length)
        log(
          `  note: slot feature frames missing or stale for ${centres.filter((c) => !framed.includes(c)).join(', ')}; read from slot_features instead`,
        );
      await conn.run(SCAN); // warm the buffer pool so both sides read from memory
      const scans: number[] = [];
      const runs: { ms: number; read: number; engine: number }[] = [];
      let peak = cold.peakRssMiB;
      // DuckDB's threads keep working for a moment after a query returns, and V8's after a collection (freeing the
      // last frame's memory), which slowed whatever ran next by 20–40% on a 2-core machine: each timed step starts
      // after a pause.
      for (let k = 0; k < 5; k++) {
        const sc = await measure(() => conn.run(SCAN), { settleMs: 1000 });
        scans.push(sc.ms);
        const an = await measure(analysis, { settleMs: 1000 });
        runs.push({ ms: an.ms, read, engine });
        if (process.env.BENCH_VERBOSE) log(`    run ${k + 1}: scan ${fmt(sc.ms)}, read ${fmt(read)}, rulesets ${fmt(engine)}`);
        peak = Math.max(peak, sc.peakRssMiB, an.peakRssMiB);
      }
      const median = <T>(xs: T[], key: (x: T) => number): T => [...xs].sort((x, y) => key(x) - key(y))[Math.floor(xs.length / 2)]!;
      const scanMs = median(scans, (x) => x);
      const mid = median(runs, (r) => r.ms);
      const whatIf = await measure(bothHistories);
      peak = Math.max(peak, whatIf.peakRssMiB);
      const where: Record<string, number> = {};
      const build = await measure(async () => {
        for (const stmt of slotFeaturesSql({ table: '_bench_features', temp: true })) {
          const t0 = performance.now();
          await conn.run(stmt);
          const key = stmt.split(/\s+/).slice(0, 6).join(' ');
          where[key] = Math.round((where[key] ?? 0) + performance.now() - t0);
        }
      });
      await conn.run('DROP TABLE IF EXISTS _bench_features');
      const row: HoldsBench = {
        patients_per_centre: patientsPerCentre,
        observations: Number(counts.o),
        slots: cold.value,
        rulesets: rulesets.length,
        scan_ms: Math.round(scanMs),
        analysis_ms: Math.round(mid.ms),
        analysis_cold_ms: Math.round(cold.ms),
        read_ms: Math.round(mid.read),
        rulesets_ms: Math.round(mid.engine),
        ratio_total: Math.round((mid.ms / scanMs) * 10) / 10,
        engine_history_ms: Math.round(whatIf.value),
        ratio_both_histories: Math.round(((mid.ms + whatIf.value) / scanMs) * 10) / 10,
        features_build_ms: Math.round(build.ms),
        ratio_features_build: Math.round((build.ms / scanMs) * 10) / 10,
        peak_rss_mib: Math.max(peak, build.peakRssMiB),
        where_time_goes: where,
      };
      log(
        `  ${row.observations} observations, ${row.slots} slots, ${row.rulesets} rulesets: scan ${fmt(scanMs)}; stored features read ${fmt(mid.read)} ` +
          `+ rulesets ${fmt(mid.engine)} = ${fmt(mid.ms)} (×${row.ratio_total}; cold ${fmt(cold.ms)}); ` +
          `rulesets in their own history ${fmt(whatIf.value)} more (both histories ×${row.ratio_both_histories}); features from scratch ` +
          `${fmt(build.ms)} (×${row.ratio_features_build}); peak RSS ${row.peak_rss_mib} MiB`,
      );
      return row;
    } finally {
      close();
    }
  } finally {
    if (dir !== null) rmSync(dir, { recursive: true, force: true });
  }
}
