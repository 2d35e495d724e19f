// Kaplan-Meier summaries of an endpoint by a grouping: medians with their intervals (quantile.survfit), survival at
// 12, 24 and 36 months, and the curves for charts. Grain: endpoint × grouping × group (curves: … × time).
import { kaplanMeier, survivalAt, survivalQuantile, type KaplanMeierCurve } from '../stats/index.js';
import { groupBy } from '../doses/group.js';

export type Endpoint = 'os' | 'pfs' | 'dor' | 'landmark_os';

export const ENDPOINT_LABELS: Record<Endpoint, string> = {
  os: 'Overall survival from the first dose',
  pfs: 'Progression-free survival from the first dose',
  dor: 'Duration of response (first CR/PR to progression or death)',
  landmark_os: 'Overall survival from the first response assessment (landmark)',
};

/** One subject of an endpoint: time in months, event 1/0, and the group labels it belongs to. */
export interface EndpointSubject {
  time: number;
  event: 0 | 1;
  groups: Readonly<Record<string, string>>;
}

export interface SurvivalSummaryRow {
  endpoint: Endpoint;
  grouping: string;
  group: string;
  n: number;
  events: number;
  median_months: number | null;
  median_lower: number | null;
  median_upper: number | null;
  s12: number | null;
  s24: number | null;
  s36: number | null;
  s36_lower: number | null;
  s36_upper: number | null;
  /** Empty, or why a figure is missing (not reached, no one followed that long). */
  note: string;
}

export interface SurvivalCurveRow {
  endpoint: Endpoint;
  grouping: string;
  group: string;
  time_months: number;
  survival: number;
  lower: number | null;
  upper: number | null;
  n_risk: number;
}

function at(curve: KaplanMeierCurve, t: number): { s: number | null; lower: number | null; upper: number | null } {
  const last = curve.time[curve.time.length - 1];
  if (last === undefined || last < t) return { s: null, lower: null, upper: null };
  const p = survivalAt(curve, t);
  return { s: p.survival, lower: p.lower, upper: p.upper };
}

function summarise(
  endpoint: Endpoint,
  grouping: string,
  group: string,
  subjects: readonly EndpointSubject[],
): { row: SurvivalSummaryRow; curve: SurvivalCurveRow[] } {
  const curve = kaplanMeier({ time: subjects.map((s) => s.time), event: subjects.map((s) => s.event) });
  const med = survivalQuantile(curve, 0.5);
  const s36 = at(curve, 36);
  const notes: string[] = [];
  if (curve.events === 0) notes.push('no events: everyone censored');
  else if (med.quantile === null) notes.push('median not reached');
  if (s36.s === null) notes.push('no one followed 36 months');
  const row: SurvivalSummaryRow = {
    endpoint,
    grouping,
    group,
    n: curve.n,
    events: curve.events,
    median_months: med.quantile,
    median_lower: med.lower,
    median_upper: med.upper,
    s12: at(curve, 12).s,
    s24: at(curve, 24).s,
    s36: s36.s,
    s36_lower: s36.lower,
    s36_upper: s36.upper,
    note: notes.join('; '),
  };
  const rows = curve.time.map((t, i) => ({
    endpoint,
    grouping,
    group,
    time_months: t,
    survival: curve.survival[i]!,
    lower: curve.lower[i] ?? null,
    upper: curve.upper[i] ?? null,
    n_risk: curve.nRisk[i]!,
  }));
  return { row, curve: [{ endpoint, grouping, group, time_months: 0, survival: 1, lower: 1, upper: 1, n_risk: curve.n }, ...rows] };
}

/**
 * KM summary of one endpoint for all subjects and for each grouping named in `groupings` (keys of `groups`).
 * The 'all' row pools whatever the subjects hold; its note says so when they span more than one regimen.
 * @example survivalSummary('os', subjects, ['centre', 'disease', 'regimen'])
 */
export function survivalSummary(
  endpoint: Endpoint,
  subjects: readonly EndpointSubject[],
  groupings: readonly string[],
): { rows: SurvivalSummaryRow[]; curves: SurvivalCurveRow[] } {
  const rows: SurvivalSummaryRow[] = [];
  const curves: SurvivalCurveRow[] = [];
  if (subjects.length === 0) return { rows, curves };
  const all = summarise(endpoint, 'all', 'all', subjects);
  const regimens = new Set(subjects.map((s) => s.groups.regimen).filter((r) => r !== undefined));
  if (regimens.size > 1) all.row.note = [all.row.note, `pooled across regimens ${[...regimens].sort().join(', ')}`].filter(Boolean).join('; ');
  rows.push(all.row);
  curves.push(...all.curve);
  for (const grouping of groupings) {
    for (const [group, members] of groupBy(subjects, (s) => s.groups[grouping] ?? 'unknown')) {
      const s = summarise(endpoint, grouping, group, members);
      rows.push(s.row);
      curves.push(...s.curve);
    }
  }
  return { rows, curves };
}
