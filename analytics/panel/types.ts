// Row types of the panel layer: a centre's full (not yet disclosure-controlled) count tables and model estimates.
import type { BUNDLE_GROUP_KEYS, BundleTableKind, DisclosurePolicy } from '../../schemas/bundle.js';

/** One count table before disclosure control: rows × columns of exact counts. */
export interface CountTable {
  id: string;
  kind: BundleTableKind;
  group: Partial<Record<(typeof BUNDLE_GROUP_KEYS)[number], string>>;
  rows: string[];
  cols: string[];
  counts: number[][];
}

/** A within-centre model estimate with what the policy needs to judge it. */
export interface EstimateCandidate {
  signal: string;
  method: 'firth' | 'maximum-likelihood' | null;
  log_or: number | null;
  std_err: number | null;
  n: number;
  events: number;
  parameters: number;
  /** The count table the estimate is computed from, when there is one (binary signals): released only if it is whole. */
  table: string | null;
}

/** Everything a centre's bundle is made from, before disclosure control. */
export interface CentreSummary {
  centre_id: string;
  period: { first: string; last: string };
  response_course: number;
  rulesets: {
    id: string;
    version: string | null;
    status: 'verified' | 'inferred' | 'unverified';
    rules: number;
    rules_inferred: number;
    rules_unverified: number;
  }[];
  tables: CountTable[];
  estimates: EstimateCandidate[];
  implied: {
    reference_ruleset: string;
    variable: string;
    n: number;
    held: number;
    ed50: number | null;
    delta_lower: number | null;
    delta_upper: number | null;
    step_direction: 'up' | 'down' | null;
    step_threshold: number | null;
    step_lower: number | null;
    step_upper: number | null;
  }[];
}

/** The policy's defaults: k = 5 (most data releasers; never below DataSHIELD's 3), nfilter.glm's 0.33. */
export const DEFAULT_POLICY: DisclosurePolicy = { min_cell: 5, min_model_patients: 10, min_model_events: 5, max_parameter_ratio: 0.33 };

/** End causes of the dose-survival table, in column order. */
export const DOSE_END_COLS = ['toxicity', 'maximum', 'other'] as const;
/** Concordance table: rows by the ruleset's decision, columns by what was recorded. */
export const CONCORDANCE_ROWS = ['criterion_met', 'criterion_not_met', 'not_assessable'] as const;
export const HELD_GIVEN_COLS = ['held', 'given'] as const;
/** Responder = CR or PR; non_responder = every other course of the table (of all treated: SD, PD, NE and not assessed). */
export const RESPONDER_COLS = ['responder', 'non_responder'] as const;

export const SIGNAL_LEVELS = ['present', 'absent', 'not_measured'] as const;
export const ECOG_COLS = ['0', '1', '2', '3', '4', 'unknown'] as const;
/** Age bands of ten years (a tabulation choice, not a clinical threshold). */
export const AGE_BANDS = [
  { label: 'lt40', lo: -Infinity, hi: 40 },
  { label: '40-49', lo: 40, hi: 50 },
  { label: '50-59', lo: 50, hi: 60 },
  { label: '60-69', lo: 60, hi: 70 },
  { label: 'ge70', lo: 70, hi: Infinity },
] as const;
