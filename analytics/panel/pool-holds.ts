// Pooled hold-criteria figures from summed counts: concordance and Cohen's kappa per ruleset, enforcement per rule,
// the recorded hold-reason mix. A centre enters a pooled figure only where every cell it needs was released.
import type { PanelBundle } from '../../schemas/bundle.js';
import { cohenKappa } from '../practice/kappa.js';
import { wilsonInterval } from '../stats/binomial.js';
import { cellOf, cellsOf } from './table-cells.js';

export const POOLED = 'ALL';

/** One row per ruleset × centre, and a pooled row (centre ALL) per ruleset. */
export interface PooledConcordanceRow {
  ruleset_id: string;
  ruleset_status: string;
  centre_id: string;
  met_and_held: number | null;
  met_but_given: number | null;
  held_without_criterion: number | null;
  neither: number | null;
  n: number | null;
  agreement: number | null;
  kappa: number | null;
  kappa_lower: number | null;
  kappa_upper: number | null;
  centres_pooled: number;
  /** Centres left out of the pooled row because a cell was suppressed. */
  centres_left_out: string;
}

const CLASS_CELLS = [['criterion_met', 'held'], ['criterion_met', 'given'], ['criterion_not_met', 'held'], ['criterion_not_met', 'given']] as const;

function concordanceRow(ruleset: string, status: string, centre: string, k: number[] | null, pooled: number, left: string[]): PooledConcordanceRow {
  const kap = k === null ? null : cohenKappa(k[0]!, k[1]!, k[2]!, k[3]!);
  const n = k === null ? null : k.reduce((a, b) => a + b, 0);
  return {
    ruleset_id: ruleset,
    ruleset_status: status,
    centre_id: centre,
    met_and_held: k?.[0] ?? null,
    met_but_given: k?.[1] ?? null,
    held_without_criterion: k?.[2] ?? null,
    neither: k?.[3] ?? null,
    n,
    agreement: k === null || n === 0 ? null : (k[0]! + k[3]!) / n!,
    kappa: kap?.kappa ?? null,
    kappa_lower: kap?.lower ?? null,
    kappa_upper: kap?.upper ?? null,
    centres_pooled: pooled,
    centres_left_out: left.join(' '),
  };
}

/** Every ruleset's status as the bundles state it (the first bundle listing it; a disagreement is marked). */
export function rulesetStatuses(bundles: readonly PanelBundle[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const b of bundles) for (const r of b.rulesets) {
    const seen = out.get(r.id);
    if (seen === undefined) out.set(r.id, r.status);
    else if (seen !== r.status && !seen.includes('/')) out.set(r.id, `${seen}/${r.status} (bundles disagree)`);
  }
  return out;
}

/** Concordance per centre and pooled, per ruleset. @example poolConcordance(bundles).filter((r) => r.centre_id === 'ALL') */
export function poolConcordance(bundles: readonly PanelBundle[]): PooledConcordanceRow[] {
  const statuses = rulesetStatuses(bundles);
  const rows: PooledConcordanceRow[] = [];
  for (const [ruleset, status] of [...statuses].sort(([a], [b]) => a.localeCompare(b))) {
    const sum = [0, 0, 0, 0];
    const left: string[] = [];
    let pooled = 0;
    for (const b of bundles) {
      const t = b.tables.find((x) => x.id === `concordance:${ruleset}`);
      if (t === undefined) continue;
      const k = cellsOf(t, CLASS_CELLS);
      rows.push(concordanceRow(ruleset, status, b.centre_id, k, 1, k === null ? [b.centre_id] : []));
      if (k === null) left.push(b.centre_id);
      else (pooled += 1), k.forEach((v, i) => (sum[i]! += v));
    }
    rows.push(concordanceRow(ruleset, status, POOLED, pooled > 0 ? sum : null, pooled, left));
  }
  return rows;
}

/** One row per ruleset × rule, pooled over centres. */
export interface PooledEnforcementRow {
  ruleset_id: string;
  rule_id: string;
  met: number;
  held_when_met: number;
  enforcement: number | null;
  enforcement_lower: number | null;
  enforcement_upper: number | null;
  centres_pooled: number;
  centres_left_out: string;
}

/** Enforcement per rule from summed held / given-when-met counts. @example poolEnforcement(bundles)[0] */
export function poolEnforcement(bundles: readonly PanelBundle[]): PooledEnforcementRow[] {
  const acc = new Map<string, { held: number; given: number; pooled: number; left: string[] }>();
  for (const b of bundles) for (const t of b.tables) {
    if (t.kind !== 'enforcement') continue;
    for (const rule of t.rows) {
      const key = `${t.group.ruleset}\u0000${rule}`;
      const a = acc.get(key) ?? { held: 0, given: 0, pooled: 0, left: [] };
      const k = cellsOf(t, [[rule, 'held'], [rule, 'given']]);
      if (k === null) a.left.push(b.centre_id);
      else (a.held += k[0]!), (a.given += k[1]!), (a.pooled += 1);
      acc.set(key, a);
    }
  }
  return [...acc].sort(([x], [y]) => x.localeCompare(y)).map(([key, a]) => {
    const [ruleset_id, rule_id] = key.split('\u0000') as [string, string];
    const met = a.held + a.given;
    const ci = met > 0 ? wilsonInterval(a.held, met) : null;
    return {
      ruleset_id,
      rule_id,
      met,
      held_when_met: a.held,
      enforcement: ci?.estimate ?? null,
      enforcement_lower: ci?.lower ?? null,
      enforcement_upper: ci?.upper ?? null,
      centres_pooled: a.pooled,
      centres_left_out: a.left.join(' '),
    };
  });
}

/** Recorded hold-reason counts summed over centres (slots may list several reasons). */
export function poolHoldReasons(bundles: readonly PanelBundle[]): { reason: string; slots: number; centres_pooled: number; centres_left_out: string }[] {
  const acc = new Map<string, { slots: number; pooled: number; left: string[] }>();
  for (const b of bundles) {
    const t = b.tables.find((x) => x.kind === 'hold_reasons');
    if (t === undefined) continue;
    for (const reason of t.rows) {
      const a = acc.get(reason) ?? { slots: 0, pooled: 0, left: [] };
      const v = cellOf(t, reason, 'slots');
      if (v === null || v === undefined) a.left.push(b.centre_id);
      else (a.slots += v), (a.pooled += 1);
      acc.set(reason, a);
    }
  }
  return [...acc]
    .sort(([x], [y]) => x.localeCompare(y))
    .map(([reason, a]) => ({ reason, slots: a.slots, centres_pooled: a.pooled, centres_left_out: a.left.join(' ') }));
}
