// Hold-reason mix as recorded: one row per centre × reason code over held and skipped slots.
import type { SlotFeatureFrame } from '../../rules/features.js';
import { HOLD_REASONS, type HoldReason } from '../../schemas/vocabularies.js';

export interface HoldReasonRow {
  centre_id: string;
  reason: string;
  kind: HoldReason['kind'] | 'none';
  /** Held or skipped slots listing the reason (a slot may list several). */
  slots: number;
  /** Share of the centre's held and skipped slots. */
  share: number;
}

/**
 * Counts recorded reason codes per centre; a held or skipped slot with no code counts under 'none_recorded'.
 * @example holdReasonMix(frame).filter((r) => r.centre_id === 'northbay')
 */
export function holdReasonMix(frame: SlotFeatureFrame): HoldReasonRow[] {
  const counts = new Map<string, Map<string, number>>();
  const totals = new Map<string, number>();
  for (let i = 0; i < frame.n; i++) {
    const st = frame.status[i];
    if (st !== 'held' && st !== 'skipped') continue;
    const c = frame.centre_id[i]!;
    totals.set(c, (totals.get(c) ?? 0) + 1);
    let m = counts.get(c);
    if (m === undefined) counts.set(c, (m = new Map()));
    const codes = frame.hold_reason_codes[i]!;
    for (const code of codes.length === 0 ? ['none_recorded'] : codes) m.set(code, (m.get(code) ?? 0) + 1);
  }
  const rows: HoldReasonRow[] = [];
  for (const c of [...counts.keys()].sort()) {
    const total = totals.get(c)!;
    for (const [reason, n] of [...counts.get(c)!].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]))) {
      const kind = reason in HOLD_REASONS ? HOLD_REASONS[reason as keyof typeof HOLD_REASONS].kind : 'none';
      rows.push({ centre_id: c, reason, kind, slots: n, share: n / total });
    }
  }
  return rows;
}
