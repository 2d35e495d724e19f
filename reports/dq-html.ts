// The data-quality page of one ingest run, in the order a data manager works through it: what to act
// on (rows in and out, failed and warned checks, unmapped codes, derived values), the quarantined rows
// themselves, then what is in order (sources, passed checks, collapsed) and the mapping spec.
// Self-contained: inline CSS, no scripts, no requests; every value escaped (reports/html.ts).
import type { CheckResult } from '../pipelines/quality/checks.js';
import type { DqReport } from './dq-report.js';
import { MISSING, cellText, esc, htmlTable, pairsText, safeMarkdown } from './html.js';
import { QUARANTINE_CSV, SAMPLE_PER_REASON, type QuarantineSample } from './quarantine.js';

const CSS = `body{font-family:"DejaVu Sans",system-ui,sans-serif;margin:2rem;max-width:1200px;color:#222}
table{border-collapse:collapse;margin:0.5rem 0 1.5rem}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top;font-size:0.9rem}
th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums}
ul.act li{margin:0.2rem 0}.fail{color:#b00;font-weight:bold}.warn{color:#8a5a00;font-weight:bold}.ok{color:#070}
code{background:#f6f6f6}.note{color:#555}details{margin:0.5rem 0 1.5rem}summary{cursor:pointer;font-weight:bold}`;

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`;

/** A value of a check's example as a cell: numbers kept, lists joined, objects as "key: value", never JSON. */
function plain(v: unknown): string | number {
  if (typeof v === 'number') return v;
  if (Array.isArray(v)) return v.length === 0 ? MISSING : v.map((x) => cellText(plain(x))).join(', ');
  if (v !== null && typeof v === 'object') return pairsText(Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)])));
  return cellText(v);
}

/** A check's examples as a table whose columns are the examples' keys. */
function examplesTable(examples: readonly Record<string, unknown>[]): string {
  if (examples.length === 0) return '';
  const keys = [...new Set(examples.flatMap((e) => Object.keys(e)))];
  return htmlTable(keys, examples.map((e) => keys.map((k) => plain(e[k]))));
}

const isFailed = (c: CheckResult) => c.status === 'failed' || c.status === 'error';
/** When the check fails: more than threshold_pct % of the rows, or more than threshold_n of them. */
function threshold(c: CheckResult): string {
  if (c.threshold_pct === 0 && (c.threshold_n === null || c.threshold_n === 0)) return 'any failing row';
  return `more than ${c.threshold_pct}%${c.threshold_n !== null ? ` or more than ${c.threshold_n.toLocaleString('en-GB')} rows` : ''}`;
}

function failing(c: CheckResult): string {
  if (c.status === 'error') return 'could not run';
  if (c.status === 'not_applicable') return 'nothing to check';
  return `${c.n_failed.toLocaleString('en-GB')} of ${c.n_total.toLocaleString('en-GB')} (${c.pct}%)`;
}

const STATUS_CLASS: Record<CheckResult['status'], (c: CheckResult) => string> = {
  passed: () => 'ok',
  not_applicable: () => 'note',
  failed: (c) => (c.severity === 'error' ? 'fail' : 'warn'),
  error: () => 'fail',
};

/** The bullet list at the top: one line per kind of thing to act on, or that nothing needs action. */
function actions(rep: DqReport): string {
  const failed = rep.checks.filter(isFailed);
  const errors = failed.filter((c) => c.severity === 'error');
  const warned = failed.filter((c) => c.severity !== 'error');
  const quarantined = rep.quarantine_reasons.reduce((s, r) => s + r.records, 0);
  const unmapped = Object.values(rep.unmapped_codes).reduce((s, m) => s + Object.keys(m).length, 0);
  const items: string[] = [];
  const ids = (cs: CheckResult[]) => cs.map((c) => esc(c.id)).join(', ');
  const csv = `<a href="${QUARANTINE_CSV}">${QUARANTINE_CSV}</a>`;
  if (errors.length) items.push(`<li class="fail">${plural(errors.length, 'error check')} failed: ${ids(errors)}. The run exits 1 until they pass.</li>`);
  if (warned.length) items.push(`<li class="warn">${plural(warned.length, 'check')} warned: ${ids(warned)}.</li>`);
  if (quarantined) {
    const reasons = plural(rep.quarantine_reasons.length, 'reason');
    const where = `see <a href="#quarantine">Quarantined rows</a> and the full list in ${csv}`;
    items.push(`<li>${plural(quarantined, 'record')} quarantined for ${reasons}: ${where}.</li>`);
  }
  if (unmapped) {
    const fix = "add them to the spec's codes or <code>ignore_codes</code>";
    items.push(`<li>${plural(unmapped, 'code')} in the export had no mapping: see <a href="#unmapped">Unmapped codes</a>; ${fix}.</li>`);
  }
  if (rep.suspected_identifiers.length) {
    const cols = plural(rep.suspected_identifiers.length, 'unmapped column');
    items.push(`<li class="fail">${cols} look like patient identifiers: mark them as identifiers in the spec (<a href="#identifiers">list</a>).</li>`);
  }
  if (rep.unread_files.length) items.push(`<li>Files in the export folder the spec does not read: ${rep.unread_files.map(esc).join(', ')}.</li>`);
  if (items.length === 0) {
    items.push('<li class="ok">Nothing to act on: every check passed, no record was quarantined and every code was mapped.</li>');
  }
  return `<ul class="act">\n${items.join('\n')}\n</ul>`;
}

function rowsInOut(rep: DqReport): string {
  const balanced = (c: DqReport['tables'][string]) => (c.read + c.derived === c.stored + c.quarantined + c.merged ? 'yes' : 'NO');
  const rows = Object.entries(rep.tables).map(([t, c]) => [t, c.read, c.derived, c.merged, c.stored, c.quarantined, balanced(c)]);
  return htmlTable(['table', 'read', 'derived', 'merged', 'stored', 'quarantined', 'balanced'], rows);
}

/** What a table's derived rows are (decisions §3, §4). */
const DERIVED_ROWS: Record<string, string> = {
  dose_slot: 'slots of the q8h grid the export never mentions (not_recorded or not_reached)',
  cycle: 'cycles inferred from the dose log',
};

function derivedValues(rep: DqReport): string {
  const what = (t: string) => DERIVED_ROWS[t] ?? 'rows derived from other rows of the export';
  const grid = Object.entries(rep.tables).filter(([, c]) => c.derived > 0).map(([t, c]) => [t, `${plural(c.derived, 'row')}: ${what(t)}`]);
  const fields = Object.entries(rep.derived_values).map(([f, n]) => [f, `${plural(n, 'value')} filled in from other data`]);
  const all = [...grid, ...fields];
  return all.length === 0 ? '<p>None: every stored value was read from the export.</p>' : htmlTable(['table or field', 'derived'], all);
}

function checksTable(checks: readonly CheckResult[], withExamples: boolean): string {
  const head = ['check', 'table', 'severity', 'status', 'failing', 'threshold', 'what it checks'];
  const rows = checks.map((c) => {
    const what = `${esc(c.description)}${c.message ? `<br><em>${esc(c.message)}</em>` : ''}${withExamples ? examplesTable(c.examples) : ''}`;
    const cls = STATUS_CLASS[c.status](c);
    const cells = [c.id, c.table, c.severity].map((x) => `<td>${esc(x)}</td>`).join('');
    const status = `<td class="${cls}">${esc(c.status.replace('_', ' '))}</td>`;
    return `<tr>${cells}${status}<td>${esc(failing(c))}</td><td>${esc(threshold(c))}</td><td>${what}</td></tr>`;
  });
  return `<table><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr>\n${rows.join('\n')}</table>`;
}

function quarantineSection(rep: DqReport): string {
  if (rep.quarantine_reasons.length === 0) return '<p>No record was quarantined.</p>';
  const byReason = new Map<string, QuarantineSample[]>();
  for (const s of rep.quarantine_samples) byReason.set(`${s.table}\u0000${s.check}`, [...(byReason.get(`${s.table}\u0000${s.check}`) ?? []), s]);
  const summary = htmlTable(['table', 'reason (check)', 'records', 'problems'], rep.quarantine_reasons.map((r) => [r.table, r.check, r.records, r.problems]));
  const parts = rep.quarantine_reasons.map((r) => {
    const samples = byReason.get(`${r.table}\u0000${r.check}`) ?? [];
    const shown = samples.length < r.problems ? ` (the first ${samples.length} of ${r.problems.toLocaleString('en-GB')} problems)` : '';
    const table = htmlTable(['file', 'row', 'field', 'raw value', 'message'], samples.map((s) => [s.file, s.row, s.field, s.raw_value, s.message]));
    return `<h3>${esc(r.table)}: ${esc(r.check)}${esc(shown)}</h3>\n${table}`;
  });
  const csv = `<a href="${QUARANTINE_CSV}">${QUARANTINE_CSV}</a>`;
  return `<p>Every problem is in ${csv} (file, row, field, raw value, message); up to ${SAMPLE_PER_REASON} per reason are shown here.</p>
${summary}
${parts.join('\n')}`;
}

function sourcesTable(rep: DqReport): string {
  const head = [
    'source', 'file', 'rows', 'SHA-256', 'routed elsewhere', 'codes left out on purpose',
    'empty wide cells', 'skipped on purpose', 'rows no table took', 'unused columns',
  ];
  return htmlTable(head, rep.sources.map((s) => [
    s.id, s.file, s.rows, `${s.sha256.slice(0, 16)}…`, pairsText(s.routed), pairsText(s.ignored_codes), s.empty_wide_cells,
    s.skipped ? `${s.skipped} (${s.skip_reason ?? MISSING})` : 0, s.unused_rows, s.unused_columns.length ? s.unused_columns.join(', ') : MISSING,
  ]));
}

function identifiers(rep: DqReport): string {
  if (rep.suspected_identifiers.length === 0) return '<p>None.</p>';
  return htmlTable(['source', 'column', 'why'], rep.suspected_identifiers.map((s) => [s.source, s.column, s.reason]));
}

/** The page. `specMarkdown` is the mapping spec's rendering (pipelines/map/spec-render.ts). */
export function renderDqHtml(rep: DqReport, specMarkdown: string): string {
  const failed = rep.checks.filter(isFailed).sort((a, b) => Number(b.severity === 'error') - Number(a.severity === 'error'));
  const passed = rep.checks.filter((c) => !isFailed(c));
  const unmapped = Object.entries(rep.unmapped_codes).flatMap(([f, m]) => Object.entries(m).map(([v, n]) => [f, v, n]));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Data quality — ${esc(rep.centre_id)}</title>
<style>
${CSS}
</style></head><body>
<h1>Data quality: ${esc(rep.centre_id)}</h1>
<p class="note">Mapping spec <code>${esc(rep.spec.id)}</code> version ${esc(rep.spec.version)}. Pseudonymisation key: ${esc(rep.pseudonymisation_key)}.</p>
<h2>What to act on</h2>
${actions(rep)}
<h2>Rows in and out</h2>
${rowsInOut(rep)}
<h2>Checks that failed or warned</h2>
${failed.length ? checksTable(failed, true) : '<p>None.</p>'}
<h2 id="unmapped">Unmapped codes</h2>
${unmapped.length ? htmlTable(['field', 'value in export', 'rows'], unmapped) : '<p>None.</p>'}
<h2>Derived values</h2>
${derivedValues(rep)}
<h2 id="identifiers">Suspected identifiers in unmapped columns</h2>
${identifiers(rep)}
<h2 id="quarantine">Quarantined rows</h2>
${quarantineSection(rep)}
<h2>Sources read</h2>
${sourcesTable(rep)}
<details><summary>Checks passed or not applicable (${passed.length})</summary>
${passed.length ? checksTable(passed, false) : '<p>None.</p>'}
</details>
<h2>The mapping spec</h2>
${safeMarkdown(specMarkdown)}
</body></html>
`;
}
