// `npm run bench`: every benchmark, as ratios against a reference engine run in the same
// process. BENCH_PATIENTS sets patients per centre (default 400 ≈ 2,000 patients in all).
import { writeFileSync, mkdirSync } from 'node:fs';
import { benchIngest } from './ingest.js';

const patients = Number(process.env.BENCH_PATIENTS ?? 400);
const log = (s: string) => process.stdout.write(s + '\n');
const results: Record<string, unknown> = { patients_per_centre: patients, node: process.version };
results.ingest = await benchIngest(patients, log);
mkdirSync('out/bench', { recursive: true });
writeFileSync(`out/bench/bench-${patients}.json`, JSON.stringify(results, null, 2) + '\n');
log(`wrote out/bench/bench-${patients}.json`);
