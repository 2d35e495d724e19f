// What one ingest run leaves behind besides the store: the run manifest (in the store), the
// data-quality report (JSON + HTML), the quarantine as CSV and the mapping spec rendering (markdown).
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { RunManifest } from '../schemas/index.js';
import type { IngestResult } from '../pipelines/ingest.js';
import { openStore } from '../pipelines/store/commit.js';
import { createDuckDB } from '../pipelines/store/engine.js';
import { manifestFile } from '../pipelines/store/paths.js';
import { renderSpecMarkdown } from '../pipelines/map/spec-render.js';
import { dqReport, type DqReport, type QuarantineView } from './dq-report.js';
import { renderDqHtml } from './dq-html.js';
import { QUARANTINE_CSV, quarantineReasons, quarantineSamples, writeQuarantineCsv } from './quarantine.js';
import { sql } from '../pipelines/store/sql.js';
import { unitSpellings } from './unit-spellings.js';
import { imputedDates } from './date-precision.js';
import { valueAbsences } from './value-absences.js';

const require = createRequire(import.meta.url);

export function packageVersions(names = ['@duckdb/node-api', 'zod', 'arquero', 'vega-lite', 'exceljs', 'yaml']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of names) {
    try {
      out[n] = (JSON.parse(readFileSync(require.resolve(`${n}/package.json`), 'utf8')) as { version: string }).version;
    } catch {
      out[n] = 'unknown';
    }
  }
  return out;
}

export interface IngestOutputs {
  manifestPath: string;
  reportJson: string;
  reportHtml: string;
  quarantineCsv: string;
  specMarkdown: string;
  report: DqReport;
}

export interface IngestOutputOptions {
  storeDir: string;
  reportDir: string;
  kitVersion: string;
  command: string;
  startedAt: Date;
}

export async function writeIngestOutputs(r: IngestResult, opts: IngestOutputOptions): Promise<IngestOutputs> {
  const centre = r.spec.centre.centre_id;
  // A rejected run (not published) has its quarantine, report and manifest in its own folder, not the store's.
  const { conn, close } = r.rejected === null ? await openStore(r.commit.storeFile) : await createDuckDB(':memory:');
  const quarantine = r.rejected === null ? 'quarantine' : `read_parquet(${sql(join(r.rejected, 'quarantine.parquet'))})`;
  const dir = r.rejected ?? join(opts.reportDir, centre);
  mkdirSync(dir, { recursive: true });
  const quarantineCsv = join(dir, QUARANTINE_CSV);
  let q: QuarantineView;
  try {
    q = {
      reasons: await quarantineReasons(conn, centre, quarantine), samples: await quarantineSamples(conn, centre, quarantine),
      units: await unitSpellings(conn, centre, r.spec.unit_spellings, (t) =>
        r.rejected === null ? t : `read_parquet(${sql(join(r.rejected, `${t}.parquet`))})`),
      imputed: await imputedDates(conn, centre, (t) => (r.rejected === null ? t : `read_parquet(${sql(join(r.rejected, `${t}.parquet`))})`)),
      absences: await valueAbsences(conn, centre, r.rejected === null ? undefined : `read_parquet(${sql(join(r.rejected, 'observation.parquet'))})`),
    };
    await writeQuarantineCsv(conn, centre, quarantineCsv, quarantine);
  } finally {
    close();
  }
  const report = dqReport(r, q);
  const md = renderSpecMarkdown(r.spec);
  const reportJson = join(dir, 'data-quality.json');
  const reportHtml = join(dir, 'data-quality.html');
  const specMarkdown = join(dir, 'mapping-spec.md');
  writeFileSync(reportJson, JSON.stringify(report, null, 2) + '\n');
  writeFileSync(reportHtml, renderDqHtml(report, md));
  writeFileSync(specMarkdown, md + '\n');
  const finished = new Date();
  const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
  const manifest = RunManifest.parse({
    kit: 'il2kit',
    kit_version: opts.kitVersion,
    command: opts.command,
    run_id: `${centre}-${opts.startedAt.toISOString()}`,
    started_at: opts.startedAt.toISOString(),
    finished_at: finished.toISOString(),
    duration_ms: Math.round(r.durations.total_ms ?? 0),
    node_version: process.version,
    package_versions: packageVersions(),
    parameters: { store: opts.storeDir, key: r.key, durations_ms: Object.fromEntries(Object.entries(r.durations).map(([k, v]) => [k, Math.round(v)])) },
    inputs: r.sources.map((s) => ({ path: relative(process.cwd(), s.path), sha256: s.sha256, bytes: s.bytes })),
    specs: [{ id: r.spec.id, version: r.spec.version }],
    tables: r.counts,
    derived_values: r.derivedFields,
    ...(Object.keys(r.outsideCohort).length > 0 ? { outside_cohort: r.outsideCohort } : {}),
    imputed_dates: report.imputed_dates,
    outputs: [reportJson, reportHtml, quarantineCsv, specMarkdown].map((p) => ({ path: relative(process.cwd(), p), sha256: sha(p) })),
  });
  const manifestPath = r.rejected === null ? manifestFile(opts.storeDir, centre) : join(r.rejected, 'manifest.json');
  mkdirSync(dirname(manifestPath), { recursive: true });
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
  return { manifestPath, reportJson, reportHtml, quarantineCsv, specMarkdown, report };
}
