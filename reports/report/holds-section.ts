// Hold practice: concordance of each centre with every ruleset, enforcement per criterion of the reference, the
// recorded hold reasons and implied thresholds — the figures and tables of `il2kit holds`, aggregate rows only.
import { concordanceSpec, enforcementSpec, holdReasonsSpec, impliedThresholdsSpec } from '../../charts/holds.js';
import { formatNumber, type ReportSection } from '../html/index.js';
import { figure, noteList, para, statusTag, table, type ReportContext } from './context.js';
import type { Rule } from '../../schemas/ruleset.js';

const SECTION = { id: 'hold-practice', title: 'Hold practice' } as const;

/**
 * The hold-practice section, or a note saying why the analysis could not run on this store.
 * @example const s = await holdsSection(ctx);
 */
export async function holdsSection(ctx: ReportContext): Promise<ReportSection> {
  const h = ctx.analyses.holds;
  if (!h.ok) return { ...SECTION, html: para(`Not available: ${h.reason}.`, 'missing') };
  const { report, reference, rulesets, slots, computed } = h.value;
  const refRows = report.concordance.filter((r) => r.ruleset_id === reference.id);
  const doubtful = reference.rules.filter((r) => r.status !== 'verified');
  const unevaluable = refRows
    .filter((r) => r.unevaluable_rules !== '')
    .map((r) => `${r.centre_id} never records the evidence of ${r.unevaluable_rules.split('|').join(', ')}: those rules cannot be assessed there.`);
  const method = [
    `Each ruleset is run by one engine over all ${formatNumber(slots)} dose slots, with the values its rules need at each slot (at dose time and over the ` +
      `preceding interval) and the recorded history so far; a slot is compared only when every rule could be evaluated on it.`,
    `Reference ruleset: ${reference.title} (${reference.id}, ${statusTag(reference.status)}, source ${reference.source}).`,
    ...(doubtful.length
      ? [
          `Rules of the reference that are not verified (do not cite them as facts): ${doubtful.map((r) => `${r.id} ${statusTag(r.status)}`).join(', ')}; ` +
            `their sources and notes are listed below the tables.`,
        ]
      : []),
    ...unevaluable,
    ...(computed.length ? [`Slot features were computed for ${computed.join(', ')} when the report ran: the store holds none current for them.`] : []),
    'Implied thresholds: the change point of the hold rate with a patient-cluster bootstrap interval, the four-parameter logistic ED50 ' +
      '(half-way between the hold rate’s floor and ceiling, profile-likelihood interval) and the plain logistic ED50 (drawn in the figure); ' +
      'with about 30 patients a centre the intervals are wide.',
  ];
  const statusCol = { key: 'status', label: 'Status', format: (v: unknown) => statusTag(String(v)) };
  const rulesetTable = table(
    ctx,
    [
      { key: 'ruleset_id', label: 'Ruleset' },
      { key: 'title', label: 'Title' },
      { key: 'source', label: 'Source' },
      statusCol,
      { key: 'rules', label: 'Rules' },
      { key: 'rules_inferred', label: 'Inferred' },
      { key: 'rules_unverified', label: 'Unverified' },
    ],
    report.rulesets,
    'Rulesets compared, with their source and verification status',
  );
  const kappa = (r: (typeof refRows)[number]) =>
    r.kappa === null ? null : `${r.kappa.toFixed(2)} (${r.kappa_lower?.toFixed(2) ?? '—'}–${r.kappa_upper?.toFixed(2) ?? '—'})`;
  const concordanceTable = table(
    ctx,
    [
      { key: 'centre_id', label: 'Centre' },
      { key: 'n', label: 'Slots compared' },
      { key: 'met_and_held', label: 'Criteria met, held' },
      { key: 'met_but_given', label: 'Criteria met, given' },
      { key: 'held_without_criterion', label: 'Held, no criterion met' },
      { key: 'neither', label: 'Neither' },
      { key: 'not_assessable', label: 'Not assessable' },
      { key: 'agreement', label: 'Agreement' },
      { key: 'kappa_ci', label: 'Kappa (95% CI)' },
    ],
    refRows.map((r) => ({ ...r, kappa_ci: kappa(r) })),
    `Recorded holds against ${reference.title}`,
  );
  const figures = await Promise.all([
    figure(ctx, concordanceSpec(report.concordance), 'Agreement (Cohen’s kappa) of each centre’s recorded holds with each ruleset'),
    figure(
      ctx,
      enforcementSpec(report.enforcement, { ruleset: reference.id }),
      `How often each criterion of ${reference.title} was followed by a hold when met, by centre`,
    ),
    figure(
      ctx,
      report.holdReasons.length ? holdReasonsSpec(report.holdReasons) : null,
      'Recorded reasons for held and skipped doses, by centre',
      'no held or skipped dose has a recorded reason',
    ),
    figure(
      ctx,
      report.impliedThresholds.length ? impliedThresholdsSpec({ thresholds: report.impliedThresholds, bands: report.referenceBands }) : null,
      `Thresholds implied by each centre’s holds, against the bands of ${reference.title}`,
    ),
  ]);
  const html = [
    `<p>How each centre applies the criteria for holding a dose, compared with ${rulesets.length} rulesets; the reference ruleset is drawn in detail.</p>`,
    noteList(method),
    concordanceTable,
    figures[0],
    figures[1],
    figures[2],
    figures[3],
    rulesetTable,
    doubtful.length
      ? `<details><summary>Sources and notes of the ${doubtful.length} rules not ` +
        `verified</summary>${noteList(doubtful.map(ruleSourceNote))}</details>`
      : '',
  ].join('\n');
  return { ...SECTION, html };
}

/** One unverified rule's line: id, variable, status, source and its note. */
function ruleSourceNote(r: Rule): string {
  return `${r.id} (${r.variable}) ${statusTag(r.status)} — ${r.source}${r.note ? `: ${r.note.replace(/\.+$/, '')}` : ''}.`;
}
