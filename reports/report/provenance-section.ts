// Provenance: which kit made the report from what — kit version and commit, run time, each centre's input files with
// their hashes, mapping specs, every ruleset with its source and status, and the parameters.
import { escapeHtml, type ReportSection } from '../html/index.js';
import { noteList, statusTag, table, type ReportContext } from './context.js';

/**
 * The provenance section.
 * @example provenanceSection(ctx).id === 'provenance'
 */
export function provenanceSection(ctx: ReportContext): ReportSection {
  const p = ctx.provenance;
  const kit = [
    { item: 'il2kit version', value: p.kitVersion },
    { item: 'Git commit', value: p.gitCommit ?? 'not a git checkout' },
    { item: 'Report made (UTC)', value: p.runAt.toISOString().replace(/\.\d{3}Z$/, 'Z') },
    { item: 'Store', value: ctx.storeLabel },
    ...Object.entries(p.parameters).map(([k, v]) => ({ item: `Parameter ${k}`, value: Array.isArray(v) ? v.join(', ') : v })),
  ];
  const inputs = ctx.records.flatMap((r) =>
    (r.manifest?.inputs ?? []).map((i) => ({ centre: r.centre_id, file: i.path, bytes: i.bytes, sha256: i.sha256 })),
  );
  const ingests = ctx.records.map((r) => ({
    centre: r.centre_id,
    specs: r.manifest ? r.manifest.specs.map((s) => `${s.id} v${s.version}`).join(', ') : null,
    kit: r.manifest?.kit_version ?? null,
    at: r.manifest ? r.manifest.finished_at.replace(/\.\d{3}Z$/, 'Z') : null,
  }));
  const h = ctx.analyses.holds;
  const rulesets = h.ok ? h.value.rulesets : [];
  const rules = rulesets.map((rs) => ({
    id: rs.id,
    title: rs.title,
    version: rs.version,
    source: rs.source,
    status: statusTag(rs.status),
    rules: rs.rules.length,
    doubtful: rs.rules.filter((r) => r.status !== 'verified').map((r) => `${r.id} ${statusTag(r.status)}`).join(', ') || 'none',
  }));
  const html = [
    table(
      ctx,
      [
        { key: 'item', label: 'Item' },
        { key: 'value', label: 'Value' },
      ],
      kit,
      'This report',
    ),
    table(
      ctx,
      [
        { key: 'centre', label: 'Centre' },
        { key: 'specs', label: 'Mapping spec (id, version)' },
        { key: 'kit', label: 'Ingested by il2kit' },
        { key: 'at', label: 'Ingest finished (UTC)' },
      ],
      ingests,
      'Ingest of each centre',
    ),
    inputs.length
      ? `<details><summary>${inputs.length} input files with their SHA-256 hashes</summary>${table(
          ctx,
          [
            { key: 'centre', label: 'Centre' },
            { key: 'file', label: 'File' },
            { key: 'bytes', label: 'Bytes' },
            { key: 'sha256', label: 'SHA-256', format: (v: unknown) => String(v) },
          ],
          inputs,
          'Input files by centre',
        )}</details>`
      : '<p class="missing">No centre has an ingest manifest in the store: input hashes are unknown.</p>',
    noteList(ctx.records.flatMap((r) => r.notes.filter((n) => n.startsWith('no ingest manifest')))),
    rules.length
      ? table(
          ctx,
          [
            { key: 'id', label: 'Ruleset' },
            { key: 'title', label: 'Title' },
            { key: 'version', label: 'Version' },
            { key: 'source', label: 'Source' },
            { key: 'status', label: 'Status' },
            { key: 'rules', label: 'Rules' },
            { key: 'doubtful', label: 'Rules not verified' },
          ],
          rules,
          'Rulesets, with their source and verification status',
        )
      : '',
    `<p class="note">Statuses: [V] verified against the source; [INFERRED] read from a table's layout or wording; [UNVERIFIED] not checked against the ` +
      `source. ${escapeHtml('Figures and tables name the store they came from.')}</p>`,
  ].join('\n');
  return { id: 'provenance', title: 'Provenance', html };
}
