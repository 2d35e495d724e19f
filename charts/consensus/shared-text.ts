// Words the five figures' subtitles share: how a centre-level figure is summarised, and the example cycle.
import type { ConsensusSummary, CycleCourse } from '../../analytics/consensus/index.js';
import { HOLD_REASONS } from '../../schemas/vocabularies.js';
import { heldReasonsText } from './common.js';

export interface SummaryFigureOptions {
  /** Centres drawn, in this order (default every centre of the summary). */
  centres?: readonly string[];
  /** Where the data came from, named under the title (e.g. the store folder). */
  source?: string;
  title?: string;
}

export interface CycleFigureOptions {
  source?: string;
  title?: string;
  /** Why this cycle was chosen, named under the title. */
  rule?: string;
}

export const centresOf = (s: ConsensusSummary, o: SummaryFigureOptions): string[] =>
  [...(o.centres ?? s.centres.map((c) => c.centre_id))].filter((c) => s.centres.some((x) => x.centre_id === c));

export function summaryMethod(s: ConsensusSummary, centres: readonly string[], o: SummaryFigureOptions): string {
  const n = centres.map((c) => `${c} ${s.centres.find((x) => x.centre_id === c)?.cycles ?? 0}`).join(', ');
  const store = o.source ? ` Store: ${o.source}.` : '';
  return (
    `Line: median over cycles of each cycle's mean in the bin; band: interquartile range; ` +
    `bins with fewer than ${s.minCycles} cycles are left out. Cycles: ${n}.${store}`
  );
}

export function cycleMethod(c: CycleCourse, o: CycleFigureOptions): string[] {
  const reasons = heldReasonsText(c.slots, (code) => (code in HOLD_REASONS ? HOLD_REASONS[code as keyof typeof HOLD_REASONS].label : code));
  return [
    `${c.centre_id}, patient-cycle ${c.label}: ${c.doses_given} of ${c.planned_max_doses} doses given. ${reasons}`,
    ...(o.rule ? [`Chosen as ${o.rule}.`] : []),
    ...(o.source ? [`Store: ${o.source}.`] : []),
  ];
}
