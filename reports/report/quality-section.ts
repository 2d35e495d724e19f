// Data quality per centre, short: rows in / stored / quarantined, checks that failed or warned, unmapped codes, and a
// link to the centre's full data-quality page. Passed checks are collapsed, after what needs attention.
import { relative } from 'node:path';
import { escapeHtml, htmlTable, type ReportSection } from '../html/index.js';
import { noteList, sourceNote, type ReportContext } from './context.js';
import type { CentreRecords } from './load-records.js';
import { KIND_LABELS, OBSERVATION_KINDS } from './load-store.js';

type Check = NonNullable<CentreRecords['dq']>['checks'][number];

/** A failed check of error severity fails the ingest; of warning severity it warns. */
const attention = (c: Check) => c.status === 'failed' || c.status === 'error';

function centreRow(ctx: ReportContext, r: CentreRecords) {
  const tables = r.dq ? Object.values(r.dq.tables) : r.manifest ? Object.values(r.manifest.tables) : [];
  const sum = (k: 'read' | 'derived' | 'stored' | 'quarantined' | 'merged') => (tables.length ? tables.reduce((s, t) => s + t[k], 0) : null);
  const checks = r.dq?.checks ?? [];
  const failed = checks.filter((c) => attention(c) && c.severity === 'error').map((c) => c.id);
  const warned = checks.filter((c) => attention(c) && c.severity !== 'error').map((c) => c.id);
  const unmapped = r.dq ? Object.values(r.dq.unmapped_codes).reduce((s, m) => s + Object.keys(m).length, 0) : null;
  const facts = ctx.facts.centres.find((c) => c.centre_id === r.centre_id);
  const lacking = facts ? OBSERVATION_KINDS.filter((k) => facts.kinds[k] === 0).map((k) => KIND_LABELS[k]) : [];
  const link = r.dqHtml ? `<a href="${escapeHtml(relative(ctx.outDir, r.dqHtml).split('\\').join('/'))}">full page</a>` : '—';
  return {
    centre: r.centre_id,
    rows_in: sum('read') === null ? null : sum('read')! + sum('derived')!,
    stored: sum('stored'),
    absences: facts ? facts.absences : null,
    merged: sum('merged'),
    quarantined: sum('quarantined'),
    failed: r.dq ? (failed.length ? failed.join(', ') : 'none') : null,
    warned: r.dq ? (warned.length ? warned.join(', ') : 'none') : null,
    unmapped,
    lacking: lacking.length ? lacking.join(', ') : 'none',
    link,
  };
}

function passedChecks(r: CentreRecords): string {
  const passed = (r.dq?.checks ?? []).filter((c) => !attention(c));
  if (passed.length === 0) return '';
  const cols = [
    { key: 'id', label: 'Check' },
    { key: 'table', label: 'Table' },
    { key: 'status', label: 'Status', format: (v: unknown) => String(v).replace('_', ' ') },
    { key: 'description', label: 'What it checks' },
  ];
  return `<details><summary>${escapeHtml(r.centre_id)}: ${passed.length} checks passed or not applicable</summary>${htmlTable(cols, passed)}</details>`;
}

/**
 * The data-quality section: one short row per centre, links to the full pages, passed checks collapsed.
 * @example dataQualitySection(ctx).id === 'data-quality'
 */
export function dataQualitySection(ctx: ReportContext): ReportSection {
  const cols = [
    { key: 'centre', label: 'Centre' },
    { key: 'rows_in', label: 'Rows in (read + derived)' },
    { key: 'stored', label: 'Stored' },
    { key: 'absences', label: 'Of which recorded absences' },
    { key: 'merged', label: 'Merged' },
    { key: 'quarantined', label: 'Quarantined' },
    { key: 'failed', label: 'Checks failed' },
    { key: 'warned', label: 'Checks warned' },
    { key: 'unmapped', label: 'Unmapped codes' },
    { key: 'lacking', label: 'Observation kinds missing' },
    { key: 'link', label: 'Data-quality page', html: true, format: (v: unknown) => String(v) },
  ];
  const rows = ctx.records.map((r) => centreRow(ctx, r));
  const failing = ctx.records.flatMap((r) =>
    (r.dq?.checks ?? [])
      .filter(attention)
      .map((c) => ({
        centre: r.centre_id,
        id: c.id,
        severity: c.severity,
        failing: `${c.n_failed} of ${c.n_total} (${c.pct}%)`,
        message: c.message ?? c.description,
      })),
  );
  const failingCols = [
    { key: 'centre', label: 'Centre' },
    { key: 'id', label: 'Check' },
    { key: 'severity', label: 'Severity' },
    { key: 'failing', label: 'Failing' },
    { key: 'message', label: 'What it found' },
  ];
  const html = [
    `<p>Rows in balance rows stored, merged and quarantined for every table; quarantined rows are kept with their reason in the store's quarantine ` +
      `table and listed on each centre's full page. Stored rows include observations recorded as absent (no value, the export's reason for it: ` +
      `FHIR dataAbsentReason, SDTM --STAT), counted apart; no analysis reads them, and a kind of observation recorded only as absent is ` +
      `listed as missing.</p>`,
    htmlTable(cols, rows, { caption: 'Data quality by centre' }),
    failing.length ? htmlTable(failingCols, failing, { caption: 'Checks that failed or warned' }) : '<p>No check failed or warned.</p>',
    noteList(ctx.records.flatMap((r) => r.notes)),
    ...ctx.records.map(passedChecks),
    `<p class="note">${sourceNote(ctx, 'ingest data-quality reports')}</p>`,
  ].join('\n');
  return { id: 'data-quality', title: 'Data quality', html };
}
