// Consensus figure 1 (il2-domain.md §3.0): systolic and diastolic blood pressure and heart rate against hours since
// the first scheduled dose, with the doses given and held.
import type { TopLevelSpec } from 'vega-lite';
import type { ConsensusSummary, CycleCourse } from '../../analytics/consensus/index.js';
import { cycleDosePanel, cyclePanel, figure, fitAxis, missingNote, slotSummaryPanel, summaryPanel, type Panel, type TimeAxis } from './common.js';
import { centresOf, cycleMethod, summaryMethod, type CycleFigureOptions, type SummaryFigureOptions } from './shared-text.js';

export const HOURS_AXIS: TimeAxis = { unit: 'hours', from: -8, to: 168 };
const VITALS = ['sbp', 'dbp', 'heart_rate'] as const;

/** The three vital-sign panels of figures 1 and 2, centre-level. */
export function vitalSummaryPanels(s: ConsensusSummary, centres: string[]): Panel[] {
  return VITALS.map((v) => summaryPanel(s.rows, { series: v, axis: HOURS_AXIS, widthHours: 4, centres }));
}

/**
 * Figure 1, centre-level: median and interquartile band of SBP, DBP and heart rate per 4-h bin, per centre, and the
 * share of cycles given and held at each slot.
 * @example fig1SummarySpec(await readStore(store, (c) => loadConsensusSummary(c)))
 */
export function fig1SummarySpec(s: ConsensusSummary, o: SummaryFigureOptions = {}): TopLevelSpec {
  const centres = centresOf(s, o);
  const notes = [missingNote(s.centres.filter((c) => centres.includes(c.centre_id)), VITALS)].filter((x): x is string => x !== null);
  return figure(o.title ?? 'Figure 1. Blood pressure and heart rate through the cycle, by centre', [summaryMethod(s, centres, o), ...notes], [
    ...vitalSummaryPanels(s, centres),
    slotSummaryPanel(s.slots, HOURS_AXIS, centres, true),
  ]);
}

/**
 * Figure 1 for one patient-cycle: SBP, DBP and heart rate with every dose marked (given, held with its reason group).
 * @example fig1CycleSpec(await readStore(store, (c) => loadCycleCourse(c, id)))
 */
export function fig1CycleSpec(c: CycleCourse, o: CycleFigureOptions = {}): TopLevelSpec {
  const axis = fitAxis(HOURS_AXIS, c.points.map((p) => p.hours).filter((h) => h < HOURS_AXIS.to), 120);
  return figure(o.title ?? `Figure 1. Blood pressure and heart rate through one cycle (${c.centre_id})`, cycleMethod(c, o), [
    ...VITALS.map((v) => cyclePanel(c.points, v, axis)),
    cycleDosePanel(c.slots, axis, true),
  ]);
}
