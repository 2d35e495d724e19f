// Consensus figure 4 (il2-domain.md §3.0): weight against the cycle's baseline (and % gain) with the IV fluid rate
// and boluses.
import type { TopLevelSpec } from 'vega-lite';
import type { ConsensusSummary, CycleCourse } from '../../analytics/consensus/index.js';
import { cycleDosePanel, cyclePanel, figure, missingNote, slotSummaryPanel, summaryPanel, type TimeAxis } from './common.js';
import { centresOf, cycleMethod, summaryMethod, type CycleFigureOptions, type SummaryFigureOptions } from './shared-text.js';
import { cycleBolusPanel, cycleRatePanel } from './support-panels.js';

const DAYS_7: TimeAxis = { unit: 'days', from: -1, to: 7 };

/**
 * Figure 4, centre-level: daily % weight gain over each cycle's baseline, the maintenance IV fluid rate (4-h bins) and
 * bolus mL per day, median and interquartile band per centre.
 * @example fig4SummarySpec(summary)
 */
export function fig4SummarySpec(s: ConsensusSummary, o: SummaryFigureOptions = {}): TopLevelSpec {
  const centres = centresOf(s, o);
  const notes = [
    missingNote(
      s.centres.filter((c) => centres.includes(c.centre_id)),
      ['weight_gain_pct', 'maintenance_rate', 'bolus_ml'],
    ),
  ].filter((x): x is string => x !== null);
  return figure(
    o.title ?? 'Figure 4. Weight gain, IV fluid rate and boluses by day of cycle, by centre',
    [
      summaryMethod(s, centres, o),
      'Baseline: each cycle’s last weight up to the first scheduled dose, else its first weight. IV fluid rate: the maintenance rate running at the ' +
        'middle of each 4-h bin.',
      ...notes,
    ],
    [
      summaryPanel(s.rows, { series: 'weight_gain_pct', axis: DAYS_7, widthHours: 24, centres }),
      summaryPanel(s.rows, { series: 'maintenance_rate', axis: DAYS_7, widthHours: 4, centres }),
      summaryPanel(s.rows, { series: 'bolus_ml', axis: DAYS_7, widthHours: 24, centres, title: 'Fluid boluses (mL per day)' }),
      slotSummaryPanel(s.slots, DAYS_7, centres, true),
    ],
  );
}

/**
 * Figure 4 for one patient-cycle: weight, % gain over its baseline, IV fluid rate, boluses and doses.
 * @example fig4CycleSpec(course)
 */
export function fig4CycleSpec(c: CycleCourse, o: CycleFigureOptions = {}): TopLevelSpec {
  const base = c.baseline_weight_kg;
  const gain = base === null ? [] : c.points.filter((p) => p.variable === 'weight').map((p) => ({ ...p, value: ((p.value - base) / base) * 100 }));
  const baseText =
    base === null
      ? 'No weight recorded: no baseline.'
      : `Baseline weight ${base} kg (last weight up to the first scheduled dose, else the cycle's first).`;
  return figure(o.title ?? `Figure 4. Weight, IV fluid rate and boluses through one cycle (${c.centre_id})`, [...cycleMethod(c, o), baseText], [
    cyclePanel(c.points, 'weight', DAYS_7),
    cyclePanel(gain, 'weight', DAYS_7, { title: 'Weight gain over the cycle baseline (%)' }),
    cycleRatePanel(c.infusions, 'maintenance', DAYS_7),
    cycleBolusPanel(c.infusions, DAYS_7),
    cycleDosePanel(c.slots, DAYS_7, true),
  ]);
}
