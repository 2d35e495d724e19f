// Doses reached: the figures and tables of `il2kit doses` (distribution, dose survival with end reasons, the funnel of
// cycles reaching the threshold) with their notes.
import { doseDistributionSpec, doseSurvivalSpec, endReasonIncidenceSpec, reachingFunnelSpec } from '../../charts/doses.js';
import { ALL_CENTRES } from '../../analytics/doses/types.js';
import type { ReportSection } from '../html/index.js';
import { figure, noteList, para, pct, table, type ReportContext } from './context.js';

const SECTION = { id: 'doses-reached', title: 'Doses reached' } as const;

/**
 * The doses-reached section, or a note saying why the analysis could not run on this store.
 * @example const s = await dosesSection(ctx);
 */
export async function dosesSection(ctx: ReportContext): Promise<ReportSection> {
  const d = ctx.analyses.doses;
  if (!d.ok) return { ...SECTION, html: para(`Not available: ${d.reason}.`, 'missing') };
  const { result: r, threshold, cycles } = d.value;
  const several = ctx.facts.centres.length > 1;
  const figures = await Promise.all([
    figure(ctx, doseDistributionSpec(r.histogram), 'Doses given per cycle, by centre and regimen'),
    figure(
      ctx,
      doseSurvivalSpec(r.survival.curves),
      'Share of cycles still receiving doses after each dose (Kaplan–Meier, 95% CI), by centre',
    ),
    figure(
      ctx,
      endReasonIncidenceSpec(r.survival.incidence),
      'How cycles ended: cumulative incidence of stopping for toxicity, reaching the maximum or another reason',
    ),
    figure(
      ctx,
      several && r.reaching.crude.length ? reachingFunnelSpec(r.reaching) : null,
      `Cycles reaching ${threshold} doses by centre, against funnel limits around the all-centre share`,
      several ? 'no cycle to compare' : 'a funnel compares centres, and the store holds one',
    ),
  ]);
  const distribution = r.distribution.filter((x) => x.cycle_number === 'all');
  const cols = [
    { key: 'centre_id', label: 'Centre', format: (v: unknown) => (v === ALL_CENTRES ? 'All centres' : String(v)) },
    { key: 'regimen', label: 'Regimen (IU/kg / cap)' },
    { key: 'n_cycles', label: 'Cycles' },
    { key: 'mean', label: 'Mean doses' },
    { key: 'mean_ci', label: 'Mean, 95% CI' },
    { key: 'median', label: 'Median' },
    { key: 'min', label: 'Min' },
    { key: 'max', label: 'Max' },
    { key: 'share_reached_max', label: 'Reached the cap', format: (v: unknown) => pct(typeof v === 'number' ? v : null) },
  ];
  const ci = (lo: number | null, hi: number | null) => (lo === null || hi === null ? null : `${lo.toFixed(1)}–${hi.toFixed(1)}`);
  const html = [
    para(`${cycles} cycles. A dose slot counts as reached when the dose was given; regimens (600,000 or 720,000 IU/kg; cap 14 or 15 doses) are never pooled.`),
    noteList(r.notes),
    table(ctx, cols, distribution.map((x) => ({ ...x, mean_ci: ci(x.mean_lower, x.mean_upper) })), 'Doses given per cycle (all cycles), by centre and regimen'),
    ...figures,
  ].join('\n');
  return { ...SECTION, html };
}
