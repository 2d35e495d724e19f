// What an ingest tells its caller (the CLI prints it, reports/ingest-outputs.ts writes the report and manifest).
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TableCounts } from '../../schemas/index.js';
import type { MappingSpec } from '../../schemas/mapping-spec.js';
import type { KeySource } from '../map/pseudonymise.js';
import type { CheckResult } from '../quality/checks.js';
import type { SuspectedIdentifier } from '../quality/identifiers.js';
import type { CommitResult } from '../store/commit.js';
import type { DoseLog } from './map-dose-log.js';
import type { IngestRun, SourceEntry } from './run.js';
import { byKey, sortedKeys } from './source-counts.js';
import { referenceFilePaths } from '../map/references.js';

export interface IngestResult {
  spec: MappingSpec;
  specPath: string;
  key: KeySource['origin'];
  sources: SourceEntry[];
  counts: Record<string, TableCounts>;
  unmapped: Record<string, Record<string, number>>;
  commit: CommitResult;
  checks: CheckResult[];
  /** Where the run's rows were kept instead of being published (an error-severity check failed), or null. */
  rejected: string | null;
  suspectedIdentifiers: SuspectedIdentifier[];
  unusedColumns: Record<string, string[]>;
  /** Files in the spec's folder that no source reads (other than the spec itself). */
  unreadFiles: string[];
  /** Values the pipeline filled in from other data, by `table.field` (dose_slot.dose_iu only where the spec sets slots.derive_dose_iu). */
  derivedFields: Record<string, number>;
  /**
   * Rows of patients outside the spec's cohort, by source as the spec writes it (a glob's files together); {} without
   * a cohort. Rows read = stored + quarantined + skipped/routed/unused + these.
   */
  outsideCohort: Record<string, number>;
  /** Wall and CPU time per phase (`<phase>_ms`, `cpu_<phase>_ms`), of steps within them, and `total_ms`. */
  durations: Record<string, number>;
}

export function ingestResult(run: IngestRun, doseLog: DoseLog, commit: CommitResult, checks: CheckResult[]): IngestResult {
  const { spec, dir, specPath } = run;
  return {
    spec,
    specPath: resolve(specPath),
    key: run.key.origin,
    // Key order fixed (not first-seen order), so the columnar and row paths report alike.
    sources: run.sources.map((x) => ({ ...x, routed: sortedKeys(x.routed), ignoredCodes: sortedKeys(x.ignoredCodes) })),
    counts: run.counts,
    unmapped: Object.fromEntries(
      [...run.ctx.unmapped.entries()].sort(byKey).map(([f, m]) => [f, Object.fromEntries([...m.entries()].sort((a, b) => b[1] - a[1] || byKey(a, b)))]),
    ),
    commit,
    checks,
    rejected: commit.rejected,
    suspectedIdentifiers: run.suspected,
    unusedColumns: run.unusedColumns,
    derivedFields: doseLog.derivedFields,
    unreadFiles: unreadFiles(run),
    outsideCohort: outsideBySource(run),
    durations: run.timer.finish(),
  };
}

/** Outside-the-cohort rows per source as written (`observation` for observation, observation-2…), in key order. */
function outsideBySource(run: IngestRun): Record<string, number> {
  if (!run.spec.cohort) return {};
  const out: Record<string, number> = {};
  for (const x of run.sources) {
    const written = run.spec.sources.find((s) => s.id === x.source && !/-\d+$/.test(s.id)) ? x.source : x.source.replace(/-\d+$/, '');
    out[written] = (out[written] ?? 0) + x.outsideCohort;
  }
  return sortedKeys(out);
}

/** Files in the spec's folder that no source or reference reads (other than the spec itself). */
function unreadFiles(run: IngestRun): string[] {
  const { spec, dir, specPath } = run;
  const read = new Set([resolve(specPath), ...spec.sources.map((s) => resolve(dir, s.file)), ...referenceFilePaths(spec, dir)]);
  return readdirSync(dir).filter((f) => !f.startsWith('.') && !read.has(resolve(dir, f))).sort();
}
