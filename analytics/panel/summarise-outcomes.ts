// A centre's outcome tables for its bundle (issue 22 → issue 20): counts only, so a panel pools them exactly.
// - os_life / pfs_life per disease: a life table of events and censorings per 6-month interval from the first dose
//   (life-table.ts; disclosure control merges intervals instead of suppressing cells; the at-risk count of each
//   interval is the total minus the rows above it, so it is not sent twice);
// - durable_cr per disease: complete responders progression-free, progressed, or not followed at 24 and 36 months;
// - serious_events per regimen: patients with and without each serious event (exposure = the row total).
import { patientOutcomes, type PatientOutcome } from '../outcomes/patient-outcomes.js';
import { ANY_SERIOUS, centresWithoutDeathCause, safetyRates, TREATMENT_RELATED_DEATH } from '../outcomes/safety.js';
import type { OutcomeInputs } from '../outcomes/types.js';
import type { CountTable } from './types.js';
import type { RulesetStop } from '../outcomes/ruleset-stops.js';
import { cycleEndTables, reversalTables } from './summarise-toxicity.js';
import { GRID_ROWS, gridCounts, intervalLabel, LIFE_COLS, LIFE_GRID_MONTHS } from './life-table.js';

export const DURABLE_ROWS = ['h24', 'h36'] as const;
export const DURABLE_COLS = ['progression_free', 'progressed', 'not_followed'] as const;
export const SERIOUS_COLS = ['with_event', 'without_event'] as const;
const DISEASE_CODES = ['rcc', 'melanoma'] as const;

/** Labels of the grid's intervals, in order. */
export const LIFE_GRID_ROWS = Array.from({ length: GRID_ROWS }, (_, i) =>
  intervalLabel(i * LIFE_GRID_MONTHS, i === GRID_ROWS - 1 ? null : (i + 1) * LIFE_GRID_MONTHS),
);

function lifeTables(rows: readonly PatientOutcome[]): CountTable[] {
  return DISEASE_CODES.flatMap((disease) => {
    const mine = rows.filter((r) => r.disease === disease);
    if (mine.length === 0) return [];
    return (['os', 'pfs'] as const).map((ep) => ({
      id: `${ep}_life:${disease}`,
      kind: `${ep}_life` as const,
      group: { disease },
      rows: [...LIFE_GRID_ROWS],
      cols: [...LIFE_COLS],
      counts: gridCounts(mine.map((r) => ({ t: ep === 'os' ? r.os_months : r.pfs_months, event: ep === 'os' ? r.os_event : r.pfs_event }))),
    }));
  });
}

function durableTables(rows: readonly PatientOutcome[]): CountTable[] {
  return DISEASE_CODES.flatMap((disease) => {
    const crs = rows.filter((r) => r.disease === disease && r.best_response === 'CR');
    if (crs.length === 0) return [];
    const counts = [24, 36].map((h) => {
      const free = crs.filter((r) => r.pfs_months >= h).length;
      const progressed = crs.filter((r) => r.pfs_months < h && r.pfs_event === 1).length;
      return [free, progressed, crs.length - free - progressed];
    });
    return [{ id: `durable_cr:${disease}`, kind: 'durable_cr' as const, group: { disease }, rows: [...DURABLE_ROWS], cols: [...DURABLE_COLS], counts }];
  });
}

function seriousTables(input: OutcomeInputs): CountTable[] {
  const noCause = centresWithoutDeathCause(input).size > 0;
  // A centre with no cause of death sends neither treatment-related death nor any serious event (which would count its
  // treatment-related deaths as none): the panel names it as not recorded for both.
  const uncounted = (t: string) => noCause && (t === TREATMENT_RELATED_DEATH || t === ANY_SERIOUS);
  const rows = safetyRates(input).filter((r) => r.centre_id !== 'ALL' && !uncounted(r.event_type));
  const regimens = [...new Set(rows.map((r) => r.regimen))].sort();
  return regimens.map((regimen) => {
    const mine = rows.filter((r) => r.regimen === regimen);
    return {
      id: `serious_events:${regimen}`,
      kind: 'serious_events' as const,
      group: { regimen },
      rows: mine.map((r) => r.event_type),
      cols: [...SERIOUS_COLS],
      counts: mine.map((r) => [r.patients_with_event, r.patients - r.patients_with_event]),
    };
  });
}

/**
 * The outcome count tables of one centre (survival, durable CR and serious events need follow-up; reversibility and
 * cycle ends do not; `stops` adds a cycle-end table per ruleset). A centre whose export has no cause of death
 * sends no treatment-related-death and no any-serious-event row, rather than rows that count those deaths as none.
 * @example outcomeTables(await loadOutcomeInputs(conn, { centres: ['amstel'] }))
 */
export function outcomeTables(input: OutcomeInputs, stops: Readonly<Record<string, readonly RulesetStop[]>> = {}): CountTable[] {
  const { rows } = patientOutcomes(input);
  const toxicity = [...reversalTables(input), ...cycleEndTables(input, stops)];
  if (rows.length === 0) return toxicity;
  return [...lifeTables(rows), ...durableTables(rows), ...seriousTables(input), ...toxicity];
}
