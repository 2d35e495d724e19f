// Outcomes and safety (issue 22): survival medians and the landmark comparison, durable CRs, reversal of toxicity
// beside the published shares, why cycles ended, serious events per 100 patients, retreatment gaps, and the
// practice → outcome meta-regression with its ecological caveat.
import { DURABLE_CR_DISEASE_LABELS, durableCrSpec } from '../../charts/durable-cr.js';
import { cycleEndSpec, reversibilitySpec, safetySpec, survivalCurvesSpec } from '../../charts/outcomes.js';
import {
  ECOLOGICAL_CAVEAT,
  ENDPOINT_LABELS,
  OUTCOME_LABELS,
  PRACTICE_MEASURE_LABELS,
  REVERSAL_LABELS,
  RETREATMENT_SOURCE,
  SAFETY_EVENT_LABELS,
  type SafetyRow,
} from '../../analytics/outcomes/index.js';
import type { ReportSection } from '../html/index.js';
import { figure, noteList, para, pct, table, type ReportContext } from './context.js';

const SECTION = { id: 'outcomes-safety', title: 'Outcomes and safety' } as const;

const num = (d: number) => (v: unknown) => (v === null || v === undefined ? '—' : (v as number).toFixed(d));
const centre = (v: unknown) => (v === 'ALL' ? 'All centres' : String(v));
const range = (lo: number | null, hi: number | null, f: (x: number) => string) => (lo === null || hi === null ? null : `${f(lo)}–${f(hi)}`);

/** Each serious event's own rate, all centres, per regimen (a type no patient had is left out; the note says which). */
function seriousByType(ctx: ReportContext, safety: readonly SafetyRow[]): string {
  const all = safety.filter((x) => x.centre_id === 'ALL' && x.event_type !== 'any_serious');
  const seen = all.filter((x) => x.patients_with_event > 0);
  const none = [...new Set(all.map((x) => x.event_type))].filter((t) => !seen.some((x) => x.event_type === t));
  const rows = seen.map((x) => ({
    ...x,
    event: SAFETY_EVENT_LABELS[x.event_type] ?? x.event_type,
    ci: range(x.per_100_lower, x.per_100_upper, (v) => v.toFixed(1)),
    course_ci: range(x.per_course_lower, x.per_course_upper, (v) => v.toFixed(3)),
  }));
  const cols = [
    { key: 'event', label: 'Serious event' },
    { key: 'regimen', label: 'Regimen' },
    { key: 'patients_with_event', label: 'Patients with it' },
    { key: 'patients', label: 'Patients' },
    { key: 'per_100_patients', label: 'Per 100', format: num(1) },
    { key: 'ci', label: 'Exact 95% CI' },
    { key: 'per_course', label: 'Per course', format: num(3) },
    { key: 'course_ci', label: 'Exact 95% CI (per course)' },
  ];
  const note = none.length === 0 ? '' : para(`No patient had: ${none.map((t) => SAFETY_EVENT_LABELS[t] ?? t).join(', ')}.`);
  return table(ctx, cols, rows, 'Serious events by type, all centres') + note;
}

/**
 * The outcomes section, or a note saying why the store cannot answer it.
 * @example const s = await outcomesSection(ctx);
 */
export async function outcomesSection(ctx: ReportContext): Promise<ReportSection> {
  const a = ctx.analyses.outcomes;
  if (!a.ok) return { ...SECTION, html: para(`Not available: ${a.reason}.`, 'missing') };
  const r = a.value;
  const figures = await Promise.all([
    figure(ctx, r.curves.some((c) => c.endpoint === 'os') ? survivalCurvesSpec(r.curves, 'os', 'centre') : null, 'Overall survival by centre (Kaplan–Meier)'),
    figure(
      ctx,
      r.curves.some((c) => c.endpoint === 'landmark_os') ? survivalCurvesSpec(r.curves, 'landmark_os', 'responder') : null,
      'Overall survival from the first response assessment, by response then',
    ),
    figure(
      ctx,
      r.reversibility.some((x) => x.cumulative_incidence !== null) ? reversibilitySpec(r.reversibility) : null,
      'Reversal of toxicity after the last dose',
      'no cycle with a toxicity to reverse',
    ),
    figure(
      ctx,
      r.durableCr.some((x) => x.disease !== 'all' && x.progression_free !== null) ? durableCrSpec(r.durableCr) : null,
      'Durable complete responses, RCC and melanoma apart',
      'no complete responder followed 24 months',
    ),
    figure(ctx, r.safety.length ? safetySpec(r.safety) : null, 'Patients with a serious event per 100 treated'),
    figure(ctx, r.cycleEnds.length ? cycleEndSpec(r.cycleEnds) : null, 'Why cycles ended'),
  ]);
  const survivalRows = r.survival
    .filter((x) => x.grouping === 'all' || x.grouping === 'regimen' || x.endpoint === 'landmark_os')
    .map((x) => ({
      ...x,
      endpoint: ENDPOINT_LABELS[x.endpoint],
      ci: range(x.median_lower, x.median_upper, (v) => v.toFixed(1)),
    }));
  const html = [
    para(
      'Survival times in months from the first dose. Medians and intervals as R’s quantile.survfit; “—” where the median is not reached or ' +
        'no one was followed that long. Regimens are shown apart; a row pooled across regimens says so.',
    ),
    noteList(r.notes),
    table(
      ctx,
      [
        { key: 'endpoint', label: 'Endpoint' },
        { key: 'group', label: 'Group' },
        { key: 'n', label: 'Patients' },
        { key: 'events', label: 'Events' },
        { key: 'median_months', label: 'Median (months)', format: num(1) },
        { key: 'ci', label: '95% CI' },
        { key: 's36', label: 'At 36 months', format: (v: unknown) => pct(v as number | null) },
        { key: 'note', label: 'Note' },
      ],
      survivalRows,
      'Survival, progression-free survival, response duration and landmark survival',
    ),
    table(
      ctx,
      [
        { key: 'endpoint', label: 'Endpoint' },
        { key: 'term', label: 'Term' },
        { key: 'hazard_ratio', label: 'Hazard ratio', format: num(2) },
        { key: 'ci', label: '95% CI' },
        { key: 'p_value', label: 'p', format: num(3) },
      ],
      r.cox.map((c) => ({ ...c, ci: range(c.lower, c.upper, (v) => v.toFixed(2)) })),
      'Cox model adjusted for centre and disease (proportional-hazards test in the outcomes tables)',
    ),
    table(
      ctx,
      [
        { key: 'centre_id', label: 'Centre', format: centre },
        { key: 'disease', label: 'Disease' },
        { key: 'horizon_months', label: 'Months' },
        { key: 'complete_responders', label: 'Complete responders' },
        { key: 'progression_free', label: 'Progression-free', format: (v: unknown) => pct(v as number | null) },
        { key: 'ci', label: '95% CI' },
        { key: 'reference_source', label: 'Published' },
        { key: 'note', label: 'Note' },
      ],
      r.durableCr
        .filter((x) => x.disease !== 'all')
        .map((x) => ({ ...x, disease: DURABLE_CR_DISEASE_LABELS[x.disease], ci: range(x.lower, x.upper, (v) => pct(v)) })),
      'Durable complete responses by disease (progression-free and alive, Kaplan–Meier)',
    ),
    table(
      ctx,
      [
        { key: 'measure', label: 'Toxicity reversed' },
        { key: 'day', label: 'By day' },
        { key: 'courses', label: 'Courses' },
        { key: 'cumulative_incidence', label: 'Reversed', format: (v: unknown) => pct(v as number | null) },
        { key: 'reference', label: 'Published', format: (v: unknown) => pct(v as number | null) },
      ],
      r.reversibility
        .filter((x) => x.centre_id === 'ALL' || !r.reversibility.some((y) => y.centre_id === 'ALL'))
        .map((x) => ({ ...x, measure: REVERSAL_LABELS[x.measure] })),
      'Reversal after the last dose (death competing), all centres',
    ),
    table(
      ctx,
      [
        { key: 'centre_id', label: 'Centre', format: centre },
        { key: 'regimen', label: 'Regimen' },
        { key: 'patients', label: 'Patients' },
        { key: 'patients_with_event', label: 'With a serious event' },
        { key: 'per_100_patients', label: 'Per 100', format: num(1) },
        { key: 'ci', label: 'Exact 95% CI' },
        { key: 'unresolved', label: 'Not recorded as resolved' },
      ],
      r.safety.filter((x) => x.event_type === 'any_serious').map((x) => ({ ...x, ci: range(x.per_100_lower, x.per_100_upper, (v) => v.toFixed(1)) })),
      'Serious events: ICU transfer, intubation, dialysis, coma, seizure, myocardial infarction or ischaemia, treatment-related death',
    ),
    seriousByType(ctx, r.safety),
    para(`Retreatment interval: ${RETREATMENT_SOURCE}.`),
    table(
      ctx,
      [
        { key: 'centre_id', label: 'Centre', format: centre },
        { key: 'later_courses', label: 'Later courses' },
        { key: 'early', label: 'Started early' },
        { key: 'share_early', label: 'Share', format: (v: unknown) => pct(v as number | null) },
        { key: 'median_gap_days', label: 'Median gap (days)', format: num(0) },
      ],
      r.retreatment,
      'Courses started sooner than 7 weeks after the previous one',
    ),
    `<p class="note"><strong>Practice and outcome.</strong> ${ECOLOGICAL_CAVEAT}</p>`,
    table(
      ctx,
      [
        { key: 'outcome', label: 'Outcome' },
        { key: 'measure', label: 'Practice measure' },
        { key: 'centres', label: 'Centres' },
        { key: 'slope', label: 'Slope', format: num(3) },
        { key: 'ci', label: '95% CI' },
        { key: 'note', label: 'Note' },
      ],
      r.practice.map((x) => ({
        ...x,
        outcome: OUTCOME_LABELS[x.outcome],
        measure: PRACTICE_MEASURE_LABELS[x.measure] ?? x.measure,
        ci: range(x.lower, x.upper, (v) => v.toFixed(3)),
      })),
      'Centre-level meta-regression (random effects)',
    ),
    ...figures,
  ].join('\n');
  return { ...SECTION, html };
}
