// What each centre's ingest left beside the store: its run manifest (input hashes, spec, rows in and out) and its
// data-quality report. Either may be missing (a store copied without them); the report then says so.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { manifestFile } from '../../pipelines/store/paths.js';
import { RunManifest } from '../../schemas/run-manifest.js';
import type { DqReport } from '../dq-report.js';
import { reportMessages } from './messages.js';

/** One per centre: its manifest and data-quality report when found, and notes on what was not. */
export interface CentreRecords {
  centre_id: string;
  manifest: RunManifest | null;
  dq: DqReport | null;
  /** Path of the centre's full data-quality page, when it exists. */
  dqHtml: string | null;
  notes: string[];
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch {
    return null;
  }
}

/**
 * Reads each centre's manifest (<store>/manifests/<centre>.json) and data-quality report (<reports>/<centre>/).
 * @example const records = loadCentreRecords('out/store', 'out/reports', ['amstel']);
 */
export function loadCentreRecords(storeDir: string, reportsDir: string, centres: readonly string[]): CentreRecords[] {
  return centres.map((c) => {
    const notes: string[] = [];
    const manifestPath = manifestFile(storeDir, c);
    const parsed = RunManifest.safeParse(readJson(manifestPath));
    if (!parsed.success) notes.push(reportMessages.noManifest(c, manifestPath));
    const dqPath = join(reportsDir, c, 'data-quality.json');
    const dq = readJson(dqPath) as DqReport | null;
    const valid = dq !== null && typeof dq === 'object' && Array.isArray(dq.checks) && typeof dq.tables === 'object';
    if (!valid) notes.push(reportMessages.noDqReport(c, dqPath));
    const html = join(reportsDir, c, 'data-quality.html');
    return { centre_id: c, manifest: parsed.success ? parsed.data : null, dq: valid ? dq : null, dqHtml: existsSync(html) ? html : null, notes };
  });
}
