// The centre's audit log of releases, <store>/bundles/audit.jsonl: one JSON line per bundle released or refused,
// with the policy, the hash, every suppressed cell and its reason, and (for releases) the bundle itself, which the
// differencing check compares the next bundle with. The log stays at the centre.
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { bundleAuditFile, bundlesDir } from '../../pipelines/store/paths.js';
import { EarlierPanelBundle, PanelBundle, type DisclosurePolicy } from '../../schemas/bundle.js';
import type { SuppressionRecord } from './disclose.js';
import type { DifferencingProblem } from './differencing.js';

export interface AuditEntry {
  event: 'released' | 'refused';
  at: string;
  centre_id: string;
  period: PanelBundle['period'];
  policy: DisclosurePolicy;
  content_sha256: string;
  out: string | null;
  suppressed: SuppressionRecord[];
  problems: DifferencingProblem[];
  bundle: PanelBundle | null;
}

/** Path of the audit log of a store. @example auditPath('out/store') // 'out/store/bundles/audit.jsonl' */
export function auditPath(storeDir: string): string {
  return bundleAuditFile(storeDir);
}

/**
 * Every bundle released from this store before, of this schema version or an earlier one (refusals are skipped; a line
 * that does not parse is an error naming it).
 */
export function releasedBundles(storeDir: string): PanelBundle[] {
  const file = auditPath(storeDir);
  if (!existsSync(file)) return [];
  const out: PanelBundle[] = [];
  readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let entry: { event?: string; bundle?: unknown };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      throw new Error(`${file}:${i + 1}: not JSON; the audit log is append-only — restore it from backup rather than editing it`);
    }
    if (entry.event !== 'released') return;
    // A bundle released by an earlier il2kit is still compared with (its period and cells are what was released).
    const current = PanelBundle.safeParse(entry.bundle);
    const parsed = current.success ? current : EarlierPanelBundle.safeParse(entry.bundle);
    if (!parsed.success) throw new Error(`${file}:${i + 1}: the released bundle does not match the bundle schema (${parsed.error.issues[0]?.message ?? ''})`);
    out.push(parsed.data as PanelBundle);
  });
  return out;
}

/** Appends one entry to the audit log. */
export function appendAudit(storeDir: string, entry: AuditEntry): void {
  mkdirSync(bundlesDir(storeDir), { recursive: true });
  appendFileSync(auditPath(storeDir), JSON.stringify(entry) + '\n');
}
