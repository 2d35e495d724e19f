// The consensus-panel bundle: what one centre releases (counts after disclosure control, model estimates that pass the
// policy, no keys, no dates finer than a quarter, no free text). Versioned: a pooled run refuses another schema version.
import { z } from 'zod';
import { CentreId, Sha256 } from './fields.js';
import { VERIFICATION_STATUSES, codesOf } from './vocabularies.js';

export const BUNDLE_KIND = 'il2kit.panel-bundle';
/**
 * 2: outcome tables (life tables, durable CR, serious events) for pooling outcomes (issue 22).
 * 3: reversibility and cycle-end tables; life tables on a 6-month grid, intervals merged by disclosure control.
 * 4: response and signal tables of all treated (RECIST 1.1's all-eligible denominator: non_responder includes NE and
 *    courses not assessed); the assessed-only rows in `response:assessed`; rows withheld against another table's row.
 */
export const BUNDLE_SCHEMA_VERSION = 4;

/** A calendar quarter, e.g. 2024-Q3: the finest time a bundle carries. */
export const YearQuarter = z.string().regex(/^\d{4}-Q[1-4]$/, 'year-quarter: YYYY-Qn, e.g. 2024-Q3 (no finer dates leave a centre)');
export type YearQuarter = z.infer<typeof YearQuarter>;

/** Row, column and group labels: codes from the kit's vocabularies and regimen labels, never free text. */
export const BundleLabel = z.string().regex(/^[A-Za-z0-9_.:/+<>=-]{1,64}$/, 'label: a code (letters, digits, _ . : / + < > = -), no spaces or free text');

/** A count, or null where disclosure control suppressed it (shown as "< k" or "suppressed"). */
export const BundleCount = z.number().int().min(0).nullable();

export const BUNDLE_TABLE_KINDS = [
  'dose_end',
  'dose_end_first',
  'concordance',
  'enforcement',
  'hold_reasons',
  'response',
  'signal',
  'case_mix_ecog',
  'case_mix_age',
  'os_life',
  'pfs_life',
  'durable_cr',
  'serious_events',
  'reversal',
  'cycle_end',
] as const;
export type BundleTableKind = (typeof BUNDLE_TABLE_KINDS)[number];

/** What a table is split by (reading: `recorded` or a ruleset id). */
export const BUNDLE_GROUP_KEYS = ['regimen', 'ruleset', 'signal', 'disease', 'measure', 'reading'] as const;

/** One count table: rows × columns of counts. Every row and column total is treated as public when suppressing. */
export const BundleTable = z
  .strictObject({
    id: BundleLabel,
    kind: z.enum(BUNDLE_TABLE_KINDS),
    group: z.partialRecord(z.enum(BUNDLE_GROUP_KEYS), BundleLabel),
    rows: z.array(BundleLabel).min(1),
    cols: z.array(BundleLabel).min(1),
    cells: z.array(z.array(BundleCount)),
    /** The whole table is withheld (its total is below the minimum cell count): every cell is null. */
    withheld: z.boolean(),
  })
  .superRefine((t, ctx) => {
    if (t.cells.length !== t.rows.length || t.cells.some((r) => r.length !== t.cols.length))
      ctx.addIssue({ code: 'custom', path: ['cells'], message: `table ${t.id}: cells must be ${t.rows.length} rows × ${t.cols.length} columns` });
  });
export type BundleTable = z.infer<typeof BundleTable>;

/** The disclosure policy applied (DataSHIELD's nfilter.tab and nfilter.glm ideas). */
export const DisclosurePolicy = z.strictObject({
  /** Minimum non-zero cell count k (never below 3). */
  min_cell: z.number().int().min(3),
  /** A model estimate needs at least this many patients (courses) … */
  min_model_patients: z.number().int().min(3),
  /** … and at least this many events and this many non-events. */
  min_model_events: z.number().int().min(3),
  /** … and parameters / patients at most this (nfilter.glm, 0.33). */
  max_parameter_ratio: z.number().gt(0).max(1),
});
export type DisclosurePolicy = z.infer<typeof DisclosurePolicy>;

/** A centre's own log odds ratio of response for one signal (within-centre model adjusted for disease). */
export const SignalEstimate = z.strictObject({
  signal: BundleLabel,
  method: z.enum(['firth', 'maximum-likelihood']),
  log_or: z.number(),
  std_err: z.number().positive(),
  n: z.number().int().min(0),
  events: z.number().int().min(0),
  parameters: z.number().int().min(1),
});
export type SignalEstimate = z.infer<typeof SignalEstimate>;

/** A centre's implied threshold for one variable against the reference ruleset (analytics/practice/implied-thresholds). */
export const ImpliedThresholdEstimate = z.strictObject({
  reference_ruleset: BundleLabel,
  variable: BundleLabel,
  n: z.number().int().min(0),
  held: z.number().int().min(0),
  ed50: z.number().nullable(),
  delta_lower: z.number().nullable(),
  delta_upper: z.number().nullable(),
  step_direction: z.enum(['up', 'down']).nullable(),
  step_threshold: z.number().nullable(),
  step_lower: z.number().nullable(),
  step_upper: z.number().nullable(),
});
export type ImpliedThresholdEstimate = z.infer<typeof ImpliedThresholdEstimate>;

/** A model estimate the policy kept back, and why (the rule, not the counts). */
export const WithheldEstimate = z.strictObject({
  what: z.enum(['signal', 'implied_threshold']),
  id: BundleLabel,
  rule: z.enum(['min_patients', 'min_events', 'parameter_ratio', 'suppressed_table', 'not_estimable']),
});

export const BundleRuleset = z.strictObject({
  id: BundleLabel,
  version: z.string().max(32).nullable(),
  status: z.enum(codesOf(VERIFICATION_STATUSES)),
  rules: z.number().int().min(0),
  rules_inferred: z.number().int().min(0),
  rules_unverified: z.number().int().min(0),
});

/** One centre's aggregate bundle, schema version 4. */
export const PanelBundle = z.strictObject({
  kind: z.literal(BUNDLE_KIND),
  schema_version: z.literal(BUNDLE_SCHEMA_VERSION),
  kit_version: z.string().regex(/^\d+\.\d+\.\d+/),
  centre_id: CentreId,
  /** First and last quarter with a cycle start. */
  period: z.strictObject({ first: YearQuarter, last: YearQuarter }),
  policy: DisclosurePolicy,
  /** How many cells were suppressed: below k (primary), to protect those (secondary), in withheld tables. */
  suppression: z.strictObject({ primary: z.number().int().min(0), secondary: z.number().int().min(0), withheld_tables: z.number().int().min(0) }),
  /** Response analyses: course analysed and landmark (the window ends at the response assessment). */
  response_course: z.number().int().min(1),
  rulesets: z.array(BundleRuleset),
  tables: z.array(BundleTable),
  signal_estimates: z.array(SignalEstimate),
  implied_thresholds: z.array(ImpliedThresholdEstimate),
  withheld_estimates: z.array(WithheldEstimate),
  /** SHA-256 of the canonical JSON of every other field (analytics/panel/hash.ts). */
  content_sha256: Sha256,
});
export type PanelBundle = z.infer<typeof PanelBundle>;

/**
 * A bundle of an earlier schema version as the audit log holds it: read only to compare the next release with (a
 * pooled run never reads one). Its tables may carry other meanings under the same ids (version 3's `response` was of
 * the assessed), which the cell-by-cell differencing check covers.
 */
export const EarlierPanelBundle = PanelBundle.extend({ schema_version: z.number().int().min(1).max(BUNDLE_SCHEMA_VERSION - 1) });
