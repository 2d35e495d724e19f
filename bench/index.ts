// `npm run bench`: every benchmark, as ratios against a reference engine run in the same
// process (absolute times on shared machines are noise). BENCH_PATIENTS sets patients per
// centre (default 400: 2,000 patients in all); BENCH_ONLY=ingest,holds,analytics picks some;
// BENCH_HOLDS_STORE=<il2kit.duckdb> times the holds bench on an existing store (ingested by this version).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchAnalytics } from './analytics.js';
import { benchHolds } from './holds.js';
import { benchIngest } from './ingest.js';

const patients = Number(process.env.BENCH_PATIENTS ?? 400);
const only = new Set((process.env.BENCH_ONLY ?? 'ingest,holds,analytics').split(','));
const log = (s: string) => process.stdout.write(s + '\n');
const results: Record<string, unknown> = { patients_per_centre: patients, patients_total: patients * 5, node: process.version };
const keep = mkdtempSync(join(tmpdir(), 'il2kit-bench-store-'));
try {
  if (only.has('ingest')) {
    const ingest = await benchIngest(patients, log, keep);
    const sum = (k: 'rows_read' | 'bare_duckdb_ms' | 'ingest_ms') => ingest.reduce((a, r) => a + r[k], 0);
    const all = { rows_read: sum('rows_read'), bare_ms: sum('bare_duckdb_ms'), ingest_ms: sum('ingest_ms'), ratio: Math.round((sum('ingest_ms') / sum('bare_duckdb_ms')) * 10) / 10, peak_rss_mib: Math.max(...ingest.map((r) => r.peak_rss_mib)) };
    results.ingest = { centres: ingest, all };
    log(`ingest, all centres: ${JSON.stringify(all)}`);
  }
  if (only.has('holds')) {
    // Reuses the store the ingest bench wrote when there is one.
    const store = process.env.BENCH_HOLDS_STORE ?? (only.has('ingest') ? join(keep, 'il2kit.duckdb') : undefined);
    results.holds = await benchHolds(patients, log, store === undefined ? {} : { store });
    log(`holds: ${JSON.stringify(results.holds)}`);
  }
  if (only.has('analytics')) {
    const a = await benchAnalytics({ patients: patients * 5 });
    results.analytics = a;
    log(`analytics: load ${Math.round(a.loadMs)} ms; ${a.steps.map((s) => `${s.name} ${Math.round(s.ms)} ms (×${s.ratioToLoad.toFixed(2)} of load)`).join('; ')}; peak RSS ${Math.round(a.peakRssMb)} MiB`);
  }
} finally {
  rmSync(keep, { recursive: true, force: true });
}
mkdirSync('out/bench', { recursive: true });
writeFileSync(`out/bench/bench-${patients}.json`, JSON.stringify(results, null, 2) + '\n');
log(`wrote out/bench/bench-${patients}.json`);
