// `npm run bench`: every benchmark, as ratios against a reference engine run in the same
// process. BENCH_PATIENTS sets patients per centre (default 400 ≈ 2,000 patients in all).
import { writeFileSync, mkdirSync } from 'node:fs';
import { benchIngest } from './ingest.js';

const patients = Number(process.env.BENCH_PATIENTS ?? 400);
const log = (s: string) => process.stdout.write(s + '\n');
const results: Record<string, unknown> = { patients_per_centre: patients, node: process.version };
const ingest = await benchIngest(patients, log);
const sum = (k: 'rows_read' | 'bare_duckdb_ms' | 'ingest_ms') => ingest.reduce((a, r) => a + r[k], 0);
results.ingest = {
  centres: ingest,
  all: { rows_read: sum('rows_read'), bare_ms: sum('bare_duckdb_ms'), ingest_ms: sum('ingest_ms'), ratio: Math.round((sum('ingest_ms') / sum('bare_duckdb_ms')) * 10) / 10, peak_rss_mib: Math.max(...ingest.map((r) => r.peak_rss_mib)) },
};
log(`ingest, all centres: ${JSON.stringify((results.ingest as { all: unknown }).all)}`);
mkdirSync('out/bench', { recursive: true });
writeFileSync(`out/bench/bench-${patients}.json`, JSON.stringify(results, null, 2) + '\n');
log(`wrote out/bench/bench-${patients}.json`);
