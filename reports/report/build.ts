// The investigator report: one self-contained HTML page built from a store — summary first, then data quality, hold
// practice, doses reached, response signals, the consensus figures, any further sections, and provenance.
import { escapeHtml, renderReportPage, type ReportSection } from '../html/index.js';
import { runReportAnalyses, chooseRulesets } from './analyses.js';
import type { ReportContext, ReportProvenance } from './context.js';
import { consensusSection, loadConsensusData } from './consensus-section.js';
import { dataQualitySection } from './quality-section.js';
import { dosesSection } from './doses-section.js';
import { holdsSection } from './holds-section.js';
import { loadCentreRecords } from './load-records.js';
import { loadStoreFacts } from './load-store.js';
import { periodLabel } from './period.js';
import { provenanceSection } from './provenance-section.js';
import { outcomesSection } from './outcomes-section.js';
import { responseSection } from './response-section.js';
import { summarySection } from './summary-section.js';

/** A section made from the report's context, drawn after the consensus figures and before provenance. */
export type SectionBuilder = (ctx: ReportContext) => Promise<ReportSection | null> | ReportSection | null;

export interface BuildReportOptions {
  storeDir: string;
  /** Where the ingest wrote the data-quality reports (default: out/reports beside the store's folder). */
  reportsDir: string;
  /** Folder of the output file (links to the data-quality pages are relative to it). */
  outDir: string;
  centres?: readonly string[];
  reference?: string;
  provenance: Omit<ReportProvenance, 'parameters'> & { parameters?: Record<string, unknown> };
  /** Further sections, drawn after the consensus figures. */
  extraSections?: readonly SectionBuilder[];
  /** Progress of the steps (cli/progress.ts). */
  step?: (label: string) => void;
}

export interface BuiltReport {
  html: string;
  context: ReportContext;
  sections: string[];
}

/**
 * Builds the investigator report from a store.
 * @example const { html } = await buildReport({ storeDir: 'out/store', reportsDir: 'out/reports', outDir: 'out/report', provenance });
 */
export async function buildReport(o: BuildReportOptions): Promise<BuiltReport> {
  const reference = o.reference ?? 'consensus_2014_t3';
  chooseRulesets(reference); // an unknown reference is refused before any work
  o.step?.('reading the store');
  const facts = await loadStoreFacts(o.storeDir, o.centres ? { centres: o.centres } : {});
  const centres = facts.centres.map((c) => c.centre_id);
  const records = loadCentreRecords(o.storeDir, o.reportsDir, centres);
  // The consensus figures' reads run in DuckDB's threads while the analyses compute in this one.
  const consensusData = loadConsensusData(o.storeDir, { centres });
  consensusData.catch(() => undefined); // awaited (and its error reported) by the section
  const analyses = await runReportAnalyses(o.storeDir, { centres, reference, ...(o.step ? { step: o.step } : {}) });
  const parameters = { centres, reference, ...(o.provenance.parameters ?? {}) };
  const context: ReportContext = { facts, records, analyses, provenance: { ...o.provenance, parameters }, storeLabel: o.storeDir, outDir: o.outDir };
  o.step?.('drawing figures and tables');
  const sections: ReportSection[] = [
    summarySection(context),
    dataQualitySection(context),
    await holdsSection(context),
    await dosesSection(context),
    await responseSection(context),
    await outcomesSection(context),
  ];
  o.step?.('drawing the consensus figures');
  sections.push(await consensusSection(o.storeDir, { centres }, consensusData));
  for (const extra of o.extraSections ?? []) {
    const s = await extra(context);
    if (s !== null) sections.push(s);
  }
  sections.push(provenanceSection(context));
  const period = periodLabel(facts.centres.flatMap((c) => [c.first_slot, c.last_slot]));
  const html = renderReportPage({
    title: 'High-dose IL-2 across centres: hold practice, doses reached and response',
    subtitle: `${centres.length} centre${centres.length === 1 ? '' : 's'}: ${centres.join(', ')}${period ? ` · ${period}` : ''} · store ${o.storeDir}`,
    sections,
    footer: escapeHtml(
      `Made by il2kit ${o.provenance.kitVersion}${o.provenance.gitCommit ? ` (${o.provenance.gitCommit.slice(0, 12)})` : ''}. ` +
        'Synthetic or pseudonymised data only: no patient identifier is shown.',
    ),
  });
  return { html, context, sections: sections.map((s) => s.title) };
}
