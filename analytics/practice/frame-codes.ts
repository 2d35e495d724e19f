// Per-slot codes of a slot-feature frame that every ruleset's pass reads (status compared / held, centre as an index),
// made once per frame instead of string comparisons and map look-ups per slot and ruleset (issue 25).
import type { SlotFeatureFrame } from '../../rules/features.js';

export interface FrameCodes {
  /** 1 where the slot was given or held (compared with a ruleset), else 0. */
  compared: Uint8Array;
  /** 1 where the slot was held. */
  held: Uint8Array;
  /** Index into `centres` per slot. */
  centre: Int32Array;
  /** Centre ids in the order their first slot appears. */
  centres: string[];
}

// Keyed by the frame's own columns, so a frame rebuilt with other columns is coded anew.
const statusCache = new WeakMap<readonly string[], { compared: Uint8Array; held: Uint8Array }>();
const centreCache = new WeakMap<readonly string[], { centre: Int32Array; centres: string[] }>();

/**
 * The frame's per-slot codes (cached per column array).
 * @example const { compared, centre, centres } = frameCodes(frame);
 */
export function frameCodes(frame: SlotFeatureFrame): FrameCodes {
  let st = statusCache.get(frame.status);
  if (st === undefined) {
    const compared = new Uint8Array(frame.n);
    const held = new Uint8Array(frame.n);
    for (let i = 0; i < frame.n; i++) {
      const s = frame.status[i];
      held[i] = s === 'held' ? 1 : 0;
      compared[i] = s === 'given' || s === 'held' ? 1 : 0;
    }
    statusCache.set(frame.status, (st = { compared, held }));
  }
  let ce = centreCache.get(frame.centre_id);
  if (ce === undefined) {
    const ids = new Map<string, number>();
    const centres: string[] = [];
    const centre = new Int32Array(frame.n);
    for (let i = 0; i < frame.n; i++) {
      const c = frame.centre_id[i]!;
      let k = ids.get(c);
      if (k === undefined) ids.set(c, (k = centres.push(c) - 1));
      centre[i] = k;
    }
    centreCache.set(frame.centre_id, (ce = { centre, centres }));
  }
  return { ...st, ...ce };
}
