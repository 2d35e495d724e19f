// Response signals: the figures and tables of `il2kit response` (rates with intervals, response by doses, odds ratios
// of the signals) with the landmark and guarantee-time notes.
import { forestSpec, responseByDosesSpec, responseFunnelSpec } from '../../charts/response.js';
import { ALL_CENTRES } from '../../analytics/doses/types.js';
import { escapeHtml, type ReportSection } from '../html/index.js';
import { figure, noteList, para, pct, table, type ReportContext } from './context.js';

const SECTION = { id: 'response-signals', title: 'Response signals' } as const;

/**
 * The response section, or a note saying why the analysis could not run on this store.
 * @example const s = await responseSection(ctx);
 */
export async function responseSection(ctx: ReportContext): Promise<ReportSection> {
  const a = ctx.analyses.response;
  if (!a.ok) return { ...SECTION, html: para(`Not available: ${a.reason}.`, 'missing') };
  const r = a.value;
  const several = ctx.facts.centres.length > 1;
  const figures = await Promise.all([
    figure(
      ctx,
      several && r.rates.funnel.length ? responseFunnelSpec(r.rates) : null,
      'Response rate by centre against exact binomial funnel limits',
      several ? 'no centre assessed' : 'a funnel compares centres, and the store holds one',
    ),
    figure(
      ctx,
      r.byDoses.length ? responseByDosesSpec(r.byDoses, { landmark: r.landmark }) : null,
      'Response rate by doses received in the course (landmark)',
    ),
    figure(
      ctx,
      r.oddsRatios.forest.length ? forestSpec(r.oddsRatios) : null,
      `Odds ratios of response for each signal, by centre and pooled (adjusted for ${r.oddsRatios.adjusted_for})`,
      'no signal could be estimated',
    ),
  ]);
  const rates = r.rates.rates.filter((x) => x.disease === 'all');
  const rateCols = [
    { key: 'centre_id', label: 'Centre', format: (v: unknown) => (v === ALL_CENTRES ? 'All centres' : String(v)) },
    { key: 'n_assessed', label: 'Patients assessed' },
    { key: 'responders', label: 'Responders (CR or PR)' },
    { key: 'complete', label: 'Complete responses' },
    { key: 'rate', label: 'Response rate of assessed', format: (v: unknown) => pct(v as number) },
    { key: 'wilson', label: '95% CI (Wilson)' },
  ];
  const eligible = r.eligible.filter((x) => x.disease === 'all');
  const eligibleCols = [
    rateCols[0]!,
    { key: 'n_eligible', label: 'Patients treated' },
    { key: 'not_evaluable', label: 'Not evaluable' },
    ...rateCols.slice(2, 4),
    { key: 'rate', label: 'Response rate of all treated', format: (v: unknown) => pct(v as number) },
    rateCols[5]!,
  ];
  const orCols = [
    { key: 'label', label: 'Signal' },
    { key: 'per', label: 'Odds ratio per' },
    { key: 'n', label: 'Courses' },
    { key: 'events', label: 'Responders' },
    { key: 'or', label: 'Odds ratio' },
    { key: 'ci', label: '95% CI' },
    { key: 'p_value', label: 'p' },
    { key: 'method', label: 'Method' },
    { key: 'message', label: 'Note' },
  ];
  const fmt = (x: number | null) => (x === null ? '—' : x < 10 ? x.toPrecision(2) : x.toFixed(0));
  const html = [
    `<p><strong>${escapeHtml(r.landmark)}</strong></p>`,
    para(`Course analysed: ${r.course}. Odds ratios adjusted for ${r.oddsRatios.adjusted_for}.`),
    noteList(r.notes),
    table(
      ctx,
      rateCols,
      rates.map((x) => ({ ...x, wilson: `${pct(x.wilson_lower)}–${pct(x.wilson_upper)}` })),
      'Response rate by centre, of assessed patients (complete or partial response)',
    ),
    table(
      ctx,
      eligibleCols,
      eligible.map((x) => ({ ...x, wilson: `${pct(x.wilson_lower)}–${pct(x.wilson_upper)}` })),
      'Response rate by centre, of all treated patients (not evaluable: no assessment or NE, counted in the denominator as RECIST 1.1 §4.6 does)',
    ),
    table(
      ctx,
      orCols,
      r.oddsRatios.single.map((x) => ({ ...x, ci: x.lower === null || x.upper === null ? null : `${fmt(x.lower)}–${fmt(x.upper)}` })),
      'Odds ratio of response for each signal (one model per signal)',
    ),
    ...figures,
  ].join('\n');
  return { ...SECTION, html };
}
