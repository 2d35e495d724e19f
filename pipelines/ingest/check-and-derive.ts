// Phase check_and_derive: the data-quality checks on the centre's committed rows, and beside them the
// derived slot features, stamped with the centre's data version (rules/feature-store.ts).
import { dirname } from 'node:path';
import { runChecks, type CheckResult } from '../quality/checks.js';
import { openStore, type CommitResult } from '../store/commit.js';
import { explainOutOfMemory } from '../store/memory.js';
import { refreshStoredSlotFeatures, writeStoredFrame } from '../../rules/feature-store.js';
import type { IngestRun } from './run.js';

export async function checkAndDerive(run: IngestRun, commit: CommitResult): Promise<CheckResult[]> {
  const centre = run.spec.centre.centre_id;
  const t = performance.now();
  const { conn, close, connect } = await openStore(commit.storeFile);
  try {
    // The checks (small queries, one core) run on a second connection beside the slot features (DuckDB on both
    // cores); they read the centre's committed rows, which the features step does not write.
    const checking = connect().then(async (c) => {
      const unusedRows = run.sources.map((s) => ({ source: s.source, n: s.unusedRows, rows: s.rows, examples: s.unusedExamples }));
      const out = await runChecks(c, centre, run.counts, { suspectedIdentifiers: run.suspected.length, unusedRows });
      run.timer.add('checks', performance.now() - t);
      return out;
    });
    // After the commit, not inside it: if this fails, readers see the stamp is old and compute the features themselves.
    const featuring = (async () => {
      await refreshStoredSlotFeatures(conn, centre);
      await writeStoredFrame(conn, dirname(commit.storeFile), centre);
      run.timer.add('slot_features', performance.now() - t); // from the same start as checks: they run side by side
    })();
    const [c, f] = await Promise.allSettled([checking, featuring]);
    if (c.status === 'rejected') throw c.reason;
    if (f.status === 'rejected') throw f.reason;
    return c.value;
  } catch (e) {
    throw explainOutOfMemory(e, `checking centre ${centre} or refreshing its slot features (its rows are stored; until the next ingest, readers compute its features themselves)`);
  } finally {
    close();
  }
}
