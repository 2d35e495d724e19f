// il2kit pool: the consensus panel pools centres' bundles into tables and one self-contained report (docs/panel.md).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { kitVersion } from '../../project/version.js';

const TABLES = [
  'centres',
  'rulesets',
  'dose_survival',
  'end_reason_incidence',
  'log_rank',
  'dose_histogram',
  'dose_distribution',
  'doses_funnel',
  'concordance',
  'enforcement',
  'hold_reasons',
  'response_rates',
  'response_funnel',
  'signal_odds_ratios',
  'implied_thresholds',
  'withheld_estimates',
  'suppressed_cells',
  'outcome_survival',
  'outcome_durable_cr',
  'outcome_serious_events',
  'outcome_reversal',
  'outcome_cycle_ends',
] as const;

interface PoolOptions {
  out: string;
  hartungKnapp?: boolean;
}

export function registerPool(program: Command): void {
  program
    .command('pool')
    .description(
      "Pool centres' aggregate bundles (from il2kit bundle): checks each file, then pooled dose survival, concordance and kappa, response rates and " +
        "random-effects signal odds ratios, as tables and the panel report",
    )
    .argument('[bundles...]', 'bundle files (JSON)')
    .option('--out <dir>', 'output folder', 'out/panel')
    .option('--hartung-knapp', 'Hartung-Knapp adjustment of the random-effects intervals (t with k − 1 df)')
    .action(async (files: string[], opts: PoolOptions) => {
      if (files.length === 0) throw new UserError('give at least one bundle file: il2kit pool <bundle.json…> (each centre makes its own with il2kit bundle)');
      const { checkBundleSet, checkBundleText } = await import('../../analytics/panel/check.js');
      const checks = files.map((f) => {
        let text: string;
        try {
          text = readFileSync(f, 'utf8');
        } catch (e) {
          return { ok: false as const, file: f, problem: `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
        }
        return checkBundleText(f, text);
      });
      const good = checks.flatMap((c) => (c.ok ? [{ file: c.file, bundle: c.bundle }] : []));
      const problems = [...checks.flatMap((c) => (c.ok ? [] : [`${c.file}: ${c.problem}`])), ...checkBundleSet(good)];
      if (problems.length > 0)
        throw new UserError(`pool refused: ${problems.length} problem(s) with the bundles; nothing was written\n${problems.map((x) => `  ${x}`).join('\n')}`);

      const { poolBundles } = await import('../../analytics/panel/pool.js');
      const { PANEL_FIGURES: FIGURES, panelFigures, panelReport } = await import('../../reports/panel/index.js');
      const { renderSvg, svgToPngAsync } = await import('../../charts/render.js');
      const { clearOutputs, writeReadme, writeTables } = await import('./analysis-output.js');
      const r = poolBundles(
        good.map((g) => g.bundle),
        { hartungKnapp: opts.hartungKnapp === true },
      );
      clearOutputs(opts.out, [...new Set<string>([...TABLES, ...FIGURES])]);
      mkdirSync(opts.out, { recursive: true });
      // Each figure is rendered once, for its SVG, its PNG and the report. The PNGs (resvg's text layout: seconds for a
      // 100-centre forest) are drawn off the main thread while the tables and the report are written. A panel of many
      // centres draws large figures, so above 20 bundles the PNG is drawn at 1×.
      const svgs: Record<string, string> = {};
      const pngs: Promise<void>[] = [];
      const specs = panelFigures(r);
      for (const name of [...FIGURES].reverse()) {
        // the forest, the slowest PNG, first
        const spec = specs[name];
        if (spec === null) continue;
        const svg = (svgs[name] = await renderSvg(spec));
        writeFileSync(join(opts.out, `${name}.svg`), svg);
        const png = svgToPngAsync(svg, { scale: r.centres.length > 20 ? 1 : 2 }).then((b) => writeFileSync(join(opts.out, `${name}.png`), b));
        png.catch(() => undefined); // handled by the Promise.all below
        pngs.push(png);
      }
      const tables = await writeTables(opts.out, {
        centres: r.centres,
        rulesets: r.rulesets,
        dose_survival: r.doses.survival,
        end_reason_incidence: r.doses.incidence,
        log_rank: r.doses.logRank,
        dose_histogram: r.doses.histogram,
        dose_distribution: r.doses.distribution,
        doses_funnel: r.doses.meanFunnel.rows,
        concordance: r.concordance,
        enforcement: r.enforcement,
        hold_reasons: r.holdReasons,
        response_rates: r.rates,
        response_funnel: r.funnel,
        signal_odds_ratios: r.signals,
        implied_thresholds: r.implied,
        withheld_estimates: r.withheldEstimates,
        suppressed_cells: r.suppressed,
        outcome_survival: r.survival,
        outcome_durable_cr: r.durableCr,
        outcome_serious_events: r.serious,
        outcome_reversal: r.reversal,
        outcome_cycle_ends: r.cycleEnds,
      } satisfies Record<(typeof TABLES)[number], readonly object[]>);
      const figures = FIGURES.filter((f) => svgs[f] !== undefined);
      writeFileSync(join(opts.out, 'panel-report.html'), panelReport({ result: r, svgs, hartungKnapp: opts.hartungKnapp === true, kitVersion: kitVersion() }));
      await Promise.all(pngs);
      writeReadme(
        opts.out,
        'il2kit pool',
        [
          `${r.centres.length} bundle(s): ${r.centres.map((c) => `${c.centre_id} ${c.period_first}…${c.period_last} (k = ${c.min_cell})`).join(', ')}.`,
          '- panel-report.html: the panel report (one self-contained page).',
          '- Pooled count figures leave suppressed cells out and name the centres left out; where nothing was suppressed they equal the patient-level ' +
            'analysis of all centres (docs/panel.md).',
        ],
        tables,
        figures,
      );
      const suppressed = r.suppressed.length;
      const ids = r.centres.map((c) => c.centre_id);
      console.log(
        `pool: ${r.centres.length} bundles (${ids.length > 10 ? `${ids.slice(0, 10).join(', ')}, …` : ids.join(', ')}) → ${tables.length} tables, ` +
          `${figures.length} figures and panel-report.html in ${opts.out}; ${suppressed} suppressed cell(s) left out`,
      );
    });
}
