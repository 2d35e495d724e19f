import { join } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../errors.js';

const TABLES = [
  'dose_distribution', 'dose_histogram', 'cycle_comparison', 'course_doses', 'course_distribution', 'patient_cumulative',
  'dose_survival', 'end_reason_incidence', 'log_rank',
  'reaching_crude', 'reaching_adjusted', 'reaching_curves', 'reaching_first_cycle_crude', 'reaching_first_cycle_adjusted',
] as const;
const FIGURES = ['dose_survival', 'end_reason_incidence', 'dose_distribution', 'reaching_funnel', 'reaching_first_cycle_funnel'] as const;

export function registerDoses(program: Command): void {
  program
    .command('doses')
    .description(
      'Doses reached per centre: per cycle and course, cumulative IU/kg, dose survival with end reasons, log-rank, ' +
        'funnel of cycles reaching N doses',
    )
    .option('--store <dir>', 'store folder (DuckDB + Parquet)', 'out/store')
    .option('--out <dir>', 'output folder', 'out/analyses/doses')
    .option('--centres <id...>', 'only these centres')
    .option('--threshold <n>', 'doses a cycle must reach for the funnel', '10')
    .option('--overdispersion', 'widen funnel limits by the estimated over-dispersion')
    .action(async (opts: { store: string; out: string; centres?: string[]; threshold: string; overdispersion?: boolean }) => {
      const threshold = Number(opts.threshold);
      if (!Number.isInteger(threshold) || threshold < 1) throw new UserError(`--threshold must be a whole number of doses, got ${opts.threshold}`);
      // Loaded here, not at start-up: `il2kit --help` stays fast.
      const { analyseDoses, loadCaseMix, loadCycleDoses } = await import('../../analytics/doses/index.js');
      const { doseDistributionSpec, doseSurvivalSpec, endReasonIncidenceSpec, reachingFunnelSpec } = await import('../../charts/doses.js');
      const { clearOutputs, withStore, writeFigures, writeReadme, writeTables } = await import('./analysis-output.js');
      const { cycles, patients } = await withStore(opts.store, async (conn) => ({
        cycles: await loadCycleDoses(conn, { centres: opts.centres }),
        patients: await loadCaseMix(conn, { centres: opts.centres }),
      }));
      if (cycles.length === 0)
        throw new UserError(`no cycles in ${opts.store}${opts.centres ? ` for ${opts.centres.join(', ')}` : ''}; run il2kit ingest first`);
      const r = analyseDoses(cycles, patients, { reaching: { threshold, overdispersion: opts.overdispersion ?? false } });
      clearOutputs(opts.out, [...TABLES, ...FIGURES]);
      const tables = await writeTables(opts.out, {
        dose_distribution: r.distribution,
        dose_histogram: r.histogram,
        cycle_comparison: r.cycleComparison,
        course_doses: r.courses,
        course_distribution: r.courseDistribution,
        patient_cumulative: r.patients,
        dose_survival: r.survival.curves,
        end_reason_incidence: r.survival.incidence,
        log_rank: r.survival.logRank,
        reaching_crude: r.reaching.crude,
        reaching_adjusted: r.reaching.adjusted,
        reaching_curves: r.reaching.curves,
        reaching_first_cycle_crude: r.reachingFirstCycle.crude,
        reaching_first_cycle_adjusted: r.reachingFirstCycle.adjusted,
      } satisfies Record<(typeof TABLES)[number], readonly object[]>);
      const figures = await writeFigures(opts.out, {
        dose_survival: doseSurvivalSpec(r.survival.curves),
        end_reason_incidence: endReasonIncidenceSpec(r.survival.incidence),
        dose_distribution: doseDistributionSpec(r.histogram),
        reaching_funnel: r.reaching.crude.length > 0 ? reachingFunnelSpec(r.reaching) : null,
        reaching_first_cycle_funnel: r.reachingFirstCycle.crude.length > 0 ? reachingFunnelSpec(r.reachingFirstCycle) : null,
      } satisfies Record<(typeof FIGURES)[number], unknown>);
      const centres = new Set(cycles.map((c) => c.centre_id)).size;
      writeReadme(opts.out, 'il2kit doses', [`${cycles.length} cycles from ${centres} centre(s).`, '', ...r.notes.map((n) => `- ${n}`)], tables, figures);
      console.log(`doses: ${cycles.length} cycles → ${tables.length} tables, ${figures.length} figures in ${join(opts.out)}`);
      for (const n of r.notes) console.log(`  note: ${n}`);
    });
}
