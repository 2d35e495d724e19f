// Phase store: the centre's staged files replace its rows in the store in one transaction (store/commit.ts).
import { TABLE_NAMES } from '../../schemas/index.js';
import { commitCentre, type CommitResult } from '../store/commit.js';
import type { IngestRun } from './run.js';

/** Commits the staged files and fills in the stored counts (duplicates found here move from stored to quarantined). */
export async function storeCentre(run: IngestRun): Promise<CommitResult> {
  const staged = run.stager.close();
  const { spec, counts } = run;
  const commit = await commitCentre({ storeDir: run.storeDir, centreId: spec.centre.centre_id, centre: spec.centre, staged, work: run.work });
  for (const t of TABLE_NAMES) {
    counts[t]!.stored = commit.stored[t] ?? 0;
    counts[t]!.quarantined += commit.duplicates[t] ?? 0;
  }
  counts.centre = { read: 1, derived: 0, merged: 0, stored: 1, quarantined: 0 };
  return commit;
}
