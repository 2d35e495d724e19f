// Summary, first in the report: what the store holds and the three answers in plain sentences.
import { escapeHtml } from '../html/index.js';
import type { ReportSection } from '../html/index.js';
import { dosesAnswer, practiceAnswer, responseAnswer } from './answers.js';
import { noteList, table, type ReportContext } from './context.js';
import { KIND_LABELS, OBSERVATION_KINDS } from './load-store.js';
import { reportMessages } from './messages.js';
import { periodLabel } from './period.js';

/** Notes on what the store lacks: one centre only, centres without a kind of observation. */
export function missingNotes(ctx: ReportContext): string[] {
  const notes: string[] = [];
  if (ctx.facts.centres.length === 1) notes.push(reportMessages.oneCentre(ctx.facts.centres[0]!.centre_id));
  const cs = ctx.facts.centres;
  // A kind no centre records is said once; a kind some centres lack is said per centre.
  const nowhere = OBSERVATION_KINDS.filter((k) => cs.every((c) => c.kinds[k] === 0));
  if (nowhere.length && cs.length > 1) notes.push(reportMessages.kindNowhere(nowhere.map((k) => KIND_LABELS[k])));
  for (const c of cs) {
    const missing = OBSERVATION_KINDS.filter((k) => c.kinds[k] === 0 && (cs.length === 1 || !nowhere.includes(k))).map((k) => KIND_LABELS[k]);
    if (missing.length) notes.push(reportMessages.missingKinds(c.centre_id, missing));
  }
  return notes;
}

/**
 * The summary section: centres, patients, cycles, courses, the period (month and year), and the three answers.
 * @example const s = summarySection(ctx); s.title === 'Summary'
 */
export function summarySection(ctx: ReportContext): ReportSection {
  const cs = ctx.facts.centres;
  const sum = (k: 'patients' | 'courses' | 'cycles') => cs.reduce((s, c) => s + c[k], 0);
  const period = periodLabel(cs.flatMap((c) => [c.first_slot, c.last_slot]));
  const centres = `${cs.length} centre${cs.length === 1 ? '' : 's'} (${cs.map((c) => c.centre_id).join(', ')})`;
  const when = period ? `in ${period}` : 'at dates the store does not hold';
  const lead = `${centres}, ${sum('patients')} patients, ${sum('courses')} courses and ${sum('cycles')} cycles, treated ${when}.`;
  const rows = [
    ...cs.map((c) => ({
      centre: c.centre_id,
      patients: c.patients,
      courses: c.courses,
      cycles: c.cycles,
      slots: c.dose_slots,
      period: periodLabel([c.first_slot, c.last_slot]),
    })),
    ...(cs.length > 1
      ? [
          {
            centre: 'All centres',
            patients: sum('patients'),
            courses: sum('courses'),
            cycles: sum('cycles'),
            slots: cs.reduce((s, c) => s + c.dose_slots, 0),
            period,
          },
        ]
      : []),
  ];
  const cols = [
    { key: 'centre', label: 'Centre' },
    { key: 'patients', label: 'Patients' },
    { key: 'courses', label: 'Courses' },
    { key: 'cycles', label: 'Cycles' },
    { key: 'slots', label: 'Dose slots (q8h)' },
    { key: 'period', label: 'Period treated' },
  ];
  const answer = (title: string, text: string) => `<h3>${escapeHtml(title)}</h3><p>${escapeHtml(text)}</p>`;
  const html = [
    `<p class="lead">${escapeHtml(lead)}</p>`,
    answer('How practice departs from the reference ruleset', practiceAnswer(ctx.analyses.holds)),
    answer('Doses reached', dosesAnswer(ctx.analyses.doses)),
    answer('Response and its strongest signals', responseAnswer(ctx.analyses.response)),
    noteList(missingNotes(ctx)),
    table(ctx, cols, rows, 'What the store holds, by centre'),
  ].join('\n');
  return { id: 'summary', title: 'Summary', html };
}
