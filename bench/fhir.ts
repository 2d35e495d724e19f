// FHIR bulk-export benchmark (issue 27): the harbour centre alone at N patients, its ingest against DuckDB's bare
// read_json of the same files, in one process, and the byte scan that decides whether DuckDB may read an NDJSON
// file (scanNdjson: SHA-256, UTF-8, NaN/Infinity/trailing commas) timed on its own. Then the same for the bulk export
// made from it (bench/fhir-export.ts): the IL-2 cohort among four times as many other patients, each type split over
// four files, the cohort declared, references resolved. Kept apart from bench/cli.ts.
// The bare read covers every file the ingest reads: the sources' and those their references follow (Medication, Encounter).
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { loadSpec } from '../pipelines/map/spec-load.js';
import { referenceFilePaths } from '../pipelines/map/references.js';
import { scanNdjson } from '../pipelines/map/json-cells.js';
import { ingestCentre } from '../pipelines/ingest.js';
import { projectRoot } from '../project/index.js';
import { bareRead } from './ingest.js';
import { fmt, measure } from './measure.js';
import { BULK_DEFAULTS, bulkExport } from './fhir-export.js';

export interface FhirBenchRow {
  patients: number;
  files_mib: number;
  rows_read: number;
  bare_duckdb_ms: number;
  ingest_ms: number;
  ratio: number;
  /** CPU time of the whole process (main thread, reader threads, DuckDB's threads) for each, and their ratio. */
  bare_cpu_ms: number;
  ingest_cpu_ms: number;
  cpu_ratio: number;
  /** scanNdjson over every NDJSON file of the export (it runs on a reader thread during the ingest). */
  scan_ms: number;
  peak_rss_mib: number;
}

/** Both runs: harbour as the simulator writes it (the sample spec), and as a hospital's bulk export (fhir-export.ts). */
export interface FhirBench {
  harbour: FhirBenchRow;
  bulk: FhirBenchRow & { outside_patients: number; ratio_outside: number; files_per_type: number; outside_rows: number };
}

/**
 * Simulates harbour with `patients` patients (child process; or takes BENCH_FHIR_EXPORT, a harbour folder simulated with
 * --seed bench), then times DuckDB's bare read and the ingest, of it and of the bulk export made from it (BENCH_FHIR_OUTSIDE
 * outside patients per IL-2 patient, default 4; BENCH_FHIR_PARTS files per type, default 4).
 * @example await benchFhir(4000, console.log)
 */
export async function benchFhir(patients: number, log: (s: string) => void): Promise<FhirBench> {
  const dir = mkdtempSync(join(tmpdir(), 'il2kit-bench-fhir-'));
  try {
    let cdir = process.env.BENCH_FHIR_EXPORT ?? join(dir, 'harbour');
    if (process.env.BENCH_FHIR_EXPORT === undefined) {
      const cli = fileURLToPath(new URL(`../cli/main${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url));
      const sim = spawnSync(
        process.execPath,
        [...process.execArgv, cli, 'simulate', '--centres', 'harbour', '--patients', String(patients), '--seed', 'bench', '--out', dir, '--quiet'],
        { stdio: ['ignore', 'ignore', 'inherit'] },
      );
      if (sim.status !== 0) throw new Error(`il2kit simulate failed (exit ${sim.status ?? sim.signal})`);
      copyFileSync(join(projectRoot(), 'data-samples', 'harbour', 'mapping.yaml'), join(cdir, 'mapping.yaml'));
    } else cdir = process.env.BENCH_FHIR_EXPORT;
    const harbour = await benchExport(cdir, join(dir, 'store'), patients, `harbour (FHIR) at ${patients} patients`, log);
    rmSync(join(dir, 'store'), { recursive: true, force: true });
    const ratio = Number(process.env.BENCH_FHIR_OUTSIDE ?? BULK_DEFAULTS.ratio);
    const opts = { ...BULK_DEFAULTS, ratio, parts: Number(process.env.BENCH_FHIR_PARTS ?? BULK_DEFAULTS.parts) };
    const bdir = join(dir, 'bulk');
    mkdirSync(bdir);
    const made = await bulkExport(cdir, bdir, opts);
    if (process.env.BENCH_FHIR_EXPORT === undefined) rmSync(cdir, { recursive: true, force: true });
    const label = `harbour bulk export (${made.patients} IL-2 + ${made.outside} other patients, ${opts.parts} files per type)`;
    const row = await benchExport(bdir, join(dir, 'store-bulk'), patients, label, log);
    const outside = Object.values(row.outside).reduce((a, b) => a + b, 0);
    return { harbour, bulk: { ...row, outside_patients: made.outside, ratio_outside: opts.ratio, files_per_type: opts.parts, outside_rows: outside } };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** DuckDB's bare read of every file the spec reads (its sources' and its references'), then the ingest, in this process. */
async function benchExport(
  cdir: string, store: string, patients: number, label: string, log: (s: string) => void,
): Promise<FhirBenchRow & { outside: Record<string, number> }> {
  const { spec } = loadSpec(join(cdir, 'mapping.yaml'));
  const refFiles = [...new Set(referenceFilePaths(spec, cdir))];
  const files = [...new Set([...spec.sources.map((s) => s.file), ...refFiles.map((f) => basename(f))])];
  const bytes = files.reduce((a, f) => a + statSync(join(cdir, f)).size, 0);
  const cpuOf = async <T>(f: () => Promise<T>): Promise<{ m: Awaited<ReturnType<typeof measure<T>>>; cpu: number }> => {
    const c0 = process.cpuUsage();
    const m = await measure(f);
    const c = process.cpuUsage(c0);
    return { m, cpu: (c.user + c.system) / 1000 };
  };
  const { m: bare, cpu: bareCpu } = await cpuOf(async () => {
    await bareRead(cdir, spec);
    await bareReadNdjson(refFiles.filter((f) => !spec.sources.some((s) => join(cdir, s.file) === f)));
  });
  const { m: ing, cpu: ingCpu } = await cpuOf(() => ingestCentre(join(cdir, 'mapping.yaml'), { storeDir: store }));
  const scan = await measure(async () => files.forEach((f) => scanNdjson(join(cdir, f), 1_000_000)));
  const rows = ing.value.sources.reduce((a, s) => a + s.rows, 0);
  const row: FhirBenchRow = {
    patients,
    files_mib: Math.round((bytes / 1048576) * 10) / 10,
    rows_read: rows,
    bare_duckdb_ms: Math.round(bare.ms),
    ingest_ms: Math.round(ing.ms),
    ratio: Math.round((ing.ms / bare.ms) * 10) / 10,
    bare_cpu_ms: Math.round(bareCpu),
    ingest_cpu_ms: Math.round(ingCpu),
    cpu_ratio: Math.round((ingCpu / bareCpu) * 10) / 10,
    scan_ms: Math.round(scan.ms),
    peak_rss_mib: ing.peakRssMiB,
  };
  log(`  ${label}: ${row.files_mib} MiB in ${files.length} files, ${rows} lines; bare DuckDB ${fmt(bare.ms)}; ingest ${fmt(ing.ms)} (×${row.ratio}); ` +
    `CPU ${fmt(bareCpu)} → ${fmt(ingCpu)} (×${row.cpu_ratio}); scan ${fmt(scan.ms)}; peak RSS ${row.peak_rss_mib} MiB`);
  return { ...row, outside: ing.value.outsideCohort };
}

/** DuckDB's bare read of NDJSON files (the files a spec's references follow), as bareRead reads a source's. */
async function bareReadNdjson(files: string[]): Promise<void> {
  if (files.length === 0) return;
  const inst = await DuckDBInstance.create(':memory:');
  const conn = await inst.connect();
  try {
    for (const [i, f] of files.entries()) {
      await conn.run(`CREATE TABLE r${i} AS SELECT * FROM read_json('${f.replace(/'/g, "''")}', format = 'newline_delimited', maximum_object_size = 16777216)`);
    }
  } finally {
    conn.closeSync();
    inst.closeSync();
  }
}
