// The data-quality report of one ingest run: JSON for machines; the page for the data manager is
// rendered from it by reports/dq-html.ts.
import type { IngestResult } from '../pipelines/ingest.js';
import { renderSpecMarkdown } from '../pipelines/map/spec-render.js';
import { QUARANTINE_CSV, type QuarantineReason, type QuarantineSample } from './quarantine.js';
import type { UnitSpelling } from './unit-spellings.js';

export interface DqReport {
  centre_id: string;
  spec: { id: string; version: string; path: string };
  pseudonymisation_key: string;
  sources: {
    id: string; file: string; sha256: string; bytes: number; rows: number;
    routed: Record<string, number>; ignored_codes: Record<string, number>; empty_wide_cells: number;
    skipped: number; skip_reason: string | null; unused_rows: number; unused_columns: string[];
    /** Rows of patients outside the spec's cohort: counted, nothing of them kept. */
    outside_cohort: number;
    /** References naming no resource (map/references.ts), by `source.reference`, and the first lines where they stand. */
    unresolved_references: Record<string, number>;
    unresolved_examples: string[];
    /** Rows kept but flagged by the source's flag rule (FHIR preliminary results), with its reason. */
    flagged: number; flag_reason: string | null;
  }[];
  unread_files: string[];
  /** Rows of patients outside the spec's cohort, by source as the spec writes it ({} without a cohort). */
  outside_cohort?: Record<string, number>;
  tables: IngestResult['counts'];
  checks: IngestResult['checks'];
  unmapped_codes: IngestResult['unmapped'];
  suspected_identifiers: IngestResult['suspectedIdentifiers'];
  /** Values the pipeline filled in from other data, by `table.field`. */
  derived_values: Record<string, number>;
  /** Problems per check (all tables). */
  quarantine_by_check: Record<string, number>;
  /** Quarantined records and problems per table and check, the largest first. */
  quarantine_reasons: QuarantineReason[];
  /** The first problems of each reason; every problem is in `quarantine_csv`. */
  quarantine_samples: QuarantineSample[];
  /** File name of the full quarantine list, beside the report. */
  quarantine_csv: string;
  /** Every unit spelling converted, per variable, with the spec's unit_spellings line it went through. */
  unit_spellings: UnitSpelling[];
  /** Stored instants whose time was imputed as the start of the period the export gave, by `table.column` and precision. */
  imputed_dates: Record<string, Record<string, number>>;
  /** Observations stored as recorded absences (no value, a FHIR data-absent-reason code), by variable and reason. */
  value_absences: Record<string, Record<string, number>>;
}

/** What the report shows of the centre's quarantine (reports/quarantine.ts reads it from the store). */
export interface QuarantineView {
  reasons: QuarantineReason[];
  samples: QuarantineSample[];
  /** Unit spellings of the stored observations (reports/unit-spellings.ts); absent: none read. */
  units?: UnitSpelling[];
  /** Imputed instants (reports/date-precision.ts); absent: none. */
  imputed?: Record<string, Record<string, number>>;
  /** Recorded absences (reports/value-absences.ts); absent: none. */
  absences?: Record<string, Record<string, number>>;
}

export function dqReport(r: IngestResult, q: QuarantineView): DqReport {
  const byCheck: Record<string, number> = {};
  for (const x of [...q.reasons].sort((a, b) => a.check.localeCompare(b.check))) byCheck[x.check] = (byCheck[x.check] ?? 0) + x.problems;
  return {
    centre_id: r.spec.centre.centre_id,
    spec: { id: r.spec.id, version: r.spec.version, path: r.specPath },
    pseudonymisation_key: r.key === 'samples-default' ? 'samples-default (INSECURE: synthetic samples only)' : r.key,
    sources: r.sources.map((s) => ({
      id: s.source, file: s.file, sha256: s.sha256, bytes: s.bytes, rows: s.rows, routed: s.routed, ignored_codes: s.ignoredCodes,
      empty_wide_cells: s.emptyWideCells, skipped: s.skipped, skip_reason: s.skipReason, unused_rows: s.unusedRows,
      unused_columns: r.unusedColumns[s.source] ?? [], outside_cohort: s.outsideCohort,
      unresolved_references: s.unresolvedReferences, unresolved_examples: s.unresolvedExamples, flagged: s.flagged, flag_reason: s.flagReason,
    })),
    unread_files: r.unreadFiles,
    outside_cohort: r.outsideCohort,
    tables: r.counts,
    checks: r.checks,
    unmapped_codes: r.unmapped,
    suspected_identifiers: r.suspectedIdentifiers,
    derived_values: { ...r.derivedFields },
    quarantine_by_check: Object.fromEntries(Object.entries(byCheck).sort(([a, m], [b, n]) => n - m || a.localeCompare(b))),
    quarantine_reasons: q.reasons,
    quarantine_samples: q.samples,
    quarantine_csv: QUARANTINE_CSV,
    unit_spellings: q.units ?? [],
    imputed_dates: q.imputed ?? {},
    value_absences: q.absences ?? {},
  };
}

export { renderSpecMarkdown };
