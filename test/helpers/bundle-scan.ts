// The scan issue 20 asks of every bundle the tests write: no released count under k (table cells, the patients and
// events behind a released model estimate), no key-like string (a pseudonymous key, a hex digest other than the
// bundle's own hash, a stored patient key) and no date finer than a quarter. Returns the problems found, one line each.
import { kitRulesets } from '../../analytics/practice/report.js';
import type { PanelBundle } from '../../schemas/bundle.js';

let ownVersions: Map<string, string | null> | undefined;

/**
 * Problems with one bundle (empty when it is clean); `keys` are patient keys (or local ids) that must not appear.
 * @example expect(bundleScanProblems(bundle, [...keys])).toEqual([])
 */
export function bundleScanProblems(b: PanelBundle, keys: readonly string[] = []): string[] {
  const out: string[] = [];
  const k = b.policy.min_cell;
  const minEvents = b.policy.min_model_events;
  for (const t of b.tables)
    t.cells.forEach((row, r) =>
      row.forEach((v, c) => {
        if (!(v === null || v === 0 || v >= k)) out.push(`${b.centre_id} ${t.id} [${t.rows[r]}, ${t.cols[c]}]: count ${v} under k = ${k}`);
      }),
    );
  const model = (what: string, n: number, events: number) => {
    if (n < b.policy.min_model_patients || events < minEvents || n - events < minEvents)
      out.push(`${b.centre_id} ${what}: n ${n}, events ${events} under the policy's minimum (${b.policy.min_model_patients} patients, ${minEvents} events)`);
  };
  for (const e of b.signal_estimates) model(`signal ${e.signal}`, e.n, e.events);
  for (const t of b.implied_thresholds) model(`implied threshold ${t.variable}`, t.n, t.held);
  // Ruleset versions are the kit's published rulesets' own (e.g. a label's date), not patient data: checked, then left out of the text scan.
  ownVersions ??= new Map(kitRulesets().map((r) => [r.id, r.version ?? null]));
  for (const r of b.rulesets)
    if (ownVersions.has(r.id) && r.version !== ownVersions.get(r.id)) out.push(`${b.centre_id} ruleset ${r.id}: version ${r.version} is not the kit's`);
  const text = JSON.stringify({ ...b, content_sha256: '', rulesets: b.rulesets.map(({ version: _v, ...r }) => r) });
  for (const m of text.matchAll(/(?=[0-9a-f]*[a-f])[0-9a-f]{16,}/g)) out.push(`${b.centre_id}: key-like string ${m[0]}`);
  for (const m of text.matchAll(/\d{4}-\d{2}-\d{2}|T\d{2}:\d{2}|\d{1,2}\/\d{1,2}\/\d{4}/g)) out.push(`${b.centre_id}: date ${m[0]}`);
  for (const key of keys) if (key.length >= 4 && text.includes(key)) out.push(`${b.centre_id}: patient key ${key}`);
  for (const q of [b.period.first, b.period.last]) if (!/^\d{4}-Q[1-4]$/.test(q)) out.push(`${b.centre_id}: period ${q} is not a year-quarter`);
  return out;
}
