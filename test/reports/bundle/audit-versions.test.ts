// A store that released bundles of schema version 3 (response rows of the assessed) before version 4 (of all treated):
// the audit log's earlier bundles are still read, and the new bundle is compared with them cell by cell.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appendAudit, releasedBundles } from '../../../reports/bundle/audit.js';
import { differencingProblems } from '../../../reports/bundle/differencing.js';
import { PanelBundle } from '../../../schemas/bundle.js';

const dir = mkdtempSync(join(tmpdir(), 'il2kit-audit-v3-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the audit log across bundle schema versions', () => {
  const now = PanelBundle.parse(JSON.parse(readFileSync('test/fixtures/panel/riverside.json', 'utf8')));
  const response = (b: PanelBundle, cells: number[][]) => ({
    ...b,
    tables: [{ id: 'response', kind: 'response' as const, group: {}, rows: ['rcc', 'melanoma'], cols: ['responder', 'non_responder'], cells, withheld: false }],
  });
  // Version 3: the same period, its response rows of the assessed (two patients of rcc not assessed).
  const v3 = { ...response(now, [[10, 40], [8, 30]]), schema_version: 3, content_sha256: 'c'.repeat(64) };
  const v4 = { ...response(now, [[10, 42], [8, 30]]), content_sha256: 'd'.repeat(64) };

  it('an earlier version\u2019s released bundle is read, and a difference of 1 … k − 1 against it is a problem', () => {
    const entry = { at: '2024-01-01T00:00:00Z', centre_id: now.centre_id, period: now.period, policy: now.policy, out: null, suppressed: [], problems: [] };
    appendAudit(dir, { ...entry, event: 'released', content_sha256: v3.content_sha256, bundle: v3 as unknown as PanelBundle });
    const earlier = releasedBundles(dir);
    expect(earlier.map((b) => b.schema_version)).toEqual([3]);
    expect(differencingProblems(v4 as PanelBundle, earlier)).toEqual([
      expect.objectContaining({ table: 'response', row: 'rcc', col: 'non_responder', difference: 2 }),
    ]);
  });

  it('a bundle of a later schema version in the log is an error naming the line', () => {
    const later = { ...v3, schema_version: 5 };
    appendAudit(dir, { at: 'x', centre_id: now.centre_id, period: now.period, policy: now.policy, out: null, suppressed: [], problems: [],
      event: 'released', content_sha256: later.content_sha256, bundle: later as unknown as PanelBundle });
    expect(() => releasedBundles(dir)).toThrow(/does not match the bundle schema/);
  });
});
