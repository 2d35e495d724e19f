import type { Command } from 'commander';
import type { Adjuster } from '../../analytics/response/signal-odds-ratios.js';
import { UserError } from '../errors.js';

const TABLES = [
  'course_signals', 'response_rates', 'response_rates_all_eligible', 'response_funnel', 'response_funnel_curves', 'response_by_doses',
  'odds_ratios', 'odds_ratios_joint', 'forest',
] as const;
const FIGURES = ['response_funnel', 'response_by_doses', 'forest'] as const;

const ADJUSTERS: readonly Adjuster[] = ['centre', 'disease', 'ecog', 'age'];

export function registerResponse(program: Command): void {
  program
    .command('response')
    .description('Response signals: response rate per centre (intervals, funnel), response by doses, odds ratios of the §4.3 signals (landmark; not causal)')
    .option('--store <dir>', 'store folder (DuckDB + Parquet)', 'out/store')
    .option('--out <dir>', 'output folder', 'out/analyses/response')
    .option('--centres <id...>', 'only these centres')
    .option('--course <n>', "course whose response is analysed, or 'all'", '1')
    .option('--adjust <terms...>', `adjustment set (${ADJUSTERS.join(', ')})`, ['centre', 'disease'])
    .action(async (opts: { store: string; out: string; centres?: string[]; course: string; adjust: string[] }) => {
      const course = opts.course === 'all' ? 'all' : Number(opts.course);
      if (course !== 'all' && (!Number.isInteger(course) || course < 1)) throw new UserError(`--course must be a course number or 'all', got ${opts.course}`);
      const bad = opts.adjust.filter((a) => !ADJUSTERS.includes(a as Adjuster));
      if (bad.length > 0) throw new UserError(`--adjust: unknown term(s) ${bad.join(', ')}; use ${ADJUSTERS.join(', ')}`);
      // Loaded here, not at start-up: `il2kit --help` stays fast.
      const { analyseResponse, loadResponseInputs } = await import('../../analytics/response/index.js');
      const { forestSpec, responseByDosesSpec, responseFunnelSpec } = await import('../../charts/response.js');
      const { clearOutputs, withStore, writeFigures, writeReadme, writeTables } = await import('./analysis-output.js');
      const inputs = await withStore(opts.store, (conn) => loadResponseInputs(conn, { centres: opts.centres }));
      const r = analyseResponse(inputs, { course, adjust: opts.adjust as Adjuster[] });
      clearOutputs(opts.out, [...TABLES, ...FIGURES]);
      const tables = await writeTables(opts.out, {
        course_signals: r.signals,
        response_rates: r.rates.rates,
        response_rates_all_eligible: r.eligible,
        response_funnel: r.rates.funnel,
        response_funnel_curves: r.rates.curves,
        response_by_doses: r.byDoses,
        odds_ratios: r.oddsRatios.single,
        odds_ratios_joint: r.oddsRatios.joint,
        forest: r.oddsRatios.forest,
      } satisfies Record<(typeof TABLES)[number], readonly object[]>);
      const figures = await writeFigures(opts.out, {
        response_funnel: r.rates.funnel.length > 0 ? responseFunnelSpec(r.rates) : null,
        response_by_doses: r.byDoses.length > 0 ? responseByDosesSpec(r.byDoses, { landmark: r.landmark }) : null,
        forest: r.oddsRatios.forest.length > 0 ? forestSpec(r.oddsRatios) : null,
      } satisfies Record<(typeof FIGURES)[number], unknown>);
      const lines = [`**${r.landmark}**`, '', `Course analysed: ${r.course}. Adjusted for: ${r.oddsRatios.adjusted_for}.`, '',
        'response_rates: rate of the assessed (CR + PR of courses with an assessment). response_rates_all_eligible: rate of all treated ' +
          '(CR + PR of every course given; no assessment or NE counted as not evaluable, in the denominator: RECIST 1.1 §4.6).',
        '', ...r.notes.map((n) => `- ${n}`)];
      writeReadme(opts.out, 'il2kit response', lines, tables, figures);
      console.log(`response: ${r.signals.length} assessed course(s) → ${tables.length} tables, ${figures.length} figures in ${opts.out}`);
      console.log(`  ${r.landmark}`);
      for (const n of r.notes) console.log(`  note: ${n}`);
    });
}
