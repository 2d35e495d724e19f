// Consensus figure 3 (il2-domain.md §3.0): daily BUN, creatinine, potassium and bicarbonate over the cycle and the
// week after, with the doses given and held.
import type { TopLevelSpec } from 'vega-lite';
import type { ConsensusSummary, CycleCourse } from '../../analytics/consensus/index.js';
import { cycleDosePanel, cyclePanel, figure, fitAxis, missingNote, slotSummaryPanel, summaryPanel, type TimeAxis } from './common.js';
import { centresOf, cycleMethod, summaryMethod, type CycleFigureOptions, type SummaryFigureOptions } from './shared-text.js';

export const DAYS_14: TimeAxis = { unit: 'days', from: -1, to: 14 };
const RENAL = ['bun', 'creatinine', 'potassium', 'bicarbonate'] as const;

/**
 * Figure 3, centre-level: daily median and interquartile band of BUN, creatinine, potassium and bicarbonate per
 * centre, and the share of cycles given and held at each slot.
 * @example fig3SummarySpec(summary)
 */
export function fig3SummarySpec(s: ConsensusSummary, o: SummaryFigureOptions = {}): TopLevelSpec {
  const centres = centresOf(s, o);
  const axis = fitAxis(
    DAYS_14,
    s.rows
      .filter((r) => (RENAL as readonly string[]).includes(r.series) && centres.includes(r.centre_id))
      .map((r) => r.bin_hours + r.bin_width_hours),
    7,
  );
  const notes = [missingNote(s.centres.filter((c) => centres.includes(c.centre_id)), RENAL)].filter((x): x is string => x !== null);
  return figure(o.title ?? 'Figure 3. BUN, creatinine, potassium and bicarbonate by day of cycle, by centre', [summaryMethod(s, centres, o), ...notes], [
    ...RENAL.map((v) => summaryPanel(s.rows, { series: v, axis, widthHours: 24, centres })),
    slotSummaryPanel(s.slots, axis, centres, true),
  ]);
}

/**
 * Figure 3 for one patient-cycle.
 * @example fig3CycleSpec(course)
 */
export function fig3CycleSpec(c: CycleCourse, o: CycleFigureOptions = {}): TopLevelSpec {
  const axis = fitAxis(DAYS_14, c.points.filter((p) => (RENAL as readonly string[]).includes(p.variable)).map((p) => p.hours), 7);
  return figure(o.title ?? `Figure 3. BUN, creatinine, potassium and bicarbonate through one cycle (${c.centre_id})`, cycleMethod(c, o), [
    ...RENAL.map((v) => cyclePanel(c.points, v, axis)),
    cycleDosePanel(c.slots, axis, true),
  ]);
}
