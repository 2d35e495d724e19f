// Consensus figure 2 (il2-domain.md §3.0): figure 1 with fluid boluses and the vasopressor (phenylephrine or other)
// on a second panel.
import type { TopLevelSpec } from 'vega-lite';
import type { ConsensusSummary, CycleCourse } from '../../analytics/consensus/index.js';
import { cycleDosePanel, cyclePanel, figure, fitAxis, missingNote, slotSummaryPanel, summaryPanel } from './common.js';
import { HOURS_AXIS, vitalSummaryPanels } from './fig1-haemodynamics.js';
import { centresOf, cycleMethod, summaryMethod, type CycleFigureOptions, type SummaryFigureOptions } from './shared-text.js';
import { cycleBolusPanel, cycleRatePanel } from './support-panels.js';

/**
 * Figure 2, centre-level: figure 1's panels, the share of cycles with a vasopressor running (at each 4-h bin's
 * midpoint) and the median and interquartile range of bolus volume per 4 h.
 * @example fig2SummarySpec(summary, { source: 'out/store' })
 */
export function fig2SummarySpec(s: ConsensusSummary, o: SummaryFigureOptions = {}): TopLevelSpec {
  const centres = centresOf(s, o);
  const notes = [
    missingNote(
      s.centres.filter((c) => centres.includes(c.centre_id)),
      ['sbp', 'dbp', 'heart_rate', 'pressor_share', 'bolus_ml'],
    ),
  ].filter((x): x is string => x !== null);
  return figure(
    o.title ?? 'Figure 2. Blood pressure, heart rate, vasopressor and fluid boluses through the cycle, by centre',
    [
      summaryMethod(s, centres, o),
      'Vasopressor: share of cycles with any vasopressor running at the middle of each 4-h bin (its median rate is 0 in most bins). Boluses: mL per ' +
        'cycle per day, drawn at the middle of the day.',
      ...notes,
    ],
    [
      ...vitalSummaryPanels(s, centres),
      summaryPanel(s.rows, { series: 'pressor_share', axis: HOURS_AXIS, widthHours: 4, centres }),
      summaryPanel(s.rows, { series: 'bolus_ml', axis: HOURS_AXIS, widthHours: 24, centres, title: 'Fluid boluses (mL per day)' }),
      slotSummaryPanel(s.slots, HOURS_AXIS, centres, true),
    ],
  );
}

/**
 * Figure 2 for one patient-cycle: vital signs, the vasopressor rate by agent, fluid boluses and the doses.
 * @example fig2CycleSpec(course, { rule: EXAMPLE_CYCLE_RULE })
 */
export function fig2CycleSpec(c: CycleCourse, o: CycleFigureOptions = {}): TopLevelSpec {
  const axis = fitAxis(HOURS_AXIS, c.points.map((p) => p.hours).filter((h) => h < HOURS_AXIS.to), 120);
  return figure(o.title ?? `Figure 2. Vital signs, vasopressor and fluid boluses through one cycle (${c.centre_id})`, cycleMethod(c, o), [
    ...(['sbp', 'dbp', 'heart_rate'] as const).map((v) => cyclePanel(c.points, v, axis)),
    cycleRatePanel(c.infusions, 'vasopressor', axis),
    cycleBolusPanel(c.infusions, axis),
    cycleDosePanel(c.slots, axis, true),
  ]);
}
