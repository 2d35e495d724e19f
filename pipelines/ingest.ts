// One centre's export → the store, as its phases: read and map the dose log (patients, cycles, slots,
// responses) and build the slot grid → read and map the observations, infusions and events → each
// record validated and staged as it is made (ingest/stage.ts) → store: one DuckDB transaction, Parquet
// files published after COMMIT (store/commit.ts), so a failed run leaves the previous store untouched →
// the data-quality checks run before COMMIT, and a run failing an error-severity check is kept aside,
// not published → derive the slot features from the committed rows (rules/feature-store.ts).
// How sources are read (reader threads, sources loaded ahead within a budget) is ingest/schedule.ts's.
import { removeWorkFolder } from './store/work-folder.js';
import { resolve } from 'node:path';
import { keepLocalRuleset, resolveLocalRuleset } from '../rules/local-ruleset.js';
import { resolveTuning, type IngestOptions } from './ingest/options.js';
import { startRun } from './ingest/run.js';
import { cohortFilter, cohortKeys } from './map/cohort.js';
import type { SourceSpec } from '../schemas/mapping-spec.js';
import { loadReferences } from './map/references.js';
import { SourceSchedule, planSources } from './ingest/schedule.js';
import { mapDoseLog } from './ingest/map-dose-log.js';
import { mapObservations } from './ingest/map-observations.js';
import { storeCentre } from './ingest/store-centre.js';
import { deriveFeatures } from './ingest/derive.js';
import { ingestStamp, stampKey } from './ingest/incremental.js';
import { ingestResult, type IngestResult } from './ingest/result.js';

export { INGEST_PHASES, type IngestOptions, type IngestPhase, type IngestTuning } from './ingest/options.js';
export type { IngestResult } from './ingest/result.js';
export { ingestStamp, unchangedSince, type IngestStamp } from './ingest/incremental.js';

/**
 * Ingests one centre's export with its mapping spec into the store.
 * @example const r = await ingestCentre('data-samples/amstel/mapping.yaml', { storeDir: 'out/store' })
 */
export async function ingestCentre(specPath: string, opts: IngestOptions): Promise<IngestResult> {
  const run = startRun(specPath, opts);
  let schedule: SourceSchedule | null = null;
  try {
    // The centre's own ruleset (beside the spec, or the kit's): resolved before anything is read or stored.
    const localRuleset = resolveLocalRuleset(resolve(specPath), run.spec.centre.local_ruleset_id);
    const tuning = resolveTuning(opts);
    const plans = planSources(run.spec, tuning);
    const cohortOf = (src: SourceSpec, followed?: boolean) => cohortFilter(run.spec, src, run.key.key, run.ctx.cohort, followed);
    // Without a cohort the reader threads start at once; with one, after it is known, so that no line of a patient
    // outside it is ever written, even to the work folder (map/cohort.ts).
    if (!run.spec.cohort) schedule = new SourceSchedule(run.dir, run.work, plans, tuning, cohortOf);
    const doseLog = await run.timer.phase('map_dose_log', async () => {
      // The spec's cohort first: every mapping leaves the rows of other patients out (map/cohort.ts).
      run.ctx.references = await loadReferences(run.spec, run.dir);
      run.ctx.cohort = await cohortKeys(run.spec, run.dir, run.key.key, run.ctx.references);
      schedule ??= new SourceSchedule(run.dir, run.work, plans, tuning, cohortOf);
      return mapDoseLog(run, schedule);
    });
    const sched = schedule!;
    await run.timer.phase('map_observations', () => mapObservations(run, sched, doseLog));
    const stamp = opts.stamp ?? (await ingestStamp(run.spec, run.specPath, run.key.key, run.runId));
    const meta = { [stampKey(run.spec.centre.centre_id)]: JSON.stringify(stamp) };
    const { commit, checks } = await run.timer.phase('store', () => storeCentre(run, opts, meta));
    if (commit.rejected === null) keepLocalRuleset(localRuleset, opts.storeDir);
    if (commit.rejected === null) await run.timer.phase('derive', () => deriveFeatures(run, commit));
    return ingestResult(run, doseLog, commit, checks);
  } finally {
    await schedule?.close();
    removeWorkFolder(run.work);
  }
}
