// A patient's follow-up from every row that carries part of it (a death record, a last-contact visit, a
// progression assessment): one record per patient, checked against the first dose. Pure; no IO.
import type { TableCounts } from '../../schemas/index.js';
import type { Candidate, RecordProblem } from './records.js';

type Quarantine = (c: Candidate, p?: RecordProblem[]) => void;
const ms = (v: unknown) => (typeof v === 'string' && v !== '' ? Date.parse(v) : null);
const earliest = (vs: unknown[]) => pick(vs, (a, b) => a < b);
const latest = (vs: unknown[]) => pick(vs, (a, b) => a > b);

function pick(vs: unknown[], better: (a: number, b: number) => boolean): string | null {
  let best: string | null = null;
  for (const v of vs) if (typeof v === 'string' && v !== '' && (best === null || better(Date.parse(v), Date.parse(best)))) best = v;
  return best;
}

/**
 * Combines each patient's follow-up rows (earliest progression and death, latest contact, the first cause given) into
 * the first row's record, counting the others as merged. A patient with a bad row has all its rows quarantined, so a
 * partial record (e.g. alive because the death row was unreadable) is never stored. `firstDose` gives each patient's
 * first dose (ms); a death or progression before it is quarantined.
 */
export function combineFollowUp(list: Candidate[], n: TableCounts, firstDose: Map<string, number>, quarantine: Quarantine): Candidate[] {
  const groups = new Map<string, Candidate[]>();
  for (const c of list) {
    const k = String(c.values.patient_key);
    const g = groups.get(k);
    if (g) g.push(c);
    else groups.set(k, [c]);
  }
  const out: Candidate[] = [];
  for (const [patient, g] of groups) {
    const bad = g.find((c) => c.problems.length > 0);
    if (bad) {
      for (const c of g) quarantine(c, c === bad ? [] : [siblingProblem(bad)]);
      continue;
    }
    const one = combine(g);
    n.merged += g.length - 1;
    checkAgainstFirstDose(one, firstDose.get(patient));
    out.push(one);
  }
  return out;
}

function siblingProblem(bad: Candidate): RecordProblem {
  const at = bad.where.row !== null ? `row ${bad.where.row}` : (bad.where.pointer ?? '');
  const message = `another follow-up row of this patient (${bad.where.file} ${at}) was quarantined, so the patient's follow-up is not stored`;
  return { field: null, raw: null, check: 'follow_up_incomplete', message };
}

function combine(g: Candidate[]): Candidate {
  const one = g[0]!;
  const v = (f: string) => g.map((c) => c.values[f]);
  const death = earliest(v('death_at'));
  const contact = latest([...v('last_contact_at'), death]);
  const cause = v('death_cause').find((x) => x !== null && x !== undefined && x !== '') ?? null;
  one.values.progression_at = earliest(v('progression_at'));
  one.values.death_at = death;
  // The last contact of a patient who died is the death date (a later contact is an error the schema reports).
  one.values.last_contact_at = contact;
  one.values.death_cause = death !== null && cause === null ? 'unknown' : cause;
  return one;
}

function checkAgainstFirstDose(c: Candidate, first: number | undefined): void {
  if (first === undefined) return;
  const firstIso = new Date(first).toISOString();
  const death = ms(c.values.death_at);
  const prog = ms(c.values.progression_at);
  if (death !== null && death < first) {
    const message = `the death date is before the patient's first dose (${firstIso}); check the date or the patient it belongs to`;
    c.problems.push({ field: 'death_at', raw: c.values.death_at, check: 'death_before_treatment', message });
  }
  if (prog !== null && prog < first) {
    const message = `progression is dated before the patient's first dose (${firstIso}); record only progression after HD IL-2 starts`;
    c.problems.push({ field: 'progression_at', raw: c.values.progression_at, check: 'progression_before_treatment', message });
  }
  if (c.values.last_contact_at === null) {
    const message = 'no last-contact date and no death date for the patient: map last_contact_at (the last date known alive)';
    c.problems.push({ field: 'last_contact_at', raw: null, check: 'date_missing', message });
  }
}
