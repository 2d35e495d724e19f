// Fluid and pressor panels of one cycle (figures 2 and 4): pressor rate over time by agent, boluses as bars.
import type { CourseInfusion } from '../../analytics/consensus/index.js';
import { variableLabel, variableName } from '../labels.js';
import { PANEL_WIDTH, xEncoding, type Panel, type TimeAxis } from './common.js';

/** Pressors and the maintenance fluid, with a colour each (Okabe–Ito, apart from the dose colours). */
const AGENTS = ['phenylephrine', 'norepinephrine', 'dopamine', 'maintenance_fluid'] as const;
const AGENT_COLOURS = ['#CC79A7', '#000000', '#0072B2', '#56B4E9'];

const per = (axis: TimeAxis) => (axis.unit === 'days' ? 24 : 1);

function note(text: string, heading: string): Panel {
  return {
    title: { text: heading, anchor: 'start', fontSize: 12 }, width: PANEL_WIDTH, height: 40, data: { values: [{ note: text }] },
    mark: { type: 'text', fontSize: 12, color: '#555555', fontStyle: 'italic' },
    encoding: { x: { value: PANEL_WIDTH / 2 }, y: { value: 20 }, text: { field: 'note', type: 'nominal' } },
  };
}

/** Rate segments of one kind as a step line (each segment drawn from start to end, then back to 0), coloured by agent. */
export function cycleRatePanel(infusions: readonly CourseInfusion[], kind: 'vasopressor' | 'maintenance', axis: TimeAxis, bottom = false): Panel {
  const heading = kind === 'vasopressor' ? variableLabel('pressor_rate') : variableLabel('maintenance_rate');
  const segs = infusions.filter((i) => i.kind === kind && i.rate !== null);
  if (segs.length === 0) return note(`${kind === 'vasopressor' ? 'Vasopressor' : variableName('maintenance_rate')}: none recorded for this cycle`, heading);
  const values = segs.flatMap((i, k) => {
    // clamped to the axis in the data: vega's clip paths get ids that differ from render to render
    const at = (h: number) => Math.min(axis.to, Math.max(axis.from, h / per(axis)));
    const end = i.end_hours ?? axis.to * per(axis);
    return [
      { agent: variableName(i.agent), seg: k, t: at(i.start_hours), rate: i.rate },
      { agent: variableName(i.agent), seg: k, t: at(end), rate: i.rate },
    ];
  });
  return {
    title: { text: heading, anchor: 'start', fontSize: 12 },
    width: PANEL_WIDTH,
    height: 80,
    data: { values },
    mark: { type: 'line', strokeWidth: 2 },
    encoding: {
      x: xEncoding(axis, bottom),
      y: { field: 'rate', type: 'quantitative', title: null, scale: { zero: true } },
      stroke: {
        field: 'agent',
        type: 'nominal',
        title: 'Infusion',
        legend: { symbolType: 'stroke' },
        scale: { domain: AGENTS.map((a) => variableName(a)), range: AGENTS.map((_, i) => AGENT_COLOURS[i]!) },
      },
      detail: { field: 'seg', type: 'nominal' },
    },
  };
}

/** Boluses of one cycle as bars at their start (mL), summed per day on a day axis. */
export function cycleBolusPanel(infusions: readonly CourseInfusion[], axis: TimeAxis, bottom = false): Panel {
  const heading = axis.unit === 'days' ? 'Fluid boluses (mL per day)' : variableLabel('bolus_ml');
  const boluses = infusions.filter((i) => i.kind === 'fluid_bolus' && i.volume_ml !== null);
  if (boluses.length === 0) return note('Fluid boluses: none recorded for this cycle', heading);
  const byT = new Map<number, number>();
  for (const b of boluses) {
    const t = axis.unit === 'days' ? Math.floor(b.start_hours / 24) + 0.5 : b.start_hours;
    byT.set(t, (byT.get(t) ?? 0) + b.volume_ml!);
  }
  const values = [...byT].sort((a, b) => a[0] - b[0]).filter(([t]) => t >= axis.from && t <= axis.to).map(([t, ml]) => ({ t, ml }));
  return {
    title: { text: heading, anchor: 'start', fontSize: 12 }, width: PANEL_WIDTH, height: 70, data: { values },
    mark: { type: 'rule', color: '#56B4E9', strokeWidth: axis.unit === 'days' ? 16 : 3 },
    encoding: { x: xEncoding(axis, bottom), y: { field: 'ml', type: 'quantitative', title: null, scale: { zero: true } }, y2: { datum: 0 } },
  };
}
