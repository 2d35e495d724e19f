// Concordance classes: one per dose slot, comparing a ruleset's decision (given the recorded history) with the recorded status.
import { GIVE, NOT_REACHED, type RulesetEvaluation } from '../../rules/engine.js';
import type { SlotFeatureFrame } from '../../rules/features.js';
import { frameCodes } from './frame-codes.js';

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
  const { compared, held, centre, centres } = frameCodes(frame);
  const nr = ev.rules.length;
  // Per centre (frameCodes' index): compared slots, and per rule the compared slots where it could not be evaluated.
  const slotsPerCentre = new Int32Array(centres.length);
  const cannotPerCentre: (Uint32Array | undefined)[] = new Array(centres.length).fill(undefined);
  const seen: number[] = [];
  for (let i = 0; i < n; i++) {
    if (compared[i] === 0) continue;
    const c = centre[i]!;
    slotsPerCentre[c]! += 1;
    let counts = cannotPerCentre[c];
    if (counts === undefined) {
      cannotPerCentre[c] = counts = new Uint32Array(nr);
      seen.push(c);
    }
    let last = -1;
    for (let k = ev.cannot.offsets[i]!; k < ev.cannot.offsets[i + 1]!; k++) {
      const r = ev.cannot.rule[k]!;
      if (r !== last) counts[r]! += 1;
      last = r;
    }
  }
  // Keyed by centre id, in the order the centres' first compared slot appears.
  const unevaluableRules = new Map<string, Set<number>>();
  const skipOf: (Set<number> | undefined)[] = new Array(centres.length).fill(undefined);
  for (const c of seen) {
    const total = slotsPerCentre[c]!;
    const set = new Set<number>();
    cannotPerCentre[c]!.forEach((m, r) => {
      if (m >= total) set.add(r);
    });
    unevaluableRules.set(centres[c]!, set);
    skipOf[c] = set;
  }

  const cls = new Uint8Array(n);
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
    const k0 = ev.cannot.offsets[i]!, k1 = ev.cannot.offsets[i + 1]!;
    let missing = false;
    if (k1 > k0) {
      const skip = skipOf[centre[i]!]!;
      for (let k = k0; k < k1; k++) {
        if (!skip.has(ev.cannot.rule[k]!)) {
          missing = true;
          break;
        }
      }
    }
    cls[i] = missing ? NOT_ASSESSABLE : isHeld ? HELD_WITHOUT : NEITHER;
  }
  return { cls, unevaluableRules };
}
