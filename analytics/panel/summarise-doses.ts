// Dose tables of a bundle: per regimen, cycles by doses given (rows 0 … cap) and how the cycle ended (columns). Row sums
// are the doses-given histogram; the table is the dose-survival risk table (at risk at k = cycles in rows ≥ k − 1;
// events = toxicity + other; censored at the cap = maximum), so both pooled analyses are rebuilt exactly from it.
import { groupBy } from '../doses/group.js';
import { endCause, regimenLabel, type CycleDoses } from '../doses/types.js';
import { DOSE_END_COLS, type CountTable } from './types.js';

/** One dose_end table per regimen ('600k/14', …). @example doseEndTables(cycles).map((t) => t.id) // ['dose_end:600k/14'] */
export function doseEndTables(cycles: readonly CycleDoses[]): CountTable[] {
  return [...groupBy(cycles, regimenLabel)].map(([regimen, g]) => {
    const top = Math.max(...g.map((c) => Math.max(c.planned_max_doses, c.doses_given)));
    const counts = Array.from({ length: top + 1 }, () => DOSE_END_COLS.map(() => 0));
    for (const c of g) counts[c.doses_given]![DOSE_END_COLS.indexOf(endCause(c))]! += 1;
    return { id: `dose_end:${regimen}`, kind: 'dose_end', group: { regimen }, rows: counts.map((_, d) => String(d)), cols: [...DOSE_END_COLS], counts };
  });
}

/** Parses a regimen label back into dose per kg and cap. @example parseRegimen('720k/15') // { dose_iu_per_kg: 720000, cap: 15 } */
export function parseRegimen(label: string): { dose_iu_per_kg: number; cap: number } {
  const m = /^(\d+)k\/(\d+)$/.exec(label);
  if (m === null) throw new Error(`regimen label ${label}: expected e.g. 600k/14`);
  return { dose_iu_per_kg: Number(m[1]) * 1000, cap: Number(m[2]) };
}
