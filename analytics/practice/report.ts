// The hold-criteria report (issue 6): every practice table for a set of rulesets over one slot-feature frame, as typed
// row arrays ready to write (CSV/Parquet) or chart. Every rule-derived row carries the source and verification status
// of its rule or ruleset. The frame is computed once (slotFeaturesFromStore) and every ruleset is evaluated on it.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRulesets } from '../../rules/load.js';
import { evaluateRuleset, type RulesetEvaluation } from '../../rules/engine.js';
import { relativePolicyUnder } from '../../rules/relative-window.js';
import { computeSlotFeatures, readSlotFeatures, type SlotFeatureFrame } from '../../rules/features.js';
import { freshFeatureStamps } from '../../rules/feature-store.js';
import { concatFrames, readFeatureFrames } from '../../rules/feature-frames.js';
import { createDuckDB } from '../../pipelines/store/engine.js';
import { attachStoreReadOnly } from '../../pipelines/store/open.js';
import type { Rule, Ruleset } from '../../schemas/ruleset.js';
import { RULE_VARIABLES, type RuleVariableCode } from '../../schemas/vocabularies.js';
import { classifySlots } from './classify.js';
import { concordance, type ConcordanceRow } from './concordance.js';
import { enforcement, type EnforcementRow } from './enforcement.js';
import { holdReasonMix, type HoldReasonRow } from './hold-reasons.js';
import { IMPLIED_THRESHOLD_VARIABLES, impliedCells, impliedFitOptions, impliedRows, referenceBand, type ImpliedThresholdRow } from './implied-thresholds.js';
import { fitImplied } from './implied-fit.js';
import { startImpliedFits } from './implied-pool.js';
import { passCore, slotDecisionColumns, swimmerRule, swimmerSample, type RulesetPass, type SlotDecisionRow } from './slot-decisions.js';

/** The ruleset the implied thresholds are adjusted by and shown against, unless another is asked for. */
export const DEFAULT_REFERENCE = 'consensus_2014_t3';

/** Store tables the slot features are computed from. */
const FEATURE_SOURCES = ['dose_slot', 'cycle', 'observation', 'infusion', 'clinical_event'] as const;

export { kitRulesDir, kitRulesets } from '../../rules/kit.js';

/**
 * Slot features of a store, without writing to it: the store is attached read-only to an in-memory database. Centres
 * whose stored features are current (rules/feature-store.ts) are read as stored, from their frame files when those are
 * current too (rules/feature-frames.ts; `framed` lists them); the others are computed here (`computed`).
 * @example const frame = await slotFeaturesFromStore('out/store', { centres: ['amstel'] });
 */
export async function slotFeaturesFromStore(
  storeDir: string,
  options: { centres?: readonly string[] } = {},
): Promise<SlotFeatureFrame & { computed: string[]; framed: string[] }> {
  const db = await createDuckDB(':memory:');
  const conn = db.conn;
  try {
    await attachStoreReadOnly(conn, storeDir, 'store');
    const centres =
      options.centres ?? (await conn.runAndReadAll('SELECT DISTINCT centre_id FROM store.main.dose_slot ORDER BY 1')).getRows().map((r) => String(r[0]));
    const stamps = await freshFeatureStamps(conn, centres, 'store');
    // Every variable, stored or computed here: a frame does not depend on which of the two its centres came from.
    const stale = centres.filter((c) => !stamps.has(c));
    if (stale.length > 0) {
      for (const t of FEATURE_SOURCES) await conn.run(`CREATE VIEW ${t} AS SELECT * FROM store.main.${t}`);
      await computeSlotFeatures(conn, { centres: stale, table: '_sf_computed' });
    }
    // Frame files first (rules/feature-frames.ts): all centres in one pass when every one is there and current.
    const ordered = [...new Set(centres)].sort();
    let frame =
      stale.length === 0
        ? readFeatureFrames(
            storeDir,
            ordered.map((c) => stamps.get(c)!),
          )
        : null;
    const framed = frame === null ? [] : [...ordered];
    if (frame === null) {
      const parts: SlotFeatureFrame[] = [];
      for (const c of ordered) {
        const stamp = stamps.get(c);
        const stored = stamp === undefined ? null : readFeatureFrames(storeDir, [stamp]);
        if (stored !== null) framed.push(c);
        parts.push(
          stored ?? (await readSlotFeatures(conn, { centres: [c], tableFor: () => (stamp !== undefined ? 'store.main.slot_features' : '_sf_computed') })),
        );
      }
      frame = concatFrames(parts);
    }
    return { ...frame, computed: stale, framed };
  } finally {
    db.close();
  }
}

/** One row per ruleset: what it is and how far it is verified. */
export interface RulesetRow {
  ruleset_id: string;
  title: string;
  version: string | null;
  source: string;
  status: string;
  rules: number;
  rules_inferred: number;
  rules_unverified: number;
  /** Rules whose action (e.g. relative → hold) is an interpretation while the threshold may be verified. */
  actions_inferred: number;
  stop_after_relative_criteria: number | null;
  /** Whether relative criteria accumulate over the cycle or must meet at one slot, and that reading's status. */
  relative_criteria_window: string | null;
  relative_criteria_window_status: string | null;
  /** Cycles the relative-criteria policy stops (recorded history) under each reading; null without that policy. */
  relative_stops_cycle_window: number | null;
  relative_stops_slot_window: number | null;
  stop_after_held_doses: number | null;
  policy_source: string | null;
  policy_status: string | null;
}

/** One row per centre × ruleset: ConcordanceRow with the ruleset's source, and the unevaluable rules as text. */
export interface ConcordanceReportRow extends Omit<ConcordanceRow, 'unevaluable_rules'> {
  ruleset_source: string;
  policy_status: string | null;
  unevaluable_rules: string;
}

/** One row per ruleset × centre × rule: EnforcementRow with the rule's source. */
export interface EnforcementReportRow extends EnforcementRow {
  system: string;
  source: string;
}

/** One row per centre × variable: ImpliedThresholdRow with the unit, the reference rules' sources and the centre's stated rule. */
export interface ImpliedThresholdReportRow extends ImpliedThresholdRow {
  unit: string;
  reference_source: string;
  reference_status: string;
  /** The centre's own ruleset's criteria on the variable (ruleset id = centre id), or null without one. */
  stated_band: string | null;
}

/** One row per reference rule on an implied-threshold variable: the band it holds or stops in (null = unbounded). */
export interface ReferenceBandRow {
  ruleset_id: string;
  variable: RuleVariableCode;
  unit: string;
  rule_id: string;
  level: string | null;
  action: string;
  lower: number | null;
  upper: number | null;
  label: string;
  source: string;
  status: string;
}

export interface HoldsReport {
  centres: string[];
  reference: string;
  rulesets: RulesetRow[];
  concordance: ConcordanceReportRow[];
  enforcement: EnforcementReportRow[];
  holdReasons: HoldReasonRow[];
  impliedThresholds: ImpliedThresholdReportRow[];
  referenceBands: ReferenceBandRow[];
  /** The reference's decisions on the cycles the swimmer plot draws (swimmerRule; per-slot decisions of every ruleset go to onRuleset). */
  swimmer: SlotDecisionRow[];
  /** How the swimmer's cycles were chosen, for the figure and README. */
  swimmerRule: string;
}

export interface HoldsReportOptions {
  /** Ruleset the implied thresholds are adjusted by and drawn against (default consensus_2014_t3). */
  reference?: Ruleset;
  /** Bootstrap replicates of the change point's interval (default 200). */
  bootstrap?: number;
  /** Cycles per centre in the swimmer sample (default 4). */
  swimmerCycles?: number;
  /**
   * Called with each ruleset's pass (evaluation and classes) before the next is evaluated: the per-slot decisions are
   * taken from here (slotDecisionColumns), so the report itself never holds them for every ruleset.
   */
  onRuleset?: (pass: RulesetPass) => void;
}

const rulesOn = (ruleset: Ruleset, variable: RuleVariableCode): Rule[] => ruleset.rules.filter((r) => r.variable === variable);
const joinDistinct = (xs: readonly string[]): string => [...new Set(xs)].join('; ');

/** The numeric band of a rule on one variable (null = unbounded); present-type rules have none. */
function bandOf(rule: Rule): { lower: number | null; upper: number | null } | null {
  switch (rule.comparator) {
    case 'in_band':
      return { lower: rule.band?.lower ?? null, upper: rule.band?.upper ?? null };
    case 'gt':
    case 'ge':
      return { lower: rule.threshold, upper: null };
    case 'lt':
    case 'le':
      return { lower: null, upper: rule.threshold };
    case 'present':
      return null;
  }
}

/** The reference ruleset of a report: options.reference, or consensus_2014_t3 among the rulesets. */
function referenceOf(rulesets: readonly Ruleset[], options: HoldsReportOptions): Ruleset {
  const reference = options.reference ?? rulesets.find((r) => r.id === DEFAULT_REFERENCE);
  if (reference === undefined) throw new Error(`holdsReport: no reference ruleset (pass options.reference or include ${DEFAULT_REFERENCE})`);
  return reference;
}

/** The reference's evaluation and the implied thresholds' cells, which need only it: the first step of a report. */
function impliedStart(frame: SlotFeatureFrame, reference: Ruleset, options: HoldsReportOptions) {
  const referenceEv = evaluateRuleset(reference, frame, { history: 'recorded' });
  const cells = impliedCells(frame, reference, { evaluation: referenceEv });
  return { referenceEv, cells, fit: impliedFitOptions({ bootstrap: options.bootstrap ?? 200 }) };
}

/**
 * Every practice table of issue 6 for the given rulesets over one frame: concordance per centre × ruleset, enforcement
 * per centre × rule, the recorded hold-reason mix, implied thresholds beside the reference's bands, and the swimmer sample
 * of the reference's decisions; each ruleset's per-slot decisions are handed to `onRuleset`, never kept.
 * @example const report = holdsReport(await slotFeaturesFromStore(store), rulesets);
 */
export function holdsReport(frame: SlotFeatureFrame, rulesets: readonly Ruleset[], options: HoldsReportOptions = {}): HoldsReport {
  const reference = referenceOf(rulesets, options);
  const { referenceEv, cells, fit } = impliedStart(frame, reference, options);
  const passes = rulesetPasses(frame, rulesets, reference, referenceEv, options);
  return assemble(frame, rulesets, reference, passes, impliedRows(cells, cells.map((c) => fitImplied(c.task, fit)), reference), options);
}

/**
 * holdsReport with the implied thresholds' fits on a worker thread while this one evaluates the rulesets (issue 25); the
 * same report, byte for byte (test/analytics/practice/implied-pool.test.ts). `thread: false` fits them all here.
 * @example const report = await holdsReportThreaded(frame, rulesets, { reference });
 */
export async function holdsReportThreaded(
  frame: SlotFeatureFrame, rulesets: readonly Ruleset[], options: HoldsReportOptions & { thread?: boolean } = {},
): Promise<HoldsReport> {
  const reference = referenceOf(rulesets, options);
  const { referenceEv, cells, fit } = impliedStart(frame, reference, options);
  const fits = startImpliedFits(
    cells.map((c) => c.task),
    fit,
    options.thread === undefined ? {} : { thread: options.thread },
  );
  let passes: RulesetPasses;
  try {
    passes = rulesetPasses(frame, rulesets, reference, referenceEv, options);
  } catch (e) {
    await fits.cancel();
    throw e;
  }
  return assemble(frame, rulesets, reference, passes, impliedRows(cells, await fits.done(), reference), options);
}

interface RulesetPasses {
  rulesetRows: RulesetRow[];
  concordanceRows: ConcordanceReportRow[];
  enforcementRows: EnforcementReportRow[];
  swimmer: SlotDecisionRow[];
}

/** Each ruleset evaluated in turn (the reference's evaluation reused): its rows, its pass handed to onRuleset. */
function rulesetPasses(
  frame: SlotFeatureFrame, rulesets: readonly Ruleset[], reference: Ruleset, referenceEv: RulesetEvaluation, options: HoldsReportOptions,
): RulesetPasses {
  const rulesetRows: RulesetRow[] = rulesets.map((rs) => ({
    ruleset_id: rs.id, title: rs.title, version: rs.version ?? null, source: rs.source, status: rs.status, rules: rs.rules.length,
    rules_inferred: rs.rules.filter((r) => r.status === 'inferred').length, rules_unverified: rs.rules.filter((r) => r.status === 'unverified').length,
    actions_inferred: rs.rules.filter((r) => r.action_status === 'inferred').length,
    stop_after_relative_criteria: rs.policies.stop_after_relative_criteria, stop_after_held_doses: rs.policies.stop_after_held_doses,
    // Filled in below from the ruleset's evaluation.
    relative_criteria_window: null, relative_criteria_window_status: null, relative_stops_cycle_window: null, relative_stops_slot_window: null,
    policy_source: rs.policies.policy_source, policy_status: rs.policies.policy_status,
  }));
  const concordanceRows: ConcordanceReportRow[] = [];
  const enforcementRows: EnforcementReportRow[] = [];
  let swimmer: SlotDecisionRow[] = [];
  const perCentre = options.swimmerCycles ?? 4;
  for (const [k, rs] of rulesets.entries()) {
    const ev = rs === reference ? referenceEv : evaluateRuleset(rs, frame, { history: 'recorded' });
    Object.assign(rulesetRows[k]!, relativeWindowStops(rs, frame, ev));
    const classes = classifySlots(frame, ev);
    for (const row of concordance(frame, ev, classes)) {
      concordanceRows.push({ ...row, ruleset_source: rs.source, policy_status: rs.policies.policy_status, unevaluable_rules: row.unevaluable_rules.join('|') });
    }
    for (const row of enforcement(frame, ev)) {
      const rule = rs.rules.find((r) => r.id === row.rule_id)!;
      enforcementRows.push({ ...row, system: rule.system, source: rule.source });
    }
    // The reference's decision columns are made once: for the swimmer sample and for onRuleset.
    const columns = rs.id === reference.id ? slotDecisionColumns(frame, passCore({ ruleset: rs, ev, classes })) : undefined;
    if (columns !== undefined) swimmer = swimmerSample(frame, columns, { perCentre });
    options.onRuleset?.(columns === undefined ? { ruleset: rs, ev, classes } : { ruleset: rs, ev, classes, columns });
  }
  return { rulesetRows, concordanceRows, enforcementRows, swimmer };
}

/** The report from the rulesets' passes and the fitted implied thresholds: units, sources, stated bands, reference bands. */
function assemble(
  frame: SlotFeatureFrame, rulesets: readonly Ruleset[], reference: Ruleset, passes: RulesetPasses, fitted: ImpliedThresholdRow[],
  options: HoldsReportOptions,
): HoldsReport {
  const centres = [...new Set(frame.centre_id)].sort();
  const own = new Map(rulesets.map((rs) => [rs.id, rs]));
  const implied: ImpliedThresholdReportRow[] = fitted.map((row) => {
    const refRules = rulesOn(reference, row.variable);
    const stated = own.get(row.centre_id);
    return {
      ...row,
      unit: RULE_VARIABLES[row.variable].unit,
      reference_source: joinDistinct(refRules.map((r) => r.source)),
      reference_status: joinDistinct(refRules.map((r) => r.status)),
      stated_band: stated === undefined ? null : referenceBand(stated, row.variable) || null,
    };
  });

  const referenceBands: ReferenceBandRow[] = IMPLIED_THRESHOLD_VARIABLES.flatMap((variable) =>
    rulesOn(reference, variable).flatMap((rule): ReferenceBandRow[] => {
      const band = bandOf(rule);
      if (band === null) return [];
      return [{
        ruleset_id: reference.id, variable, unit: rule.unit, rule_id: rule.id, level: rule.level, action: rule.action, ...band,
        label: referenceBand({ ...reference, rules: [rule] }, variable), source: rule.source, status: rule.status,
      }];
    }),
  );

  return {
    centres, reference: reference.id, rulesets: passes.rulesetRows, concordance: passes.concordanceRows, enforcement: passes.enforcementRows,
    holdReasons: holdReasonMix(frame), impliedThresholds: implied, referenceBands, swimmer: passes.swimmer,
    swimmerRule: swimmerRule(options.swimmerCycles ?? 4),
  };
}

/**
 * The relative-criteria policy's stops under both readings (criteria over the cycle, or at one slot), in cycles; `ev` is
 * the ruleset's own evaluation (recorded history), from which the other reading's stops are derived.
 */
function relativeWindowStops(
  rs: Ruleset,
  frame: SlotFeatureFrame,
  ev: RulesetEvaluation,
): Pick<RulesetRow, 'relative_criteria_window' | 'relative_criteria_window_status' | 'relative_stops_cycle_window' | 'relative_stops_slot_window'> {
  const p = rs.policies;
  if (p.stop_after_relative_criteria === null)
    return { relative_criteria_window: null, relative_criteria_window_status: null, relative_stops_cycle_window: null, relative_stops_slot_window: null };
  const stopped = (policy: Uint8Array): number => {
    const cycles = new Set<string>();
    for (let i = 0; i < policy.length; i++) if (policy[i] === 1) cycles.add(frame.cycle_id[i]!);
    return cycles.size;
  };
  const otherWindow = p.relative_criteria_window === 'cycle' ? 'slot' : 'cycle';
  // Read off the ruleset's own evaluation (rules/relative-window.ts); evaluated again only where that is not exact.
  const derived = relativePolicyUnder(ev, frame, otherWindow);
  const other = stopped(
    derived ?? evaluateRuleset({ ...rs, policies: { ...p, relative_criteria_window: otherWindow } }, frame, { history: 'recorded' }).policy,
  );
  const own = stopped(ev.policy);
  return {
    relative_criteria_window: p.relative_criteria_window,
    relative_criteria_window_status: p.relative_criteria_window_status,
    relative_stops_cycle_window: otherWindow === 'cycle' ? other : own,
    relative_stops_slot_window: otherWindow === 'slot' ? other : own,
  };
}
