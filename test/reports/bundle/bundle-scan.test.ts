// Issue 20's scan of every bundle the tests write (test/helpers/bundle-scan.ts): first that the scan finds each
// thing it looks for (a scan that cannot fail proves nothing), then the committed fixture bundles the R recipe and
// the metafor test read. The bundles `il2kit bundle` writes are scanned in test/cli/panel.test.ts and
// test/bench/cli.test.ts (4 patients a centre), the ones the adversarial cases release in disclosure.test.ts.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PanelBundle } from '../../../schemas/bundle.js';
import { bundleScanProblems } from '../../helpers/bundle-scan.js';
import { ROOT } from '../../helpers/cli.js';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'panel');
const fixture = (c: string) => PanelBundle.parse(JSON.parse(readFileSync(join(FIXTURES, `${c}.json`), 'utf8')));

describe('the bundle scan', () => {
  it('finds a count under k, a model estimate under the minimum, a key-like string, a patient key and a date', () => {
    const clean = fixture('amstel');
    expect(bundleScanProblems(clean, ['amstel-0001'])).toEqual([]);
    const b = structuredClone(clean);
    const t = b.tables.find((x) => x.cells.flat().some((v) => v !== null && v > 0))!;
    const r = t.cells.findIndex((row) => row.some((v) => v !== null && v > 0));
    const c = t.cells[r]!.findIndex((v) => v !== null && v > 0);
    t.cells[r]![c] = 2;
    b.signal_estimates.push({ ...clean.signal_estimates[0]!, signal: 'vitiligo', n: 30, events: 3 });
    b.implied_thresholds.push({ ...clean.implied_thresholds[0]!, variable: 'heart_rate', n: 8, held: 4 });
    b.withheld_estimates.push({ what: 'signal', id: '3f9a0c1d2e4b5a6978', rule: 'min_events' });
    b.tables[0]!.rows[0] = 'amstel-0001';
    b.period = { first: '2021-03-04', last: b.period.last };
    const problems = bundleScanProblems(b, ['amstel-0001']).join('\n');
    expect(problems).toContain(`${t.id} [${t.rows[r]}, ${t.cols[c]}]: count 2 under k = 5`);
    expect(problems).toContain('signal vitiligo: n 30, events 3 under the policy');
    expect(problems).toContain('implied threshold heart_rate: n 8, events 4');
    expect(problems).toContain('key-like string 3f9a0c1d2e4b5a6978');
    expect(problems).toContain('patient key amstel-0001');
    expect(problems).toContain('date 2021-03-04');
    expect(problems).toContain('period 2021-03-04 is not a year-quarter');
  });

  it('passes the bundle its own hash', () => {
    const b = fixture('riverside');
    expect(b.content_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(bundleScanProblems(b)).toEqual([]);
  });
});

describe('the committed fixture bundles (the R recipe and the metafor test pool them)', () => {
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.json'));
  it('are five, and each has no count under k, no key-like string and no date', () => {
    expect(files).toHaveLength(5);
    for (const f of files) expect(bundleScanProblems(fixture(f.replace(/\.json$/, ''))), f).toEqual([]);
  });
});
