// The hold-criteria report (issue 6): every practice table for a set of rulesets over one slot-feature frame, as typed
// row arrays ready to write (CSV/Parquet) or chart. Every rule-derived row carries the source and verification status
// of its rule or ruleset. The frame is computed once (slotFeaturesFromStore) and every ruleset is evaluated on it.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRulesets } from '../../rules/load.js';
import { DECISIONS, evaluateRuleset } from '../../rules/engine.js';
import { computeSlotFeatures, readSlotFeatures, type SlotFeatureFrame } from '../../rules/features.js';
import { freshFeatureStamps } from '../../rules/feature-store.js';
import { concatFrames, readFeatureFrames } from '../../rules/feature-frames.js';
import { createDuckDB } from '../../pipelines/store/engine.js';
import { attachStoreReadOnly } from '../../pipelines/store/open.js';
import type { Rule, Ruleset } from '../../schemas/ruleset.js';
import { RULE_VARIABLES, type RuleVariableCode } from '../../schemas/vocabularies.js';
import { EXCLUDED, NOT_ASSESSABLE, SLOT_CLASSES, classifySlots } from './classify.js';
import { concordance, type ConcordanceRow } from './concordance.js';
import { enforcement, type EnforcementRow } from './enforcement.js';
import { holdReasonMix, type HoldReasonRow } from './hold-reasons.js';
import { IMPLIED_THRESHOLD_VARIABLES, impliedThresholds, referenceBand, type ImpliedThresholdRow } from './implied-thresholds.js';

/** The ruleset the implied thresholds are adjusted by and shown against, unless another is asked for. */
export const DEFAULT_REFERENCE = 'consensus_2014_t3';

/** Store tables the slot features are computed from. */
const FEATURE_SOURCES = ['dose_slot', 'cycle', 'observation', 'infusion', 'clinical_event'] as const;

/** The kit's rules/ folder (found upward from this module, so it works from source and from dist/). */
export function kitRulesDir(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'rules', 'sources'))) return join(dir, 'rules');
    if (dirname(dir) === dir) throw new Error('rules/sources not found above the il2kit module; the rulesets ship with the repository');
  }
}

/**
 * Every ruleset the kit ships: the published sources (rules/sources), then each sample centre's stated rules (rules/centres).
 * @example const rulesets = kitRulesets(); rulesets.map((r) => r.id)
 */
export function kitRulesets(): Ruleset[] {
  const dir = kitRulesDir();
  return [...loadRulesets(join(dir, 'sources')), ...loadRulesets(join(dir, 'centres'))];
}

/**
 * Slot features of a store, without writing to it: the store is attached read-only to an in-memory database. Centres
 * whose stored features are current (rules/feature-store.ts) are read as stored, from their frame files when those are
 * current too (rules/feature-frames.ts; `framed` lists them); the others are computed here (`computed`).
 * @example const frame = await slotFeaturesFromStore('out/store', { centres: ['amstel'] });
 */
export async function slotFeaturesFromStore(storeDir: string, options: { centres?: readonly string[] } = {}): Promise<SlotFeatureFrame & { computed: string[]; framed: string[] }> {
  const db = await createDuckDB(':memory:');
  const conn = db.conn;
  try {
    await attachStoreReadOnly(conn, storeDir, 'store');
    const centres = options.centres ?? (await conn.runAndReadAll('SELECT DISTINCT centre_id FROM store.main.dose_slot ORDER BY 1')).getRows().map((r) => String(r[0]));
    const stamps = await freshFeatureStamps(conn, centres, 'store');
    // Every variable, stored or computed here: a frame does not depend on which of the two its centres came from.
    const stale = centres.filter((c) => !stamps.has(c));
    if (stale.length > 0) {
      for (const t of FEATURE_SOURCES) await conn.run(`CREATE VIEW ${t} AS SELECT * FROM store.main.${t}`);
      await computeSlotFeatures(conn, { centres: stale, table: '_sf_computed' });
    }
    // Frame files first (rules/feature-frames.ts): all centres in one pass when every one is there and current.
    const ordered = [...new Set(centres)].sort();
    let frame = stale.length === 0 ? readFeatureFrames(storeDir, ordered.map((c) => stamps.get(c)!)) : null;
    const framed = frame === null ? [] : [...ordered];
    if (frame === null) {
      const parts: SlotFeatureFrame[] = [];
      for (const c of ordered) {
        const stamp = stamps.get(c);
        const stored = stamp === undefined ? null : readFeatureFrames(storeDir, [stamp]);
        if (stored !== null) framed.push(c);
        parts.push(stored ?? (await readSlotFeatures(conn, { centres: [c], tableFor: () => (stamp !== undefined ? 'store.main.slot_features' : '_sf_computed') })));
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
  stop_after_relative_criteria: number | null;
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

/** One row per ruleset × compared slot (given or held): what the ruleset would have done, given the recorded history. */
export interface SlotDecisionRow {
  ruleset_id: string;
  ruleset_status: string;
  centre_id: string;
  patient_key: string;
  cycle_id: string;
  slot_number: number;
  recorded: string;
  decision: (typeof DECISIONS)[number];
  /** Concordance class of the slot (SLOT_CLASSES). */
  class: (typeof SLOT_CLASSES)[number];
  fired_rules: string;
  /** Verification status of each fired rule, in the same order. */
  fired_status: string;
  cannot_evaluate: string;
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
  decisions: SlotDecisionRow[];
}

export interface HoldsReportOptions {
  /** Ruleset the implied thresholds are adjusted by and drawn against (default consensus_2014_t3). */
  reference?: Ruleset;
  /** Bootstrap replicates of the change point's interval (default 200). */
  bootstrap?: number;
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

/**
 * Every practice table of issue 6 for the given rulesets over one frame: concordance per centre × ruleset, enforcement
 * per centre × rule, the recorded hold-reason mix, implied thresholds beside the reference's bands, and per-slot decisions.
 * @example const report = holdsReport(await slotFeaturesFromStore(store), rulesets);
 */
export function holdsReport(frame: SlotFeatureFrame, rulesets: readonly Ruleset[], options: HoldsReportOptions = {}): HoldsReport {
  const reference = options.reference ?? rulesets.find((r) => r.id === DEFAULT_REFERENCE);
  if (reference === undefined) throw new Error(`holdsReport: no reference ruleset (pass options.reference or include ${DEFAULT_REFERENCE})`);
  const centres = [...new Set(frame.centre_id)].sort();

  const rulesetRows: RulesetRow[] = rulesets.map((rs) => ({
    ruleset_id: rs.id, title: rs.title, version: rs.version ?? null, source: rs.source, status: rs.status, rules: rs.rules.length,
    rules_inferred: rs.rules.filter((r) => r.status === 'inferred').length, rules_unverified: rs.rules.filter((r) => r.status === 'unverified').length,
    stop_after_relative_criteria: rs.policies.stop_after_relative_criteria, stop_after_held_doses: rs.policies.stop_after_held_doses,
    policy_source: rs.policies.policy_source, policy_status: rs.policies.policy_status,
  }));

  const concordanceRows: ConcordanceReportRow[] = [];
  const enforcementRows: EnforcementReportRow[] = [];
  const decisions: SlotDecisionRow[] = [];
  for (const rs of rulesets) {
    const ev = evaluateRuleset(rs, frame, { history: 'recorded' });
    const classes = classifySlots(frame, ev);
    for (const row of concordance(frame, ev, classes)) {
      concordanceRows.push({ ...row, ruleset_source: rs.source, policy_status: rs.policies.policy_status, unevaluable_rules: row.unevaluable_rules.join('|') });
    }
    for (const row of enforcement(frame, ev)) {
      const rule = rs.rules.find((r) => r.id === row.rule_id)!;
      enforcementRows.push({ ...row, system: rule.system, source: rule.source });
    }
    for (let i = 0; i < frame.n; i++) {
      const cls = classes.cls[i]!;
      if (cls === EXCLUDED) continue;
      const fired: Rule[] = [];
      for (let k = ev.fired.offsets[i]!; k < ev.fired.offsets[i + 1]!; k++) fired.push(ev.rules[ev.fired.rule[k]!]!);
      const cannot = new Set<string>();
      for (let k = ev.cannot.offsets[i]!; k < ev.cannot.offsets[i + 1]!; k++) cannot.add(ev.rules[ev.cannot.rule[k]!]!.id);
      decisions.push({
        ruleset_id: rs.id, ruleset_status: rs.status, centre_id: frame.centre_id[i]!, patient_key: frame.patient_key[i]!, cycle_id: frame.cycle_id[i]!,
        slot_number: frame.slot_number[i] as number, recorded: frame.status[i]!, decision: DECISIONS[ev.decision[i]!]!, class: SLOT_CLASSES[cls]!,
        fired_rules: fired.map((r) => r.id).join('|'), fired_status: fired.map((r) => r.status).join('|'),
        cannot_evaluate: cls === NOT_ASSESSABLE ? [...cannot].join('|') : '',
      });
    }
  }

  const own = new Map(rulesets.map((rs) => [rs.id, rs]));
  const implied: ImpliedThresholdReportRow[] = impliedThresholds(frame, reference, { bootstrap: options.bootstrap ?? 200 }).map((row) => {
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
    centres, reference: reference.id, rulesets: rulesetRows, concordance: concordanceRows, enforcement: enforcementRows,
    holdReasons: holdReasonMix(frame), impliedThresholds: implied, referenceBands, decisions,
  };
}

/**
 * Cycles to draw in a swimmer plot for one ruleset: per centre, the `perCentre` cycles with the most slots where the
 * ruleset and the recorded status disagree (ties by cycle id), as decision rows in slot order.
 * @example swimmerDecisions(report.decisions, 'consensus_2014_t3', { perCentre: 4 })
 */
export function swimmerDecisions(decisions: readonly SlotDecisionRow[], rulesetId: string, options: { perCentre?: number } = {}): SlotDecisionRow[] {
  const perCentre = options.perCentre ?? 5;
  const rows = decisions.filter((d) => d.ruleset_id === rulesetId);
  const disagreements = new Map<string, { centre: string; n: number }>();
  for (const d of rows) {
    const e = disagreements.get(d.cycle_id) ?? { centre: d.centre_id, n: 0 };
    if (d.class === 'met_but_given' || d.class === 'held_without_criterion') e.n++;
    disagreements.set(d.cycle_id, e);
  }
  const chosen = new Set<string>();
  for (const centre of [...new Set(rows.map((d) => d.centre_id))].sort()) {
    [...disagreements]
      .filter(([, e]) => e.centre === centre)
      .sort((a, b) => b[1].n - a[1].n || a[0].localeCompare(b[0]))
      .slice(0, perCentre)
      .forEach(([cycle]) => chosen.add(cycle));
  }
  return rows.filter((d) => chosen.has(d.cycle_id));
}
