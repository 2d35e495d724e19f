// Per-slot decisions of one ruleset, kept as columns (issue 25). As objects, one per ruleset × compared slot, they were
// 7 M rows at 20,000 patients and ran the default heap out inside JSON.stringify; as typed arrays they are ~10 bytes a
// slot, with each slot's fired and not-evaluable rule lists as ids into small per-ruleset dictionaries. Rows are made
// only for the few cycles a figure draws (swimmerSample).
import { DECISIONS, cannotAt, type CannotList, type FiredList, type MissingEvidence, type RulesetEvaluation } from '../../rules/engine.js';
import type { SlotFeatureFrame } from '../../rules/features.js';
import type { Rule, Ruleset } from '../../schemas/ruleset.js';
import { EXCLUDED, HELD_WITHOUT, MET_BUT_GIVEN, NOT_ASSESSABLE, SLOT_CLASSES, type SlotClasses } from './classify.js';

/** One ruleset evaluated over a frame in the recorded history, with its slots classed. */
export interface RulesetPass {
  ruleset: Ruleset;
  ev: RulesetEvaluation;
  classes: SlotClasses;
  /** The pass's slotDecisionColumns when already made (holdsReport makes the reference's for the swimmer sample). */
  columns?: SlotDecisionColumns;
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

/** SlotDecisionRow for every compared slot of one ruleset, as columns; slot identity stays in the frame. */
export interface SlotDecisionColumns {
  ruleset_id: string;
  ruleset_status: string;
  /** Compared slots. */
  n: number;
  /** Frame row of each compared slot, ascending. */
  slot: Int32Array;
  /** Index into DECISIONS. */
  decision: Uint8Array;
  /** Index into SLOT_CLASSES. */
  cls: Uint8Array;
  /** Index into firedSets (0: none fired). */
  fired: Uint16Array;
  /** Index into cannotSets (0: none, or the slot is assessable). */
  cannot: Uint16Array;
  /** fired_rules and fired_status text of each distinct list of fired rules. */
  firedSets: { rules: string; status: string }[];
  /** cannot_evaluate text of each distinct list of rules that could not be evaluated. */
  cannotSets: string[];
}

/**
 * Interns lists of rule indices (a slot's run of fired or not-evaluable rules) into a dictionary of texts, walking a
 * trie of the indices so that a slot costs array look-ups, no string or set. `entry` makes a list's entry the first
 * time the list is seen; lists giving the same `key` share one id (ids in first-seen order, 0: the empty list).
 */
class RuleListInterner<T> {
  readonly dict: T[];
  private readonly ids = new Map<string, number>();
  private readonly root: TrieNode = { id: 0, next: [] };
  constructor(
    empty: T,
    private readonly entry: (list: number[]) => T,
    private readonly key: (list: number[], entry: T) => string,
  ) {
    this.dict = [empty];
    this.ids.set(key([], empty), 0);
  }

  /** The id of rules[from..to) (in that order). */
  id(rules: ArrayLike<number>, from: number, to: number): number {
    let node = this.root;
    for (let f = from; f < to; f++) node = node.next[rules[f]!] ??= { id: -1, next: [] };
    if (node.id < 0) node.id = this.intern(Array.from({ length: to - from }, (_, k) => rules[from + k]!));
    return node.id;
  }

  private intern(list: number[]): number {
    const made = this.entry(list);
    const k = this.key(list, made);
    let id = this.ids.get(k);
    if (id === undefined) {
      id = this.dict.length;
      if (id > 0xffff) throw new Error('slotDecisionColumns: more than 65,535 distinct rule lists in one ruleset');
      this.ids.set(k, id);
      this.dict.push(made);
    }
    return id;
  }
}

interface TrieNode {
  id: number;
  next: TrieNode[];
}

/**
 * What slotDecisionColumns reads of a pass: typed arrays and rule ids, so it can be sent to another thread as it is
 * (passCore) and the columns made there (cli/commands/slot-decisions-thread.ts).
 */
export interface PassCore {
  ruleset: Pick<Ruleset, 'id' | 'status'>;
  ev: { rules: readonly Pick<Rule, 'id' | 'status'>[]; decision: Uint8Array; fired: Pick<FiredList, 'offsets' | 'rule'>; cannot: CannotList };
  classes: Pick<SlotClasses, 'cls'>;
  columns?: SlotDecisionColumns;
}

/**
 * The part of a pass slotDecisionColumns reads, without the ruleset's rules' other fields or the evaluation's other
 * arrays; its 'cannot evaluate' rows are those of the not-assessable slots only (the only ones read), from ev.missing.
 */
export function passCore({ ruleset, ev, classes }: RulesetPass): PassCore {
  return {
    ruleset: { id: ruleset.id, status: ruleset.status },
    ev: {
      rules: ev.rules.map((r) => ({ id: r.id, status: r.status })),
      decision: ev.decision,
      fired: { offsets: ev.fired.offsets, rule: ev.fired.rule },
      cannot: notAssessableCannot(ev.missing, classes.cls),
    },
    classes: { cls: classes.cls },
  };
}

/** Compressed 'cannot evaluate' rows with entries at the not-assessable slots only. */
function notAssessableCannot(missing: MissingEvidence, cls: Uint8Array): CannotList {
  const n = cls.length;
  const offsets = new Uint32Array(n + 1);
  const rules: number[] = [];
  const at: number[] = [];
  for (let i = 0; i < n; i++) {
    if (cls[i] === NOT_ASSESSABLE) for (const r of cannotAt(missing, i, at)) rules.push(r);
    offsets[i + 1] = rules.length;
  }
  return { offsets, rule: Uint16Array.from(rules) };
}

/**
 * The per-slot decisions of one pass as columns: compared slots only (excluded ones, skipped or not reached, left out).
 * @example const cols = slotDecisionColumns(frame, { ruleset, ev, classes: classifySlots(frame, ev) });
 */
export function slotDecisionColumns(frame: Pick<SlotFeatureFrame, 'n'>, pass: PassCore): SlotDecisionColumns {
  if (pass.columns !== undefined) return pass.columns;
  const { ruleset, ev, classes } = pass;
  let n = 0;
  for (let i = 0; i < frame.n; i++) if (classes.cls[i] !== EXCLUDED) n++;
  const out: SlotDecisionColumns = {
    ruleset_id: ruleset.id, ruleset_status: ruleset.status, n,
    slot: new Int32Array(n), decision: new Uint8Array(n), cls: new Uint8Array(n), fired: new Uint16Array(n), cannot: new Uint16Array(n),
    firedSets: [], cannotSets: [],
  };
  // A fired list is keyed by its rules in order; a not-evaluable list by its text (distinct rule ids, first seen first).
  const fired = new RuleListInterner(
    { rules: '', status: '' },
    (list) => {
      const rules = list.map((r) => ev.rules[r]!);
      return { rules: rules.map((r) => r.id).join('|'), status: rules.map((r) => r.status).join('|') };
    },
    (list) => list.join(','),
  );
  const cannot = new RuleListInterner('', (list) => [...new Set(list.map((r) => ev.rules[r]!.id))].join('|'), (_, e) => e);
  let k = 0;
  for (let i = 0; i < frame.n; i++) {
    const cls = classes.cls[i]!;
    if (cls === EXCLUDED) continue;
    out.slot[k] = i;
    out.decision[k] = ev.decision[i]!;
    out.cls[k] = cls;
    const f0 = ev.fired.offsets[i]!, f1 = ev.fired.offsets[i + 1]!;
    if (f1 > f0) out.fired[k] = fired.id(ev.fired.rule, f0, f1);
    if (cls === NOT_ASSESSABLE) out.cannot[k] = cannot.id(ev.cannot.rule, ev.cannot.offsets[i]!, ev.cannot.offsets[i + 1]!);
    k++;
  }
  out.firedSets = fired.dict;
  out.cannotSets = cannot.dict;
  return out;
}

/** Row k of the columns (frame: the one they were made from). */
export function slotDecisionRow(frame: SlotFeatureFrame, cols: SlotDecisionColumns, k: number): SlotDecisionRow {
  const i = cols.slot[k]!;
  const fired = cols.firedSets[cols.fired[k]!]!;
  return {
    ruleset_id: cols.ruleset_id, ruleset_status: cols.ruleset_status, centre_id: frame.centre_id[i]!, patient_key: frame.patient_key[i]!,
    cycle_id: frame.cycle_id[i]!, slot_number: frame.slot_number[i] as number, recorded: frame.status[i]!, decision: DECISIONS[cols.decision[k]!]!,
    class: SLOT_CLASSES[cols.cls[k]!]!, fired_rules: fired.rules, fired_status: fired.status, cannot_evaluate: cols.cannotSets[cols.cannot[k]!]!,
  };
}

/** The swimmer plot's sampling rule, as the figure and README state it. */
export function swimmerRule(perCentre: number): string {
  return `per centre, the ${perCentre} cycle(s) with the most slots where the ruleset and the recorded status disagree (met but given, or held without a ` +
    `criterion; ties by cycle id)`;
}

/**
 * Cycles to draw in a swimmer plot for one ruleset (swimmerRule): decision rows of the chosen cycles, in slot order.
 * @example swimmerSample(frame, cols, { perCentre: 4 })
 */
export function swimmerSample(frame: SlotFeatureFrame, cols: SlotDecisionColumns, options: { perCentre?: number } = {}): SlotDecisionRow[] {
  const perCentre = options.perCentre ?? 4;
  const disagreements = new Map<string, { centre: string; n: number }>();
  for (let k = 0; k < cols.n; k++) {
    const i = cols.slot[k]!;
    const cycle = frame.cycle_id[i]!;
    let e = disagreements.get(cycle);
    if (e === undefined) disagreements.set(cycle, (e = { centre: frame.centre_id[i]!, n: 0 }));
    if (cols.cls[k] === MET_BUT_GIVEN || cols.cls[k] === HELD_WITHOUT) e.n++;
  }
  const byCentre = new Map<string, [string, number][]>();
  for (const [cycle, e] of disagreements) {
    const list = byCentre.get(e.centre);
    if (list === undefined) byCentre.set(e.centre, [[cycle, e.n]]);
    else list.push([cycle, e.n]);
  }
  const chosen = new Set<string>();
  for (const list of byCentre.values()) {
    list.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    for (const [cycle] of list.slice(0, perCentre)) chosen.add(cycle);
  }
  const rows: SlotDecisionRow[] = [];
  for (let k = 0; k < cols.n; k++) if (chosen.has(frame.cycle_id[cols.slot[k]!]!)) rows.push(slotDecisionRow(frame, cols, k));
  return rows;
}
