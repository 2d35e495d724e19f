// Phase derive: the centre's slot features, stamped with its data version (rules/feature-store.ts), from its
// committed rows. (The data-quality checks ran before COMMIT, in the store phase.)
import { dirname } from 'node:path';
import { openStore, type CommitResult } from '../store/commit.js';
import { explainOutOfMemory } from '../store/memory.js';
import { refreshStoredSlotFeatures, writeStoredFrame } from '../../rules/feature-store.js';
import type { IngestRun } from './run.js';

export async function deriveFeatures(run: IngestRun, commit: CommitResult): Promise<void> {
  const centre = run.spec.centre.centre_id;
  const { conn, close } = await openStore(commit.storeFile);
  try {
    // After the commit, not inside it: if this fails, readers see the stamp is old and compute the features themselves.
    await refreshStoredSlotFeatures(conn, centre);
    await writeStoredFrame(conn, dirname(commit.storeFile), centre);
  } catch (e) {
    throw explainOutOfMemory(
      e,
      `refreshing centre ${centre}'s slot features (its rows are stored; until the next ingest, readers compute its features themselves)`,
    );
  } finally {
    close();
  }
}
