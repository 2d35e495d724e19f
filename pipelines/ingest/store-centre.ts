// Phase store: the centre's staged files replace its rows in the store in one transaction (store/commit.ts).
// The data-quality checks run inside it, before COMMIT: a run that fails an error-severity check is not
// published (unless accepted); its rows are kept under <store>/rejected/<centre>/<run>/ and the previous version stays.
import { join } from 'node:path';
import { TABLE_NAMES } from '../../schemas/index.js';
import { commitCentre, type CommitResult } from '../store/commit.js';
import { rejectedDir } from '../store/paths.js';
import { runChecks, type CheckResult } from '../quality/checks.js';
import { DEFAULT_MAX_DROP, allQuarantinedChecks, dropChecks } from '../quality/trust.js';
import { mappedTables, maxDosesCheck, orphanChecks, quarantineRateChecks, storedRowChecks } from '../quality/integrity.js';
import type { IngestOptions } from './options.js';
import type { IngestRun } from './run.js';

export interface Stored {
  commit: CommitResult;
  checks: CheckResult[];
}

/** The folder a rejected run's rows and report are kept in. */

/** Commits the staged files unless an error-severity check fails, and fills in the stored counts (duplicates move from stored to quarantined). */
export async function storeCentre(
  run: IngestRun,
  opts: Pick<IngestOptions, 'acceptFailedChecks' | 'maxDrop'>,
  meta: Record<string, string> = {},
): Promise<Stored> {
  const staged = run.stager.close();
  const { spec } = run;
  let checks: CheckResult[] = [];
  const commit = await commitCentre({
    storeDir: run.storeDir,
    centreId: spec.centre.centre_id,
    centre: spec.centre,
    staged,
    work: run.work,
    meta,
    verify: async (conn, result) => {
      fillCounts(run, result);
      const t = performance.now();
      const unusedRows = run.sources.map((s) => ({ source: s.source, n: s.unusedRows, rows: s.rows, examples: s.unusedExamples }));
      checks = [
        ...(await runChecks(conn, spec.centre.centre_id, run.counts, { suspectedIdentifiers: run.suspected.length, unusedRows })),
        ...(await allQuarantinedChecks(
          conn,
          spec.centre.centre_id,
          run.sources.map((s) => ({ ...s, tables: spec.sources.find((x) => x.id === s.source)?.tables.map((t) => t.table) ?? [] })),
        )),
        ...dropChecks(result.previous, result.stored, opts.maxDrop ?? DEFAULT_MAX_DROP),
        ...quarantineRateChecks(run.counts),
        ...storedRowChecks(mappedTables(spec.sources.flatMap((x) => x.tables.map((t) => t.table))), run.counts),
        ...orphanChecks(result.orphans, run.counts),
        await maxDosesCheck(conn, spec.centre.centre_id),
      ];
      run.timer.add('checks', performance.now() - t);
      const failed = checks.some((c) => c.severity === 'error' && (c.status === 'failed' || c.status === 'error'));
      return failed && !opts.acceptFailedChecks ? rejectedDir(run.storeDir, spec.centre.centre_id, run.runId) : null;
    },
  });
  fillCounts(run, commit);
  // The commit's own steps (load, dedupe, insert, COMMIT, Parquet export, close) beside the phases, as store_<step>.
  for (const [step, ms] of Object.entries(commit.durations)) run.timer.add(`store_${step.replace(/_ms$/, '')}`, ms);
  return { commit, checks };
}

function fillCounts(run: IngestRun, commit: CommitResult): void {
  const { counts } = run;
  for (const t of TABLE_NAMES) counts[t]!.stored = commit.stored[t] ?? 0;
  counts.centre = { read: 1, derived: 0, merged: 0, stored: 1, quarantined: 0 };
  if (run.duplicatesCounted) return;
  run.duplicatesCounted = true;
  for (const t of TABLE_NAMES) counts[t]!.quarantined += (commit.duplicates[t] ?? 0) + (commit.orphans[t] ?? 0);
}
