// Concordance classes: one per dose slot, comparing a ruleset's decision (given the recorded history) with the recorded status.
import { GIVE, NOT_REACHED, type RulesetEvaluation } from '../../rules/engine.js';
import type { SlotFeatureFrame } from '../../rules/features.js';

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
  const compared = new Uint8Array(n);
  for (let i = 0; i < n; i++) compared[i] = frame.status[i] === 'given' || frame.status[i] === 'held' ? 1 : 0;

  const nr = ev.rules.length;
  const slotsPerCentre = new Map<string, number>();
  const cannotPerCentre = new Map<string, Uint32Array>();
  for (let i = 0; i < n; i++) {
    if (compared[i] === 0) continue;
    const c = frame.centre_id[i]!;
    slotsPerCentre.set(c, (slotsPerCentre.get(c) ?? 0) + 1);
    let counts = cannotPerCentre.get(c);
    if (counts === undefined) cannotPerCentre.set(c, (counts = new Uint32Array(nr)));
    let last = -1;
    for (let k = ev.cannot.offsets[i]!; k < ev.cannot.offsets[i + 1]!; k++) {
      const r = ev.cannot.rule[k]!;
      if (r !== last) counts[r]! += 1;
      last = r;
    }
  }
  const unevaluableRules = new Map<string, Set<number>>();
  for (const [c, counts] of cannotPerCentre) {
    const total = slotsPerCentre.get(c) ?? 0;
    const set = new Set<number>();
    counts.forEach((m, r) => {
      if (m >= total) set.add(r);
    });
    unevaluableRules.set(c, set);
  }

  const cls = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (compared[i] === 0 || ev.decision[i] === NOT_REACHED) {
      cls[i] = EXCLUDED;
      continue;
    }
    const held = frame.status[i] === 'held';
    if (ev.decision[i] !== GIVE) {
      cls[i] = held ? MET_AND_HELD : MET_BUT_GIVEN;
      continue;
    }
    const skip = unevaluableRules.get(frame.centre_id[i]!)!;
    let missing = false;
    for (let k = ev.cannot.offsets[i]!; k < ev.cannot.offsets[i + 1]!; k++) {
      if (!skip.has(ev.cannot.rule[k]!)) {
        missing = true;
        break;
      }
    }
    cls[i] = missing ? NOT_ASSESSABLE : held ? HELD_WITHOUT : NEITHER;
  }
  return { cls, unevaluableRules };
}
