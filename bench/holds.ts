// Hold-criteria benchmark: simulate N patients per centre (or reuse a store), ingest them, then time in one process
// (a) one bare DuckDB scan of the observation table (every row, the columns the features read, aggregated by variable),
// (b) slot features for the variables the rulesets read, and (c) reading them and evaluating every ruleset (sources and
// centres) in both histories. The ratio (b + c) / a is the figure to watch (target ≤ 5); absolute times are noise.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../cli/version.js';
import { ingestCentre } from '../pipelines/ingest.js';
import { openStore } from '../pipelines/store/commit.js';
import { evaluateRuleset } from '../rules/engine.js';
import { readSlotFeatures, rulesetVariables, slotFeaturesSql } from '../rules/features.js';
import { loadRulesets } from '../rules/load.js';
import { CENTRE_IDS, simulate } from '../simulate/index.js';
import { fmt, measure } from './measure.js';

export interface HoldsBench {
  patients_per_centre: number;
  observations: number;
  slots: number;
  rulesets: number;
  scan_ms: number;
  features_ms: number;
  rulesets_ms: number;
  ratio_features: number;
  ratio_total: number;
  peak_rss_mib: number;
  /** Milliseconds per feature statement (first words of the SQL). */
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
      storePath = join(dir, 'store', 'il2kit.duckdb');
    }
    const rulesets = [...loadRulesets(join(root, 'rules', 'sources')), ...loadRulesets(join(root, 'rules', 'centres'))];
    const variables = rulesetVariables(rulesets);
    const { conn, close } = await openStore(storePath!);
    try {
      await conn.run("SET TimeZone='UTC'");
      const counts = (await conn.runAndReadAll('SELECT (SELECT count(*) FROM observation)::INTEGER AS o, (SELECT count(*) FROM dose_slot)::INTEGER AS s')).getRowObjectsJS()[0]!;
      await conn.run(SCAN); // warm the buffer pool so both sides read from memory
      const scan = await measure(() => conn.run(SCAN));
      const where: Record<string, number> = {};
      const features = await measure(async () => {
        for (const stmt of slotFeaturesSql({ variables })) {
          const t0 = performance.now();
          await conn.run(stmt);
          const key = stmt.split(/\s+/).slice(0, 6).join(' ');
          where[key] = Math.round((where[key] ?? 0) + performance.now() - t0);
        }
      });
      const engine = await measure(async () => {
        const frame = await readSlotFeatures(conn);
        for (const rs of rulesets) {
          evaluateRuleset(rs, frame);
          evaluateRuleset(rs, frame, { history: 'recorded' });
        }
        return frame.n;
      });
      const row: HoldsBench = {
        patients_per_centre: patientsPerCentre,
        observations: Number(counts.o),
        slots: engine.value,
        rulesets: rulesets.length,
        scan_ms: Math.round(scan.ms),
        features_ms: Math.round(features.ms),
        rulesets_ms: Math.round(engine.ms),
        ratio_features: Math.round((features.ms / scan.ms) * 10) / 10,
        ratio_total: Math.round(((features.ms + engine.ms) / scan.ms) * 10) / 10,
        peak_rss_mib: Math.max(scan.peakRssMiB, features.peakRssMiB, engine.peakRssMiB),
        where_time_goes: where,
      };
      log(`  ${row.observations} observations, ${row.slots} slots, ${row.rulesets} rulesets: scan ${fmt(scan.ms)}; features ${fmt(features.ms)} (×${row.ratio_features}); + rulesets ${fmt(engine.ms)} (×${row.ratio_total} in all); peak RSS ${row.peak_rss_mib} MiB`);
      return row;
    } finally {
      close();
    }
  } finally {
    if (dir !== null) rmSync(dir, { recursive: true, force: true });
  }
}
