// The data-quality report of one ingest run: JSON for machines, one self-contained HTML
// page (inline CSS, no scripts, no requests) for the data manager.
import { marked } from 'marked';
import type { IngestResult } from '../pipelines/ingest.js';
import { renderSpecMarkdown } from '../pipelines/map/spec-render.js';
import { escapeHtml } from './html/escape.js';

export interface DqReport {
  centre_id: string;
  spec: { id: string; version: string; path: string };
  pseudonymisation_key: string;
  sources: { id: string; file: string; sha256: string; bytes: number; rows: number; routed: Record<string, number>; ignored_codes: Record<string, number>; empty_wide_cells: number; skipped: number; skip_reason: string | null; unused_rows: number; unused_columns: string[] }[];
  unread_files: string[];
  tables: IngestResult['counts'];
  checks: IngestResult['checks'];
  unmapped_codes: IngestResult['unmapped'];
  suspected_identifiers: IngestResult['suspectedIdentifiers'];
  quarantine_by_check: Record<string, number>;
}

export function dqReport(r: IngestResult, quarantineByCheck: Record<string, number>): DqReport {
  return {
    centre_id: r.spec.centre.centre_id,
    spec: { id: r.spec.id, version: r.spec.version, path: r.specPath },
    pseudonymisation_key: r.key === 'samples-default' ? 'samples-default (INSECURE: synthetic samples only)' : r.key,
    sources: r.sources.map((s) => ({ id: s.source, file: s.file, sha256: s.sha256, bytes: s.bytes, rows: s.rows, routed: s.routed, ignored_codes: s.ignoredCodes, empty_wide_cells: s.emptyWideCells, skipped: s.skipped, skip_reason: s.skipReason, unused_rows: s.unusedRows, unused_columns: r.unusedColumns[s.source] ?? [] })),
    unread_files: r.unreadFiles,
    tables: r.counts,
    checks: r.checks,
    unmapped_codes: r.unmapped,
    suspected_identifiers: r.suspectedIdentifiers,
    quarantine_by_check: quarantineByCheck,
  };
}

const esc = (s: unknown) => escapeHtml(String(s));

export function renderDqHtml(rep: DqReport, specMarkdown: string): string {
  const failed = rep.checks.filter((c) => c.status === 'failed' || c.status === 'error');
  const rows = (cells: unknown[][]) => cells.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('');
  const tableCounts = Object.entries(rep.tables).map(([t, c]) => [t, c.read, c.derived, c.merged, c.stored, c.quarantined, c.read + c.derived === c.stored + c.quarantined + c.merged ? '✓' : '✗']);
  const checks = rep.checks.map(
    (c) =>
      `<tr class="${c.status}"><td>${esc(c.id)}</td><td>${esc(c.category)}</td><td>${esc(c.table)}</td><td>${esc(c.severity)}</td><td>${esc(c.status)}</td><td>${c.n_failed} / ${c.n_total} (${c.pct}%)</td><td>${esc(c.threshold_pct)}%${c.threshold_n !== null ? ` or > ${c.threshold_n}` : ''}</td><td>${esc(c.description)}${c.message ? `<br><em>${esc(c.message)}</em>` : ''}${
        c.examples.length ? `<details><summary>${c.examples.length} example(s)</summary><pre>${esc(c.examples.map((e) => JSON.stringify(e)).join('\n'))}</pre></details>` : ''
      }</td></tr>`,
  );
  const unmapped = Object.entries(rep.unmapped_codes).flatMap(([f, m]) => Object.entries(m).map(([v, n]) => [f, v, n]));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Data quality — ${esc(rep.centre_id)}</title>
<style>
body{font-family:"DejaVu Sans",system-ui,sans-serif;margin:2rem;max-width:1200px;color:#222}
table{border-collapse:collapse;margin:0.5rem 0 1.5rem}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top;font-size:0.9rem}
th{background:#f3f3f3}tr.failed td:nth-child(5){color:#b00;font-weight:bold}tr.error td:nth-child(5){color:#b00}tr.passed td:nth-child(5){color:#070}
pre{white-space:pre-wrap;font-size:0.8rem}code{background:#f6f6f6}.note{color:#555}
</style></head><body>
<h1>Data quality: ${esc(rep.centre_id)}</h1>
<p class="note">Mapping spec <code>${esc(rep.spec.id)}</code> v${esc(rep.spec.version)}. Pseudonymisation key: ${esc(rep.pseudonymisation_key)}.
${failed.length ? `<strong>${failed.length} check(s) failed.</strong>` : 'All checks passed.'}</p>
<h2>Rows in and out</h2>
<table><tr><th>table</th><th>read</th><th>derived</th><th>merged</th><th>stored</th><th>quarantined</th><th>read + derived = stored + quarantined + merged</th></tr>${rows(tableCounts)}</table>
<h2>Sources</h2>
<table><tr><th>source</th><th>file</th><th>rows</th><th>SHA-256</th><th>routed elsewhere</th><th>codes left out on purpose</th><th>empty wide cells</th><th>skipped on purpose</th><th>rows no table took</th><th>unused columns</th></tr>
${rows(rep.sources.map((s) => [s.id, s.file, s.rows, s.sha256.slice(0, 16) + '…', JSON.stringify(s.routed), JSON.stringify(s.ignored_codes), s.empty_wide_cells, s.skipped ? `${s.skipped} (${s.skip_reason})` : 0, s.unused_rows, s.unused_columns.join(', ')]))}</table>
${rep.unread_files.length ? `<p>Files in the export folder that the spec does not read: ${rep.unread_files.map(esc).join(', ')}.</p>` : ''}
<h2>Checks</h2>
<table><tr><th>check</th><th>category</th><th>table</th><th>severity</th><th>status</th><th>failing</th><th>threshold</th><th>what it checks</th></tr>${checks.join('')}</table>
<h2>Quarantine by reason</h2>
<table><tr><th>check</th><th>problems</th></tr>${rows(Object.entries(rep.quarantine_by_check))}</table>
<h2>Unmapped codes</h2>
${unmapped.length ? `<table><tr><th>field</th><th>value in export</th><th>rows</th></tr>${rows(unmapped)}</table>` : '<p>None.</p>'}
<h2>Suspected identifiers in unmapped columns</h2>
${rep.suspected_identifiers.length ? `<table><tr><th>source</th><th>column</th><th>why</th></tr>${rows(rep.suspected_identifiers.map((s) => [s.source, s.column, s.reason]))}</table>` : '<p>None.</p>'}
<h2>The mapping spec</h2>
${marked.parse(specMarkdown, { async: false })}
</body></html>
`;
}

export { renderSpecMarkdown };
