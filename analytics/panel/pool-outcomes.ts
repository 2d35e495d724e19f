// Pooling the outcome tables of the bundles (summarise-outcomes.ts): summed life tables → pooled survival by disease,
// durable CR counts, serious events per 100 with exact intervals and the between-centre heterogeneity. Only whole
// tables are pooled (a table with a suppressed cell or withheld is left out, and the row names the centres left out).
import type { BundleTable, PanelBundle } from '../../schemas/bundle.js';
import { clopperPearsonInterval, derSimonianLaird, normalQuantile } from '../stats/index.js';
import { DURABLE_ROWS } from './summarise-outcomes.js';
import { LIFE_GRID_MONTHS, spreadToGrid } from './life-table.js';

/** One row per endpoint × disease × landmark: the pooled life-table (actuarial) survival with a Greenwood interval. */
export interface PooledSurvivalRow {
  endpoint: 'os' | 'pfs';
  disease: string;
  months: number;
  centres: number;
  patients: number;
  /** Events before the landmark; a fraction where a centre's merged interval spans it (its events spread at a constant hazard). */
  events: number;
  survival: number | null;
  lower: number | null;
  upper: number | null;
  centres_left_out: string;
}

/** One row per disease × horizon: complete responders progression-free among those followed that long (exact CI). */
export interface PooledDurableRow {
  disease: string;
  horizon_months: number;
  centres: number;
  complete_responders: number;
  progression_free: number;
  followed: number;
  share: number | null;
  lower: number | null;
  upper: number | null;
  centres_left_out: string;
}

/** One row per regimen × event type: patients with the event per 100 (Clopper–Pearson), and I² across centres. */
export interface PooledSeriousRow {
  regimen: string;
  event_type: string;
  centres: number;
  patients: number;
  patients_with_event: number;
  per_100: number | null;
  per_100_lower: number | null;
  per_100_upper: number | null;
  /** Between-centre heterogeneity of the log-odds (DL, ½ added to empty cells as escalc PLO); null with < 2 centres. */
  tau2: number | null;
  I2: number | null;
  centres_left_out: string;
}

export const LIFE_TABLE_METHOD =
  'Life table (actuarial) from summed counts per 6-month interval: S = Π (1 − d / (n − c/2)); Greenwood interval on the log scale. ' +
  'Where a centre released merged intervals (disclosure control), its events are spread over the 6-month intervals they cover ' +
  'at a constant hazard and its censorings evenly. ' +
  'Without merging it equals the life table of all centres’ patients together exactly; it differs from the patient-level Kaplan–Meier by the grouping.';

/** The table was released whole: not withheld and no cell suppressed. */
export const whole = (t: BundleTable) => !t.withheld && t.cells.every((r) => r.every((v) => v !== null));

/** One centre's whole table of a kind. */
export type UsedTable = { centre: string; t: BundleTable };

/** The tables of a kind by id: the centres that released each whole (used) and those that did not (left). */
export function gather(bundles: readonly PanelBundle[], kind: BundleTable['kind']): Map<string, { used: UsedTable[]; left: string[] }> {
  const out = new Map<string, { used: UsedTable[]; left: string[] }>();
  for (const b of bundles)
    for (const t of b.tables.filter((x) => x.kind === kind)) {
      const g = out.get(t.id) ?? out.set(t.id, { used: [], left: [] }).get(t.id)!;
      if (whole(t)) g.used.push({ centre: b.centre_id, t });
      else g.left.push(b.centre_id);
    }
  return out;
}

/** Sum of whole tables' cells (same rows and columns by construction). */
function summed(tables: readonly BundleTable[]): number[][] {
  const first = tables[0]!;
  return first.rows.map((_, i) => first.cols.map((__, j) => tables.reduce((s, t) => s + (t.cells[i]![j] as number), 0)));
}

/**
 * Actuarial survival at the end of each interval from [events, censored] rows, with Greenwood log-scale limits.
 * @example lifeTableSurvival([[2, 1], [1, 0]]) // [{ survival: …, lower: …, upper: … }, …]
 */
export function lifeTableSurvival(counts: readonly (readonly number[])[], level = 0.95): { atRisk: number; survival: number; lower: number; upper: number }[] {
  const z = normalQuantile(1 - (1 - level) / 2);
  let atRisk = counts.reduce((s, r) => s + r[0]! + r[1]!, 0);
  let s = 1;
  let g = 0;
  return counts.map(([d, c]) => {
    const eff = atRisk - c! / 2;
    if (eff > 0 && d! > 0) {
      s *= 1 - d! / eff;
      g += eff > d! ? d! / (eff * (eff - d!)) : Infinity;
    }
    const row = { atRisk, survival: s, lower: s > 0 ? s * Math.exp(-z * Math.sqrt(g)) : 0, upper: s > 0 ? Math.min(1, s * Math.exp(z * Math.sqrt(g))) : 0 };
    atRisk -= d! + c!;
    return row;
  });
}

/**
 * Pooled survival at each landmark over the centres that released the table whole and whose open last interval starts
 * at or after the landmark (a later centre's merged interval is spread over the grid; the others are named).
 * @example poolSurvival(bundles).find((r) => r.endpoint === 'pfs' && r.months === 24)
 */
export function poolSurvival(bundles: readonly PanelBundle[], landmarks: readonly number[] = [12, 24, 36]): PooledSurvivalRow[] {
  const out: PooledSurvivalRow[] = [];
  for (const kind of ['os_life', 'pfs_life'] as const)
    for (const [id, g] of [...gather(bundles, kind)].sort(([a], [b]) => a.localeCompare(b))) {
      const disease = id.split(':')[1]!;
      const spread = g.used.map((u) => ({ centre: u.centre, ...spreadToGrid(u.t.rows, u.t.cells as number[][]) }));
      for (const m of landmarks) {
        const i = m / LIFE_GRID_MONTHS;
        const mine = spread.filter((x) => x.openFrom >= i);
        const tail = spread.filter((x) => x.openFrom < i).map((x) => `${x.centre} (last interval opens before ${m} months)`);
        const counts = mine.length ? mine[0]!.grid.map((_, r) => [0, 1].map((c) => mine.reduce((sum, x) => sum + x.grid[r]![c]!, 0))) : [];
        const at = lifeTableSurvival(counts)[i - 1];
        const ok = at !== undefined && at.atRisk > 0;
        out.push({
          endpoint: kind === 'os_life' ? 'os' : 'pfs', disease, months: m, centres: mine.length,
          patients: counts.reduce((sum, r) => sum + r[0]! + r[1]!, 0), events: counts.slice(0, i).reduce((sum, r) => sum + r[0]!, 0),
          survival: ok ? at.survival : null, lower: ok ? at.lower : null, upper: ok ? at.upper : null, centres_left_out: [...g.left, ...tail].join(', '),
        });
      }
    }
  return out;
}

export function poolDurableCr(bundles: readonly PanelBundle[]): PooledDurableRow[] {
  return [...gather(bundles, 'durable_cr')].sort(([a], [b]) => a.localeCompare(b)).flatMap(([id, g]) => {
    const counts = g.used.length ? summed(g.used.map((u) => u.t)) : DURABLE_ROWS.map(() => [0, 0, 0]);
    return DURABLE_ROWS.map((h, i) => {
      const [free, progressed, lost] = counts[i] as [number, number, number];
      const followed = free + progressed;
      const ci = followed > 0 ? clopperPearsonInterval(free, followed) : null;
      return {
        disease: id.split(':')[1]!, horizon_months: Number(h.slice(1)), centres: g.used.length, complete_responders: free + progressed + lost,
        progression_free: free, followed, share: ci?.estimate ?? null, lower: ci?.lower ?? null, upper: ci?.upper ?? null, centres_left_out: g.left.join(', '),
      };
    });
  });
}

function heterogeneity(per: readonly { x: number; n: number }[]): { tau2: number | null; I2: number | null } {
  const eff = per.filter((p) => p.n > 0).map(({ x, n }) => {
    const add = x === 0 || x === n ? 0.5 : 0;
    return { yi: Math.log((x + add) / (n - x + add)), vi: 1 / (x + add) + 1 / (n - x + add) };
  });
  if (eff.length < 2) return { tau2: null, I2: null };
  const dl = derSimonianLaird({ yi: eff.map((e) => e.yi), vi: eff.map((e) => e.vi) });
  return { tau2: dl.tau2, I2: dl.I2 };
}

/**
 * Serious events per regimen, row by row: each event type is its own count of patients out of the same total, so a
 * centre whose rare-event row was suppressed still adds its other rows (a row is used only when both cells were released).
 */
export function poolSeriousEvents(bundles: readonly PanelBundle[]): PooledSeriousRow[] {
  const tables = new Map<string, { centre: string; t: BundleTable }[]>();
  for (const b of bundles)
    for (const t of b.tables.filter((x) => x.kind === 'serious_events')) (tables.get(t.id) ?? tables.set(t.id, []).get(t.id)!).push({ centre: b.centre_id, t });
  return [...tables].sort(([a], [b]) => a.localeCompare(b)).flatMap(([id, list]) => {
    const types = [...new Set(list.flatMap((u) => u.t.rows))];
    return types.map((type) => {
      const per: { centre: string; x: number; n: number }[] = [];
      const left: string[] = [];
      for (const { centre, t } of list) {
        const i = t.rows.indexOf(type);
        const [x, y] = i < 0 ? [null, null] : (t.cells[i] as (number | null)[]);
        if (i < 0) left.push(`${centre} (not recorded)`);
        else if (x === null || y === null || x === undefined || y === undefined) left.push(centre);
        else per.push({ centre, x, n: x + y });
      }
      const x = per.reduce((sum, p) => sum + p.x, 0);
      const n = per.reduce((sum, p) => sum + p.n, 0);
      const ci = n > 0 ? clopperPearsonInterval(x, n) : null;
      return {
        regimen: id.split(':').slice(1).join(':'), event_type: type, centres: per.length, patients: n, patients_with_event: x,
        per_100: ci ? 100 * ci.estimate : null, per_100_lower: ci ? 100 * ci.lower : null, per_100_upper: ci ? 100 * ci.upper : null,
        ...heterogeneity(per), centres_left_out: left.join(', '),
      };
    });
  });
}
