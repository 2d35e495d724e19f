// Concordance classes: one per dose slot, comparing a ruleset's decision (given the recorded history) with the recorded status.
import { GIVE, NOT_REACHED, firstAtOrAfter, type RulesetEvaluation } from '../../rules/engine.js';
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
  // Live keys on a column are tested through the frame's missing-value bits (two words a slot), the others one by one.
  const masks = missingMasks(codes, n);
  const live = centres.map(() => ({ lo: 0, hi: 0, keys: [] as number[] }));
  for (const c of firstCompared(compared, centre, centres.length)) {
    const set = new Set<number>();
    counts[c]!.forEach((m, r) => {
      if (m >= slotsPerCentre[c]!) set.add(r);
    });
    unevaluableRules.set(centres[c]!, set);
    skipOf[c] = set;
    for (let k = 0; k < verdicts.length; k++) {
      if (set.has(ruleOfKey[k]!)) continue;
      const column = ev.missing.columns[k] ?? null;
      const bit = column === null ? -1 : masks.bit(column);
      if (bit < 0) live[c]!.keys.push(k);
      else if (bit < 32) live[c]!.lo |= 1 << bit;
      else live[c]!.hi |= 1 << (bit - 32);
    }
  }

  const cls = new Uint8Array(n);
  const decision = ev.decision;
  const { lo, hi } = masks;
  const liveLo = Int32Array.from(live, (l) => l.lo);
  const liveHi = Int32Array.from(live, (l) => l.hi);
  const oneByOne = live.some((l) => l.keys.length > 0) || extraSlot.length > 0;
  for (let i = 0; i < n; i++) {
    if (compared[i] === 0 || decision[i] === NOT_REACHED) {
      cls[i] = EXCLUDED;
      continue;
    }
    const isHeld = held[i] === 1;
    if (decision[i] !== GIVE) {
      cls[i] = isHeld ? MET_AND_HELD : MET_BUT_GIVEN;
      continue;
    }
    const c = centre[i]!;
    const missing = (lo[i]! & liveLo[c]!) !== 0 || (hi[i]! & liveHi[c]!) !== 0 || (oneByOne && missingOneByOne(i, live[c]!.keys, skipOf[c]!));
    cls[i] = missing ? NOT_ASSESSABLE : isHeld ? HELD_WITHOUT : NEITHER;
  }
  return { cls, unevaluableRules };

  /** Missing evidence at slot i that the bits do not cover: live keys without a column, and the loop's extras. */
  function missingOneByOne(i: number, keys: readonly number[], skip: Set<number>): boolean {
    for (let x = 0; x < keys.length; x++) if (verdicts[keys[x]!]![i] === -1) return true;
    for (let x = firstAtOrAfter(extraSlot, i); x < extraSlot.length && extraSlot[x] === i; x++) if (!skip.has(ruleOfKey[extraKey[x]!]!)) return true;
    return false;
  }
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

/** Per slot, a bit per feature column (up to 64 a frame) set where the column is missing; a column's bit is laid down the first time it is asked for. */
class MissingMasks {
  readonly lo: Uint32Array;
  readonly hi: Uint32Array;
  private readonly bits = new Map<Float64Array, number>();

  constructor(n: number) {
    this.lo = new Uint32Array(n);
    this.hi = new Uint32Array(n);
  }

  /** The column's bit (0–63), or -1 when all 64 are taken. */
  bit(column: Float64Array): number {
    let b = this.bits.get(column);
    if (b !== undefined) return b;
    b = this.bits.size;
    if (b >= 64 || column.length !== this.lo.length) return -1;
    this.bits.set(column, b);
    const words = b < 32 ? this.lo : this.hi;
    const mask = 1 << b % 32;
    for (let i = 0; i < column.length; i++) if (column[i] !== column[i]) words[i]! |= mask;
    return b;
  }
}

// One set of masks per frame (keyed like frameCodes, by its status column's codes), shared by every ruleset's classes.
const masksCache = new WeakMap<Uint8Array, MissingMasks>();

function missingMasks({ compared }: FrameCodes, n: number): MissingMasks {
  let m = masksCache.get(compared);
  if (m === undefined) masksCache.set(compared, (m = new MissingMasks(n)));
  return m;
}
