// Per-slot decisions of one ruleset, kept as columns (issue 25). As objects, one per ruleset × compared slot, they were
// 7 M rows at 20,000 patients and ran the default heap out inside JSON.stringify; as typed arrays they are ~10 bytes a
// slot, with each slot's fired and not-evaluable rule lists as ids into small per-ruleset dictionaries. Rows are made
// only for the few cycles a figure draws (swimmerSample).
import { DECISIONS, type RulesetEvaluation } from '../../rules/engine.js';
import type { SlotFeatureFrame } from '../../rules/features.js';
import type { Ruleset } from '../../schemas/ruleset.js';
import { EXCLUDED, HELD_WITHOUT, MET_BUT_GIVEN, NOT_ASSESSABLE, SLOT_CLASSES, type SlotClasses } from './classify.js';

/** One ruleset evaluated over a frame in the recorded history, with its slots classed. */
export interface RulesetPass {
  ruleset: Ruleset;
  ev: RulesetEvaluation;
  classes: SlotClasses;
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

/** Interns a key into a dictionary; ids fit 16 bits (a ruleset's distinct rule lists are far fewer). */
function interner<T, K extends string | number>(first: T, make: (key: K) => T): { dict: T[]; id: (key: K) => number } {
  const dict: T[] = [first];
  const ids = new Map<K | '' | 0, number>([['', 0], [0, 0]]);
  return {
    dict,
    id: (key) => {
      let id = ids.get(key);
      if (id === undefined) {
        id = dict.length;
        if (id > 0xffff) throw new Error('slotDecisionColumns: more than 65,535 distinct rule lists in one ruleset');
        ids.set(key, id);
        dict.push(make(key));
      }
      return id;
    },
  };
}

/**
 * The per-slot decisions of one pass as columns: compared slots only (excluded ones, skipped or not reached, left out).
 * @example const cols = slotDecisionColumns(frame, { ruleset, ev, classes: classifySlots(frame, ev) });
 */
export function slotDecisionColumns(frame: SlotFeatureFrame, pass: RulesetPass): SlotDecisionColumns {
  const { ruleset, ev, classes } = pass;
  let n = 0;
  for (let i = 0; i < frame.n; i++) if (classes.cls[i] !== EXCLUDED) n++;
  const out: SlotDecisionColumns = {
    ruleset_id: ruleset.id, ruleset_status: ruleset.status, n,
    slot: new Int32Array(n), decision: new Uint8Array(n), cls: new Uint8Array(n), fired: new Uint16Array(n), cannot: new Uint16Array(n),
    firedSets: [], cannotSets: [],
  };
  // A fired list's key: its rule indices + 1 in base 65,537 (exact in a double for up to three rules), else as text.
  const fired = interner({ rules: '', status: '' }, (key: number | string) => {
    const list: number[] = [];
    if (typeof key === 'string') list.push(...key.split(',').map(Number));
    else for (let k = key; k > 0; k = Math.floor(k / 65537)) list.push((k % 65537) - 1);
    const rules = list.map((r) => ev.rules[r]!);
    return { rules: rules.map((r) => r.id).join('|'), status: rules.map((r) => r.status).join('|') };
  });
  const cannot = interner('', (key: string) => key);
  let k = 0;
  for (let i = 0; i < frame.n; i++) {
    const cls = classes.cls[i]!;
    if (cls === EXCLUDED) continue;
    out.slot[k] = i;
    out.decision[k] = ev.decision[i]!;
    out.cls[k] = cls;
    const f0 = ev.fired.offsets[i]!, f1 = ev.fired.offsets[i + 1]!;
    if (f1 - f0 > 3) out.fired[k] = fired.id(Array.from(ev.fired.rule.subarray(f0, f1)).join(','));
    else if (f1 > f0) {
      let key = 0;
      for (let f = f1 - 1; f >= f0; f--) key = key * 65537 + ev.fired.rule[f]! + 1;
      out.fired[k] = fired.id(key);
    }
    if (cls === NOT_ASSESSABLE) {
      const ids = new Set<string>();
      for (let c = ev.cannot.offsets[i]!; c < ev.cannot.offsets[i + 1]!; c++) ids.add(ev.rules[ev.cannot.rule[c]!]!.id);
      out.cannot[k] = cannot.id([...ids].join('|'));
    }
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
