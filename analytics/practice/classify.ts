// Concordance classes: one per dose slot, comparing a ruleset's decision (given the recorded history) with the recorded status.
import { GIVE, NOT_REACHED, type RulesetEvaluation } from '../../rules/engine.js';
import type { SlotFeatureFrame } from '../../rules/features.js';
import { frameCodes, type FrameCodes } from './frame-codes.js';

export const SLOT_CLASSES = ['met_and_held', 'met_but_given', 'held_without_criterion', 'neither', 'not_assessable', 'excluded'] as const;
export type SlotClass = (typeof SLOT_CLASSES)[number];
export const MET_AND_HELD = 0;
export const MET_BUT_GIVEN = 1;
export const HELD_WITHOUT = 2;
export const NEITHER = 3;
export const NOT_ASSESSABLE = 4;
export const EXCLUDED = 5;

export interface SlotClasses {
  /** Index into SLOT_CLASSES per slot. */
  cls: Uint8Array;
  /** Per centre, the rules never evaluable there (variable not recorded at all): they do not make a slot not_assessable. */
  unevaluableRules: Map<string, Set<number>>;
}

/**
 * Classes every slot: criterion met (decision hold/stop/discontinue) × recorded held; given and held slots only
 * (skipped, not_reached and not_recorded are 'excluded'). A slot with no criterion met but a rule that could not be
 * evaluated is 'not_assessable', unless that rule's evidence is never recorded at the centre.
 * @example const { cls } = classifySlots(frame, evaluateRuleset(consensus, frame, { history: 'recorded' }));
 */
export function classifySlots(frame: SlotFeatureFrame, ev: RulesetEvaluation): SlotClasses {
  if (ev.history !== 'recorded')
    throw new Error("classifySlots: evaluate with { history: 'recorded' } so every recorded slot has a decision given what actually happened");
  const n = frame.n;
  const codes = frameCodes(frame);
  const { compared, held, centre, centres } = codes;
  const { verdicts, ruleOfKey, extraSlot, extraKey } = ev.missing;
  // Per centre (frameCodes' index): compared slots, and per rule the compared slots where it could not be evaluated:
  // a state rule's from its trigger's verdicts (counted once per verdict array, which rulesets share), plus the extras.
  const slotsPerCentre = new Int32Array(centres.length);
  for (let i = 0; i < n; i++) if (compared[i] === 1) slotsPerCentre[centre[i]!]! += 1;
  const counts = centres.map(() => new Uint32Array(ev.rules.length));
  verdicts.forEach((v, k) => {
    const perCentre = missingPerCentre(v, codes);
    for (let c = 0; c < centres.length; c++) counts[c]![ruleOfKey[k]!]! += perCentre[c]!;
  });
  for (let e = 0; e < extraSlot.length; e++) {
    const i = extraSlot[e]!;
    if (compared[i] === 1) counts[centre[i]!]![ruleOfKey[extraKey[e]!]!]! += 1;
  }
  // Keyed by centre id, in the order the centres' first compared slot appears; per centre, the state rules (keys) whose
  // missing evidence makes a slot not assessable (those never evaluable there do not).
  const unevaluableRules = new Map<string, Set<number>>();
  const skipOf: Set<number>[] = centres.map(() => new Set());
  const liveKeys: number[][] = centres.map(() => []);
  for (const c of firstCompared(compared, centre, centres.length)) {
    const set = new Set<number>();
    counts[c]!.forEach((m, r) => {
      if (m >= slotsPerCentre[c]!) set.add(r);
    });
    unevaluableRules.set(centres[c]!, set);
    skipOf[c] = set;
    for (let k = 0; k < verdicts.length; k++) if (!set.has(ruleOfKey[k]!)) liveKeys[c]!.push(k);
  }

  const cls = new Uint8Array(n);
  let e = 0;
  for (let i = 0; i < n; i++) {
    if (compared[i] === 0 || ev.decision[i] === NOT_REACHED) {
      cls[i] = EXCLUDED;
      continue;
    }
    const isHeld = held[i] === 1;
    if (ev.decision[i] !== GIVE) {
      cls[i] = isHeld ? MET_AND_HELD : MET_BUT_GIVEN;
      continue;
    }
    let missing = false;
    for (const k of liveKeys[centre[i]!]!) {
      if (verdicts[k]![i] === -1) {
        missing = true;
        break;
      }
    }
    for (; e < extraSlot.length && extraSlot[e]! < i; e++);
    for (let x = e; !missing && x < extraSlot.length && extraSlot[x] === i; x++) missing = !skipOf[centre[i]!]!.has(ruleOfKey[extraKey[x]!]!);
    cls[i] = missing ? NOT_ASSESSABLE : isHeld ? HELD_WITHOUT : NEITHER;
  }
  return { cls, unevaluableRules };
}

/** Centre indices in the order their first compared slot appears. */
function firstCompared(compared: Uint8Array, centre: Int32Array, count: number): number[] {
  const seen = new Uint8Array(count);
  const out: number[] = [];
  for (let i = 0; i < compared.length && out.length < count; i++) {
    if (compared[i] === 1 && seen[centre[i]!] === 0) {
      seen[centre[i]!] = 1;
      out.push(centre[i]!);
    }
  }
  return out;
}

// Per verdict array and frame (its compared-slot codes): compared slots per centre where the verdict is missing.
const missingCounts = new WeakMap<Int8Array, WeakMap<Uint8Array, Uint32Array>>();

function missingPerCentre(verdict: Int8Array, { compared, centre, centres }: FrameCodes): Uint32Array {
  let byFrame = missingCounts.get(verdict);
  if (byFrame === undefined) missingCounts.set(verdict, (byFrame = new WeakMap()));
  let out = byFrame.get(compared);
  if (out === undefined) {
    out = new Uint32Array(centres.length);
    for (let i = 0; i < verdict.length; i++) if (verdict[i] === -1 && compared[i] === 1) out[centre[i]!]! += 1;
    byFrame.set(compared, out);
  }
  return out;
}
