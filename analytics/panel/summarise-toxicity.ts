// A centre's reversibility and cycle-end tables for its bundle (issue 22): counts only.
// - reversal:<measure>: courses whose last cycle had the toxicity, by days from the last dose (≤ 7, 7–14, 14–30, > 30)
//   × reversed / died before reversal / censored — a cumulative-incidence table coarse enough for disclosure;
// - cycle_end:<reading>: cycles per end reason, as the centre recorded it (reading `recorded`) and under each ruleset
//   (what would have stopped each cycle first), reasons as codes (cycleEndCode). A ruleset's table keeps only its stop
//   reasons and puts every other cycle in `not_stopped`: its non-criterion rows (clinician, maximum …) would otherwise
//   differ from the recorded table's by the few cycles the ruleset stops earlier, revealing counts under k.
import { cycleEndCode, cycleEndReasons, RECORDED } from '../outcomes/cycle-end-reasons.js';
import { REVERSAL_LABELS, reversalTimes, type ReversalMeasure } from '../outcomes/reversal-times.js';
import type { RulesetStop } from '../outcomes/ruleset-stops.js';
import type { OutcomeInputs } from '../outcomes/types.js';
import type { CountTable } from './types.js';

/** Day bands after the last dose: upper bounds 7, 14, 30 (the shares the reversibility analysis reports), then > 30. */
export const REVERSAL_DAYS = [7, 14, 30] as const;
export const REVERSAL_ROWS = ['d0-7', 'd7-14', 'd14-30', 'gt30'] as const;
export const REVERSAL_COLS = ['reversed', 'died_first', 'censored'] as const;
export const CYCLE_END_COLS = ['cycles'] as const;

/** Row of a time in days: ≤ 7, ≤ 14, ≤ 30, later (the patient-level shares read times ≤ the day). */
export const reversalRow = (days: number): number => {
  const i = REVERSAL_DAYS.findIndex((d) => days <= d);
  return i < 0 ? REVERSAL_DAYS.length : i;
};

/** One table per reversal measure with at least one course (as `il2kit outcomes`: the centre's own RCV tolerance for back to baseline). */
export function reversalTables(input: OutcomeInputs): CountTable[] {
  const { times } = reversalTimes(input);
  return (Object.keys(REVERSAL_LABELS) as ReversalMeasure[]).flatMap((measure) => {
    const mine = times.filter((t) => t.measure === measure);
    if (mine.length === 0) return [];
    const counts = REVERSAL_ROWS.map(() => [0, 0, 0]);
    for (const t of mine) counts[reversalRow(t.days)]![t.status === 1 ? 0 : t.status === 2 ? 1 : 2]! += 1;
    return [{ id: `reversal:${measure}`, kind: 'reversal' as const, group: { measure }, rows: [...REVERSAL_ROWS], cols: [...REVERSAL_COLS], counts }];
  });
}

/** The code of a reason in a reading's table: the recorded reading keeps every reason, a ruleset only its stops. */
export function readingCode(reading: string, reason: string): string {
  const code = cycleEndCode(reason);
  return reading === RECORDED || code.startsWith('system:') || code.startsWith('policy:') ? code : 'not_stopped';
}

/** One table per reading (recorded, then each ruleset whose stops are given): cycles per reason code. */
export function cycleEndTables(input: OutcomeInputs, stops: Readonly<Record<string, readonly RulesetStop[]>> = {}): CountTable[] {
  if (input.cycles.length === 0) return [];
  const rows = cycleEndReasons(input.cycles, stops);
  const readings = [RECORDED, ...Object.keys(stops).sort()];
  return readings.map((reading) => {
    const counts = new Map<string, number>();
    for (const r of rows) if (r.reading === reading) counts.set(readingCode(reading, r.reason), (counts.get(readingCode(reading, r.reason)) ?? 0) + 1);
    const codes = [...counts.keys()].sort();
    return {
      id: `cycle_end:${reading}`,
      kind: 'cycle_end' as const,
      group: { reading },
      rows: codes,
      cols: [...CYCLE_END_COLS],
      counts: codes.map((c) => [counts.get(c)!]),
    };
  });
}
