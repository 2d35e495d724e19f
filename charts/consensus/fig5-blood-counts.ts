// Consensus figure 5 (il2-domain.md §3.0): lymphocytes, eosinophils, platelets, granulocytes and haemoglobin on a log
// scale across the cycle and the weeks after (the rebound after the last dose).
import type { TopLevelSpec } from 'vega-lite';
import type { ConsensusSummary, CycleCourse } from '../../analytics/consensus/index.js';
import { cycleDosePanel, cyclePanel, figure, fitAxis, missingNote, slotSummaryPanel, summaryPanel, type TimeAxis } from './common.js';
import { centresOf, cycleMethod, summaryMethod, type CycleFigureOptions, type SummaryFigureOptions } from './shared-text.js';

const DAYS_28: TimeAxis = { unit: 'days', from: -1, to: 28 };
const COUNTS = ['lymphocytes', 'eosinophils', 'platelets', 'granulocytes', 'haemoglobin'] as const;

/**
 * Figure 5, centre-level: daily median and interquartile band of the blood counts on log scales, to day 28.
 * @example fig5SummarySpec(summary)
 */
export function fig5SummarySpec(s: ConsensusSummary, o: SummaryFigureOptions = {}): TopLevelSpec {
  const centres = centresOf(s, o);
  const axis = fitAxis(
    DAYS_28,
    s.rows
      .filter((r) => (COUNTS as readonly string[]).includes(r.series) && centres.includes(r.centre_id))
      .map((r) => r.bin_hours + r.bin_width_hours),
    7,
  );
  const notes = [missingNote(s.centres.filter((c) => centres.includes(c.centre_id)), COUNTS)].filter((x): x is string => x !== null);
  return figure(o.title ?? 'Figure 5. Blood counts on a log scale through the cycle and the weeks after, by centre', [
    summaryMethod(s, centres, o),
    'Log scales; zero counts cannot be drawn on them and are left out. Labs after the cycle are those taken before the patient’s next cycle (at most 28 days).',
    ...notes,
  ], [
    ...COUNTS.map((v) => summaryPanel(s.rows, { series: v, axis, widthHours: 24, centres, log: true })),
    slotSummaryPanel(s.slots, axis, centres, true),
  ]);
}

/**
 * Figure 5 for one patient-cycle.
 * @example fig5CycleSpec(course)
 */
export function fig5CycleSpec(c: CycleCourse, o: CycleFigureOptions = {}): TopLevelSpec {
  const axis = fitAxis(DAYS_28, c.points.filter((p) => (COUNTS as readonly string[]).includes(p.variable)).map((p) => p.hours), 7);
  return figure(
    o.title ?? `Figure 5. Blood counts on a log scale through one cycle and after (${c.centre_id})`,
    [...cycleMethod(c, o), 'Log scales; zero counts are left out.'],
    [...COUNTS.map((v) => cyclePanel(c.points, v, axis, { log: true })), cycleDosePanel(c.slots, axis, true)],
  );
}
