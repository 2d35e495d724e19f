// Dose tables of a bundle: per regimen, cycles by doses given (rows 0 … cap) and how the cycle ended (columns). Row sums
// are the doses-given histogram; the table is the dose-survival risk table (at risk at k = cycles in rows ≥ k − 1;
// events = toxicity + other; censored at the cap = maximum), so both pooled analyses are rebuilt exactly from it.
import { groupBy } from '../doses/group.js';
import { endCause, regimenLabel, type CycleDoses } from '../doses/types.js';
import { DOSE_END_COLS, type CountTable } from './types.js';

/** One dose_end table per regimen ('600k/14', …). @example doseEndTables(cycles).map((t) => t.id) // ['dose_end:600k/14'] */
export function doseEndTables(cycles: readonly CycleDoses[]): CountTable[] {
  return regimenTables(cycles, 'dose_end', () => true);
}

/**
 * The same tables over the first cycle of each patient's first course only (`dose_end_first:<regimen>`, rows as the
 * all-cycles table): the risk tables of the first-cycle log-rank test, whose cycles are one per patient.
 * @example doseEndFirstTables(cycles).map((t) => t.id) // ['dose_end_first:600k/14']
 */
export function doseEndFirstTables(cycles: readonly CycleDoses[]): CountTable[] {
  return regimenTables(cycles, 'dose_end_first', (c) => c.course_number === 1 && c.cycle_number === 1);
}

function regimenTables(cycles: readonly CycleDoses[], kind: 'dose_end' | 'dose_end_first', keep: (c: CycleDoses) => boolean): CountTable[] {
  return [...groupBy(cycles, regimenLabel)].flatMap(([regimen, g]): CountTable[] => {
    const top = Math.max(...g.map((c) => Math.max(c.planned_max_doses, c.doses_given)));
    const kept = g.filter(keep);
    if (kept.length === 0) return [];
    const counts = Array.from({ length: top + 1 }, () => DOSE_END_COLS.map(() => 0));
    for (const c of kept) counts[c.doses_given]![DOSE_END_COLS.indexOf(endCause(c))]! += 1;
    return [{ id: `${kind}:${regimen}`, kind, group: { regimen }, rows: counts.map((_, d) => String(d)), cols: [...DOSE_END_COLS], counts }];
  });
}

/** Parses a regimen label back into dose per kg and cap. @example parseRegimen('720k/15') // { dose_iu_per_kg: 720000, cap: 15 } */
export function parseRegimen(label: string): { dose_iu_per_kg: number; cap: number } {
  const m = /^(\d+)k\/(\d+)$/.exec(label);
  if (m === null) throw new Error(`regimen label ${label}: expected e.g. 600k/14`);
  return { dose_iu_per_kg: Number(m[1]) * 1000, cap: Number(m[2]) };
}
