import { join } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { startProgress } from '../progress.js';

const TABLES = ['rulesets', 'concordance', 'enforcement', 'hold_reasons', 'implied_thresholds', 'reference_bands', 'slot_decisions'] as const;
const FIGURES = ['hold_reasons', 'concordance', 'enforcement', 'implied_thresholds', 'swimmer_decisions'] as const;

interface HoldsOptions {
  store: string;
  out: string;
  ruleset?: string[];
  centres?: string[];
  reference: string;
  swimmerCycles: string;
}

export function registerHolds(program: Command): void {
  program
    .command('holds')
    .description('How centres apply hold criteria: concordance with each ruleset (kappa), enforcement per criterion, recorded hold reasons, implied thresholds against the reference bands, per-slot decisions')
    .option('--store <dir>', 'store folder (DuckDB + Parquet)', 'out/store')
    .option('--out <dir>', 'output folder', 'out/analyses/holds')
    .option('--ruleset <id...>', 'only these rulesets (default: every source and centre ruleset in rules/)')
    .option('--centres <id...>', 'only these centres')
    .option('--reference <id>', 'ruleset of the implied-threshold bands, the enforcement heatmap and the swimmer plot', 'consensus_2014_t3')
    .option('--swimmer-cycles <n>', 'cycles per centre in the swimmer plot (those disagreeing most with the reference)', '4')
    .action(async (opts: HoldsOptions) => {
      const perCentre = Number(opts.swimmerCycles);
      if (!Number.isInteger(perCentre) || perCentre < 1) throw new UserError(`--swimmer-cycles must be a whole number ≥ 1, got ${opts.swimmerCycles}`);
      // Loaded here, not at start-up: `il2kit --help` stays fast.
      const { holdsReport, kitRulesets, slotFeaturesFromStore, swimmerDecisions } = await import('../../analytics/practice/report.js');
      const { concordanceSpec, decisionSwimmerSpec, enforcementSpec, holdReasonsSpec, impliedThresholdsSpec } = await import('../../charts/holds.js');
      const { clearOutputs, withStore, writeFigures, writeReadme, writeTables } = await import('./analysis-output.js');

      const all = kitRulesets();
      const unknown = (opts.ruleset ?? []).filter((id) => !all.some((r) => r.id === id));
      if (unknown.length > 0) throw new UserError(`unknown ruleset ${unknown.join(', ')}; known: ${all.map((r) => r.id).join(', ')}`);
      const reference = all.find((r) => r.id === opts.reference);
      if (reference === undefined) throw new UserError(`unknown --reference ${opts.reference}; known: ${all.map((r) => r.id).join(', ')}`);
      const chosen = opts.ruleset === undefined ? all : all.filter((r) => opts.ruleset!.includes(r.id));
      const rulesets = chosen.some((r) => r.id === reference.id) ? chosen : [...chosen, reference];

      const progress = startProgress('holds');
      progress.step('reading slot features');
      // withStore checks the store exists (a UserError otherwise). Slot features come from the store where ingest left
      // them current; other centres' are computed in an in-memory database (the store is never written).
      await withStore(opts.store, async () => undefined);
      const frame = await slotFeaturesFromStore(opts.store, opts.centres === undefined ? {} : { centres: opts.centres });
      if (frame.n === 0) throw new UserError(`no dose slots in ${opts.store}${opts.centres ? ` for ${opts.centres.join(', ')}` : ''}; run il2kit ingest first`);
      progress.step('evaluating rulesets', `${rulesets.length} rulesets × ${frame.n} slots`);
      const r = holdsReport(frame, rulesets, { reference });
      const swimmer = swimmerDecisions(r.decisions, reference.id, { perCentre });

      progress.step('writing tables');
      clearOutputs(opts.out, [...new Set<string>([...TABLES, ...FIGURES])]);
      const tables = await writeTables(opts.out, {
        rulesets: r.rulesets,
        concordance: r.concordance,
        enforcement: r.enforcement,
        hold_reasons: r.holdReasons,
        implied_thresholds: r.impliedThresholds,
        reference_bands: r.referenceBands,
        slot_decisions: r.decisions,
      } satisfies Record<(typeof TABLES)[number], readonly object[]>);
      progress.step('drawing figures');
      const figures = await writeFigures(opts.out, {
        hold_reasons: r.holdReasons.length > 0 ? holdReasonsSpec(r.holdReasons) : null,
        concordance: concordanceSpec(r.concordance),
        enforcement: enforcementSpec(r.enforcement, { ruleset: reference.id }),
        implied_thresholds: impliedThresholdsSpec({ thresholds: r.impliedThresholds, bands: r.referenceBands }),
        swimmer_decisions: swimmer.length > 0 ? decisionSwimmerSpec(swimmer) : null,
      } satisfies Record<(typeof FIGURES)[number], unknown>);
      const unverified = r.rulesets.filter((x) => x.status !== 'verified' || x.rules_inferred + x.rules_unverified > 0);
      writeReadme(
        opts.out,
        'il2kit holds',
        [
          `${frame.n} dose slots from ${r.centres.length} centre(s) (${r.centres.join(', ')}); ${rulesets.length} ruleset(s): ${rulesets.map((x) => x.id).join(', ')}.`,
          `Reference for implied thresholds, the enforcement heatmap and the swimmer plot: ${reference.id} (${reference.source}).`,
          '',
          '- Each ruleset is evaluated on the recorded history: at every given or held slot, would its criteria have withheld the dose?',
          '- Every rule-derived row carries its source and verification status (verified / inferred / unverified); do not cite an unverified rule as a fact.',
          ...unverified.map((x) => `- ${x.ruleset_id}: ruleset ${x.status}, ${x.rules_inferred} inferred and ${x.rules_unverified} unverified rule(s).`),
          '- Implied thresholds: the change point of the hold rate (bootstrap interval over patients) and the logistic ED50; with ~30 patients a centre the intervals are wide.',
        ],
        tables,
        figures,
      );
      progress.done();
      console.log(`holds: ${frame.n} slots, ${r.centres.length} centres × ${rulesets.length} rulesets → ${tables.length} tables, ${figures.length} figures in ${join(opts.out)}`);
      if (frame.computed.length > 0)
        console.log(`  slot features computed here for ${frame.computed.join(', ')}: the store holds none current for them (ingested by an older il2kit?); ingest them again to keep them stored`);
    });
}
