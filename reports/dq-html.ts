// The data-quality page of one ingest run, in the order a data manager works through it: what to act
// on (rows in and out, failed and warned checks, unmapped codes, derived values), the quarantined rows
// themselves, then what is in order (sources, passed checks, collapsed) and the mapping spec.
// Built on the report page shell (reports/html/): no script, a CSP that forbids requests, every value escaped.
import type { CheckResult } from '../pipelines/quality/checks.js';
import type { DqReport } from './dq-report.js';
import { MISSING, escapeHtml as esc, formatValue, htmlTable, renderReportPage, type ReportSection, type TableColumn } from './html/index.js';
import { safeMarkdown } from './html/markdown.js';
import { QUARANTINE_CSV, SAMPLE_PER_REASON, type QuarantineSample } from './quarantine.js';

const plural = (n: number, one: string, many = `${one}s`) => `${formatValue(n)} ${n === 1 ? one : many}`;
const cols = (...spec: [string, string][]): TableColumn[] => spec.map(([key, label]) => ({ key, label }));
const FAIL = 'status-unverified';
const WARN = 'status-inferred';
const OK = 'status-verified';

/** A value of a check's example as a cell: numbers kept, lists joined, objects as "key: value", never JSON. */
function plain(v: unknown): unknown {
  if (Array.isArray(v)) return v.length === 0 ? MISSING : v.map((x) => formatValue(plain(x))).join(', ');
  if (v !== null && typeof v === 'object' && !(v instanceof Date)) {
    const e = Object.entries(v);
    return e.length === 0 ? MISSING : e.map(([k, x]) => `${k}: ${formatValue(plain(x))}`).join(', ');
  }
  return v;
}

/** A check's examples as a table whose columns are the examples' keys. */
function examplesTable(examples: readonly Record<string, unknown>[]): string {
  if (examples.length === 0) return '';
  const keys = [...new Set(examples.flatMap((e) => Object.keys(e)))];
  return htmlTable(keys.map((k) => ({ key: k, label: k })), examples.map((e) => Object.fromEntries(keys.map((k) => [k, plain(e[k])]))));
}

const isFailed = (c: CheckResult) => c.status === 'failed' || c.status === 'error';

/** When the check fails: more than threshold_pct % of the rows, or more than threshold_n of them. */
function threshold(c: CheckResult): string {
  if (c.threshold_pct === 0 && (c.threshold_n === null || c.threshold_n === 0)) return 'any failing row';
  return `more than ${c.threshold_pct}%${c.threshold_n !== null ? ` or more than ${formatValue(c.threshold_n)} rows` : ''}`;
}

function failing(c: CheckResult): string {
  if (c.status === 'error') return 'could not run';
  if (c.status === 'not_applicable') return 'nothing to check';
  return `${formatValue(c.n_failed)} of ${formatValue(c.n_total)} (${c.pct}%)`;
}

const STATUS_CLASS: Record<CheckResult['status'], (c: CheckResult) => string> = {
  passed: () => OK,
  not_applicable: () => 'note',
  failed: (c) => (c.severity === 'error' ? FAIL : WARN),
  error: () => FAIL,
};

/** The bullet list at the top: one line per kind of thing to act on, or that nothing needs action. */
function actions(rep: DqReport): string {
  const failed = rep.checks.filter(isFailed);
  const errors = failed.filter((c) => c.severity === 'error');
  const warned = failed.filter((c) => c.severity !== 'error');
  const quarantined = rep.quarantine_reasons.reduce((s, r) => s + r.records, 0);
  const unmapped = Object.values(rep.unmapped_codes).reduce((s, m) => s + Object.keys(m).length, 0);
  const ids = (cs: CheckResult[]) => cs.map((c) => esc(c.id)).join(', ');
  const csv = `<a href="${QUARANTINE_CSV}">${QUARANTINE_CSV}</a>`;
  const items: string[] = [];
  if (errors.length) {
    const until = 'Until they pass, the centre is not published and the run exits 1 (<code>--accept-failed-checks</code> publishes it anyway)';
    items.push(`<li class="${FAIL}">${plural(errors.length, 'error check')} failed: ${ids(errors)}. ${until}.</li>`);
  }
  if (warned.length) items.push(`<li class="${WARN}">${plural(warned.length, 'check')} warned: ${ids(warned)}.</li>`);
  if (quarantined) {
    const where = `see <a href="#quarantine">Quarantined rows</a> and the full list in ${csv}`;
    items.push(`<li>${plural(quarantined, 'record')} quarantined for ${plural(rep.quarantine_reasons.length, 'reason')}: ${where}.</li>`);
  }
  if (unmapped) {
    const fix = "add them to the spec's codes or <code>ignore_codes</code>";
    items.push(`<li>${plural(unmapped, 'code')} in the export had no mapping: see <a href="#unmapped">Unmapped codes</a>; ${fix}.</li>`);
  }
  if (rep.suspected_identifiers.length) {
    const n = plural(rep.suspected_identifiers.length, 'unmapped column');
    items.push(`<li class="${FAIL}">${n} look like patient identifiers: mark them as identifiers in the spec (<a href="#identifiers">list</a>).</li>`);
  }
  if (rep.unread_files.length) items.push(`<li>Files in the export folder the spec does not read: ${rep.unread_files.map(esc).join(', ')}.</li>`);
  if (items.length === 0) {
    items.push(`<li class="${OK}">Nothing to act on: every check passed, no record was quarantined and every code was mapped.</li>`);
  }
  return `<ul>\n${items.join('\n')}\n</ul>`;
}

function rowsInOut(rep: DqReport): string {
  // Observations stored as recorded absences are counted apart: "stored" is every row, measurements and absences.
  const absent = Object.values(rep.value_absences ?? {}).reduce((s, by) => s + Object.values(by).reduce((a, n) => a + n, 0), 0);
  const rows = Object.entries(rep.tables).map(([table, c]) => ({
    table,
    ...c,
    absences: table === 'observation' ? absent : MISSING,
    balanced: c.read + c.derived === c.stored + c.quarantined + c.merged ? 'yes' : 'NO',
  }));
  const head = cols(['table', 'table'], ['read', 'read'], ['derived', 'derived'], ['merged', 'merged'], ['stored', 'stored']);
  const tail = cols(
    ['absences', 'of which recorded absences (no value)'], ['quarantined', 'quarantined'], ['balanced', 'read + derived = stored + quarantined + merged'],
  );
  return htmlTable([...head, ...tail], rows);
}

/** What a table's derived rows are (decisions §3, §4). */
const DERIVED_ROWS: Record<string, string> = {
  dose_slot: 'slots of the q8h grid the export never mentions (not_recorded or not_reached)',
  cycle: 'cycles inferred from the dose log',
};

/** How a derived value was filled in, by `table.field`. */
const DERIVED_VALUES: Record<string, string> = {
  'dose_slot.dose_iu':
    'IU of given doses the export left empty: the cycle’s IU/kg × dosing weight (the spec sets slots.derive_dose_iu); stored with dose_iu_source = derived',
  'patient.baseline_weight_kg': 'baseline weights the export left empty: the first cycle’s dosing weight',
};

function derivedValues(rep: DqReport): string {
  const what = (t: string) => DERIVED_ROWS[t] ?? 'rows derived from other rows of the export';
  const grid = Object.entries(rep.tables).filter(([, c]) => c.derived > 0).map(([t, c]) => ({ what: t, n: `${plural(c.derived, 'row')}: ${what(t)}` }));
  const fields = Object.entries(rep.derived_values).map(([f, n]) => ({
    what: f,
    n: `${plural(n, 'value')}: ${DERIVED_VALUES[f] ?? 'filled in from other data'}`,
  }));
  const dates = Object.entries(rep.imputed_dates).flatMap(([f, by]) =>
    Object.entries(by).map(([precision, n]) => ({
      what: f,
      n: `${plural(n, 'value')} given as a ${precision} only: stored as the start of that ${precision} in the centre’s time zone (${f.split('.')[1]} ` +
        `precision ${precision})`,
    })),
  );
  const all = [...grid, ...fields, ...dates];
  return all.length === 0 ? '<p>None: every stored value was read from the export.</p>' : htmlTable(cols(['what', 'table or field'], ['n', 'derived']), all);
}

function checksTable(checks: readonly CheckResult[], withExamples: boolean): string {
  const head = ['check', 'table', 'severity', 'status', 'failing', 'threshold', 'what it checks'].map((h) => `<th scope="col">${h}</th>`).join('');
  const rows = checks.map((c) => {
    const what = `${esc(c.description)}${c.message ? `<br><em>${esc(c.message)}</em>` : ''}`;
    const cells = [c.id, c.table, c.severity].map((x) => `<td>${esc(x)}</td>`).join('');
    const status = `<td class="${STATUS_CLASS[c.status](c)}">${esc(c.status.replace('_', ' '))}</td>`;
    const row = `<tr>${cells}${status}<td>${esc(failing(c))}</td><td>${esc(threshold(c))}</td><td>${what}</td></tr>`;
    // Examples take a full-width row of their own under the check, so a wide example never squeezes the table.
    const examples = withExamples && c.examples.length ? `\n<tr><td></td><td colspan="6">Examples:${examplesTable(c.examples)}</td></tr>` : '';
    return row + examples;
  });
  return `<div class="table-wrap"><table><thead><tr>${head}</tr></thead><tbody>${rows.join('\n')}</tbody></table></div>`;
}

function quarantineSection(rep: DqReport): string {
  if (rep.quarantine_reasons.length === 0) return '<p>No record was quarantined.</p>';
  const key = (s: { table: string; check: string }) => `${s.table}\u0000${s.check}`;
  const byReason = new Map<string, QuarantineSample[]>();
  for (const s of rep.quarantine_samples) byReason.set(key(s), [...(byReason.get(key(s)) ?? []), s]);
  const summary = htmlTable(cols(['table', 'table'], ['check', 'reason (check)'], ['records', 'records'], ['problems', 'problems']), rep.quarantine_reasons);
  const sampleCols = cols(['file', 'file'], ['row', 'row'], ['field', 'field'], ['raw_value', 'raw value'], ['message', 'message']);
  const parts = rep.quarantine_reasons.map((r) => {
    const samples = byReason.get(key(r)) ?? [];
    const shown = samples.length < r.problems ? ` (the first ${samples.length} of ${formatValue(r.problems)} problems)` : '';
    return `<h3>${esc(r.table)}: ${esc(r.check)}${esc(shown)}</h3>\n${htmlTable(sampleCols, samples)}`;
  });
  const csv = `<a href="${QUARANTINE_CSV}">${QUARANTINE_CSV}</a>`;
  return `<p>Every problem is in ${csv} (file, row, field, raw value, message); up to ${SAMPLE_PER_REASON} per reason are shown here.</p>
${summary}
${parts.join('\n')}`;
}

function sourcesTable(rep: DqReport): string {
  const head = cols(
    ['id', 'source'],
    ['file', 'file'],
    ['rows', 'rows'],
    ['sha', 'SHA-256'],
    ['routed', 'routed elsewhere'],
    ['ignored', 'codes left out on purpose'],
    ['empty_wide_cells', 'empty wide cells'],
    ['skipped', 'skipped on purpose'],
    ['unused_rows', 'rows no table took'],
    ['unused', 'unused columns'],
    // A spec with a cohort: each source's rows of patients outside it (counted, nothing of them stored).
    ...(Object.keys(rep.outside_cohort ?? {}).length > 0 ? [['outside_cohort', 'outside the cohort (not stored)'] as [string, string]] : []),
    // Shown when some source has them: preliminary results kept (with the reason), references naming nothing (by line).
    ...(rep.sources.some((s) => (s.flagged ?? 0) > 0) ? [['flagged_text', 'flagged, kept'] as [string, string]] : []),
    ...(rep.sources.some((s) => Object.keys(s.unresolved_references ?? {}).length > 0)
      ? [['unresolved', 'references naming nothing'] as [string, string]]
      : []),
  );
  const pairs = (m: Record<string, number>) => plain(m);
  return htmlTable(head, rep.sources.map((s) => ({
    ...s, sha: `${s.sha256.slice(0, 16)}…`, routed: pairs(s.routed), ignored: pairs(s.ignored_codes),
    skipped: s.skipped ? `${formatValue(s.skipped)} (${s.skip_reason ?? MISSING})` : 0, unused: s.unused_columns,
    flagged_text: s.flagged ? `${formatValue(s.flagged)} (${s.flag_reason ?? MISSING})` : 0,
    unresolved: Object.keys(s.unresolved_references ?? {}).length ? `${plain(s.unresolved_references)} — ${s.unresolved_examples.join(', ')}` : 0,
  })));
}

function identifiers(rep: DqReport): string {
  if (rep.suspected_identifiers.length === 0) return '<p>None.</p>';
  return htmlTable(cols(['source', 'source'], ['column', 'column'], ['reason', 'why']), rep.suspected_identifiers);
}

/** Every unit spelling the run converted; the spec's own spellings (unit_spellings) say so. */
function unitsTable(rep: DqReport): string {
  if (rep.unit_spellings.length === 0) return '<p>None: no observation or infusion with a unit was stored.</p>';
  const head = cols(
    ['variable', 'variable or infusion'], ['unit_raw', 'spelling in the export'], ['unit', 'stored as'], ['values', 'values'],
    ['via', 'spelling added by the spec'],
  );
  return htmlTable(head, rep.unit_spellings.map((u) => ({ ...u, via: u.via_spec ?? MISSING })));
}

const UNMAPPED_COLUMNS = cols(['field', 'field'], ['value', 'value in export'], ['rows', 'rows']);

/** Observations the export says have no value, and why (FHIR dataAbsentReason, SDTM --STAT): stored, read by no analysis. */
function absencesTable(rep: DqReport): string {
  const rows = Object.entries(rep.value_absences ?? {}).flatMap(([variable, by]) => Object.entries(by).map(([reason, n]) => ({ variable, reason, n })));
  if (rows.length === 0) return '<p>None.</p>';
  const note = '<p>Stored with no value and the reason the export gives (observation.value_absent_reason); no analysis reads them as values.</p>';
  return note + htmlTable(cols(['variable', 'variable'], ['reason', 'reason (FHIR data-absent-reason)'], ['n', 'observations']), rows);
}

/** The page. `specMarkdown` is the mapping spec's rendering (pipelines/map/spec-render.ts). */
export function renderDqHtml(rep: DqReport, specMarkdown: string): string {
  const failed = rep.checks.filter(isFailed).sort((a, b) => Number(b.severity === 'error') - Number(a.severity === 'error'));
  const passed = rep.checks.filter((c) => !isFailed(c));
  const unmapped = Object.entries(rep.unmapped_codes).flatMap(([field, m]) => Object.entries(m).map(([value, rows]) => ({ field, value, rows })));
  const sections: ReportSection[] = [
    { id: 'act', title: 'What to act on', html: actions(rep) },
    { id: 'rows', title: 'Rows in and out', html: rowsInOut(rep) },
    { id: 'failed', title: 'Checks that failed or warned', html: failed.length ? checksTable(failed, true) : '<p>None.</p>' },
    { id: 'unmapped', title: 'Unmapped codes', html: unmapped.length ? htmlTable(UNMAPPED_COLUMNS, unmapped) : '<p>None.</p>' },
    { id: 'derived', title: 'Derived values', html: derivedValues(rep) },
    { id: 'absences', title: 'Recorded absences', html: absencesTable(rep) },
    { id: 'identifiers', title: 'Suspected identifiers in unmapped columns', html: identifiers(rep) },
    { id: 'units', title: 'Unit spellings converted', html: unitsTable(rep) },
    { id: 'quarantine', title: 'Quarantined rows', html: quarantineSection(rep) },
    { id: 'sources', title: 'Sources read', html: sourcesTable(rep) },
    {
      id: 'passed',
      title: `Checks passed or not applicable (${passed.length})`,
      html: passed.length ? `<details><summary>Show the ${passed.length} checks</summary>\n${checksTable(passed, false)}\n</details>` : '<p>None.</p>',
    },
    { id: 'spec', title: 'The mapping spec', html: safeMarkdown(specMarkdown) },
  ];
  const subtitle = `Mapping spec ${rep.spec.id} version ${rep.spec.version}. Pseudonymisation key: ${rep.pseudonymisation_key}.`;
  return renderReportPage({ title: `Data quality: ${rep.centre_id}`, subtitle, sections });
}
