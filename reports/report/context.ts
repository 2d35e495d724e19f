// What every section builder is given, and the two ways a section shows evidence: a figure or a table, each naming
// the store it came from.
import type { TopLevelSpec } from 'vega-lite';
import { renderSvg } from '../../charts/render.js';
import { escapeHtml, formatPercent, htmlTable, inlineSvg, type TableColumn } from '../html/index.js';
import type { ReportAnalyses } from './analyses.js';
import type { CentreRecords } from './load-records.js';
import type { StoreFacts } from './load-store.js';

export interface ReportProvenance {
  kitVersion: string;
  /** Git commit of the kit, or null outside a git checkout. */
  gitCommit: string | null;
  /** When the report was made (SOURCE_DATE_EPOCH when set, for byte-identical rebuilds). */
  runAt: Date;
  /** Command-line parameters, as given. */
  parameters: Record<string, unknown>;
}

export interface ReportContext {
  facts: StoreFacts;
  records: CentreRecords[];
  analyses: ReportAnalyses;
  provenance: ReportProvenance;
  /** The store as the reader should see it named (path as given on the command line). */
  storeLabel: string;
  /** Folder of the report file: links to other pages are made relative to it. */
  outDir: string;
}

/** "Source: store out/store" — under every figure and table. */
export function sourceNote(ctx: Pick<ReportContext, 'storeLabel'>, extra = ''): string {
  return `<span class="note">Source: store <code>${escapeHtml(ctx.storeLabel)}</code>${extra ? `; ${escapeHtml(extra)}` : ''}.</span>`;
}

/** A rendered figure with its caption and source, or a note saying why it is not drawn (never an empty figure). */
export async function figure(ctx: ReportContext, spec: TopLevelSpec | null, alt: string, whyMissing = 'not enough data in the store'): Promise<string> {
  if (spec === null) return `<p class="missing">${escapeHtml(alt)}: not drawn — ${escapeHtml(whyMissing)}.</p>`;
  return inlineSvg(await renderSvg(spec), alt, { captionHtml: sourceNote(ctx) });
}

/** A table with a caption and its source underneath. */
export function table(ctx: ReportContext, columns: readonly TableColumn[], rows: readonly object[], caption: string): string {
  return htmlTable(columns, rows, { caption }) + `<p class="note">${sourceNote(ctx)}</p>`;
}

/** A paragraph of plain text. */
export const para = (text: string, cls = ''): string => `<p${cls ? ` class="${cls}"` : ''}>${escapeHtml(text)}</p>`;

/** A bulleted list of plain-text notes (nothing when empty). */
export const noteList = (notes: readonly string[]): string =>
  notes.length ? `<ul class="note">${notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>` : '';

/** 0.123 → "12.3%"; 0.0049 → "0.5%": the kit's one percentage rule (formatPercent). */
export const pct = formatPercent;

/** Verification status as the domain notes write it: [V], [INFERRED], [UNVERIFIED]. */
export function statusTag(status: string): string {
  return status === 'verified' ? '[V]' : `[${status.toUpperCase()}]`;
}
