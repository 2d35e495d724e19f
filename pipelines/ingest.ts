// One centre's export → the store, as its phases: read and map the dose log (patients, cycles, slots,
// responses) and build the slot grid → read and map the observations, infusions and events → each
// record validated and staged as it is made (ingest/stage.ts) → store: one DuckDB transaction, Parquet
// files published after COMMIT (store/commit.ts), so a failed run leaves the previous store untouched →
// the data-quality checks run before COMMIT, and a run failing an error-severity check is kept aside,
// not published → derive the slot features from the committed rows (rules/feature-store.ts).
// How sources are read (reader threads, sources loaded ahead within a budget) is ingest/schedule.ts's.
import { rmSync } from 'node:fs';
import { resolveTuning, type IngestOptions } from './ingest/options.js';
import { startRun } from './ingest/run.js';
import { SourceSchedule, planSources } from './ingest/schedule.js';
import { mapDoseLog } from './ingest/map-dose-log.js';
import { mapObservations } from './ingest/map-observations.js';
import { storeCentre } from './ingest/store-centre.js';
import { deriveFeatures } from './ingest/derive.js';
import { ingestResult, type IngestResult } from './ingest/result.js';

export { INGEST_PHASES, type IngestOptions, type IngestPhase, type IngestTuning } from './ingest/options.js';
export type { IngestResult } from './ingest/result.js';

/**
 * Ingests one centre's export with its mapping spec into the store.
 * @example const r = await ingestCentre('data-samples/amstel/mapping.yaml', { storeDir: 'out/store' })
 */
export async function ingestCentre(specPath: string, opts: IngestOptions): Promise<IngestResult> {
  const run = startRun(specPath, opts);
  let schedule: SourceSchedule | null = null;
  try {
    const tuning = resolveTuning(opts);
    schedule = new SourceSchedule(run.dir, run.work, planSources(run.spec, tuning), tuning);
    const sched = schedule;
    const doseLog = await run.timer.phase('map_dose_log', () => mapDoseLog(run, sched));
    await run.timer.phase('map_observations', () => mapObservations(run, sched, doseLog));
    const { commit, checks } = await run.timer.phase('store', () => storeCentre(run, opts));
    if (commit.rejected === null) await run.timer.phase('derive', () => deriveFeatures(run, commit));
    return ingestResult(run, doseLog, commit, checks);
  } finally {
    await schedule?.close();
    rmSync(run.work, { recursive: true, force: true });
  }
}
