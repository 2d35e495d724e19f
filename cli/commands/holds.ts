import { join } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { startProgress } from '../progress.js';
import type { RulesetPass } from '../../analytics/practice/index.js';

const TABLES = ['rulesets', 'concordance', 'enforcement', 'hold_reasons', 'implied_thresholds', 'reference_bands', 'urine_charting'] as const;
const FIGURES = ['hold_reasons', 'concordance', 'enforcement', 'implied_thresholds', 'swimmer_decisions'] as const;

interface HoldsOptions {
  store: string;
  out: string;
  ruleset?: string[];
  rules?: string[];
  centres?: string[];
  reference: string;
  swimmerCycles: string;
}

export function registerHolds(program: Command): void {
  program
    .command('holds')
    .description(
      'How centres apply hold criteria: concordance with each ruleset (kappa), enforcement per criterion, recorded hold reasons, implied thresholds against ' +
        'the reference bands, per-slot decisions',
    )
    .option('--store <dir>', 'store folder (DuckDB + Parquet)', 'out/store')
    .option('--out <dir>', 'output folder', 'out/analyses/holds')
    .option('--ruleset <id...>', 'only these rulesets (default: every source and centre ruleset in rules/)')
    .option(
      '--rules <dir...>',
      'also the rulesets in these folders (YAML or JSON, e.g. a centre’s own rules kept with its export); a broken file is reported (exit 2) ' +
        'and the others still run',
    )
    .option('--centres <id...>', 'only these centres')
    .option('--reference <id>', 'ruleset of the implied-threshold bands, the enforcement heatmap and the swimmer plot', 'consensus_2014_t3')
    .option('--swimmer-cycles <n>', 'cycles per centre in the swimmer plot (those disagreeing most with the reference; the figure says so)', '4')
    .action(async (opts: HoldsOptions) => {
      const perCentre = Number(opts.swimmerCycles);
      if (!Number.isInteger(perCentre) || perCentre < 1) throw new UserError(`--swimmer-cycles must be a whole number ≥ 1, got ${opts.swimmerCycles}`);
      // Loaded here, not at start-up: `il2kit --help` stays fast.
      const {
        holdsReportThreaded, kitRulesets, slotFeaturesFromStore, untimedValueNotes, untimedValuesFromStore, urineChartingFromStore,
      } = await import('../../analytics/practice/index.js');
      const { concordanceSpec, decisionSwimmerSpec, enforcementSpec, holdReasonsSpec, impliedThresholdsSpec } = await import('../../charts/holds.js');
      const { clearOutputs, withStore, writeFigures, writeReadme, writeTables } = await import('./analysis-output.js');
      const { SLOT_DECISIONS } = await import('./slot-decisions-output.js');
      const { SlotDecisionThread } = await import('./slot-decisions-thread.js');
      const { PhaseTimes } = await import('../timings.js');
      const times = new PhaseTimes();
      // From process start to here: Node, the CLI and the analysis modules loaded.
      times.set('startup', performance.now());

      const kit = kitRulesets();
      // Rulesets from --rules folders: a broken file is reported and left out; the rest still run, and the exit is 2.
      const { loadRulesetFolders } = await import('../../rules/load.js');
      // The centres' own rulesets that ingest kept in the store (from beside their mapping specs) run too.
      const { storeRulesets } = await import('../../rules/local-ruleset.js');
      const kept = storeRulesets(
        opts.store,
        kit.map((r) => r.id),
      );
      const fromFolders = loadRulesetFolders(
        opts.rules ?? [],
        [...kit, ...kept.rulesets].map((r) => r.id),
      );
      const extra = { rulesets: [...kept.rulesets, ...fromFolders.rulesets], problems: [...kept.problems, ...fromFolders.problems] };
      for (const p of extra.problems) console.error(p);
      const all = [...kit, ...extra.rulesets];
      const unknown = (opts.ruleset ?? []).filter((id) => !all.some((r) => r.id === id));
      const unknownMessage = `unknown ruleset ${unknown.join(', ')}; known: ${all.map((r) => r.id).join(', ')}`;
      if (unknown.length > 0 && extra.problems.length === 0) throw new UserError(unknownMessage);
      if (unknown.length > 0) console.error(unknownMessage);
      if (opts.ruleset !== undefined && unknown.length === opts.ruleset.length)
        throw new UserError(`none of the named rulesets could be used; see the problems above`);
      const reference = all.find((r) => r.id === opts.reference);
      if (reference === undefined) throw new UserError(`unknown --reference ${opts.reference}; known: ${all.map((r) => r.id).join(', ')}`);
      const chosen = opts.ruleset === undefined ? all : all.filter((r) => opts.ruleset!.includes(r.id));
      const rulesets = chosen.some((r) => r.id === reference.id) ? chosen : [...chosen, reference];

      const progress = startProgress('holds');
      progress.step('reading slot features');
      // withStore checks the store exists (a UserError otherwise). Slot features come from the store where ingest left
      // them current; other centres' are computed in an in-memory database (the store is never written).
      await withStore(opts.store, async () => undefined);
      const scope = opts.centres === undefined ? {} : { centres: opts.centres };
      // Two read-only scans of the store that need no slot features, awaited after the analysis. Started before the
      // features read, whose awaits let them reach DuckDB, which then scans while this thread evaluates the rulesets
      // (started after it, they stalled behind the synchronous analysis: 27 s of waiting at the end under load).
      const notes = Promise.all([urineChartingFromStore(opts.store, scope), untimedValuesFromStore(opts.store, scope)]);
      notes.catch(() => undefined);
      const frame = await times.time('features', () => slotFeaturesFromStore(opts.store, scope));
      if (frame.n === 0) throw new UserError(`no dose slots in ${opts.store}${opts.centres ? ` for ${opts.centres.join(', ')}` : ''}; run il2kit ingest first`);
      // Each ruleset's per-slot decisions as typed columns (~10 bytes a slot), never as rows, handed to the Parquet writer
      // as soon as the ruleset is evaluated: a writer thread appends them and DuckDB writes them while the next ruleset is
      // evaluated (issue 25).
      const writer = SlotDecisionThread.open(opts.out, frame, rulesets.length);
      progress.step('evaluating rulesets', `${rulesets.length} rulesets × ${frame.n} slots`);
      // Their columns are made on the writer thread, off this one (the reference's, made here for the swimmer, are sent).
      const onRuleset = (pass: RulesetPass) => writer.addPass(frame.n, pass);
      const r = await times
        .time('analyse', () => holdsReportThreaded(frame, rulesets, { reference, swimmerCycles: perCentre, onRuleset }))
        .catch(async (e: unknown) => {
          await writer.discard();
          throw e;
        });

      // The wait for the scans started above, if they are still running.
      const [urine, untimedRows] = await times.time('notes', () => notes).catch(async (e: unknown) => {
        await writer.discard();
        throw e;
      });
      const untimed = untimedValueNotes(untimedRows);
      // The slot decisions still being written once the analysis is done (the phase is the wait, not the whole write).
      const decisionRows = await times.time('slot_decisions', () =>
        writer.publish(() => clearOutputs(opts.out, [...new Set<string>([...TABLES, ...FIGURES, SLOT_DECISIONS])])),
      );
      progress.step('writing tables');
      const tables = await times.time('tables', () =>
        writeTables(opts.out, {
          rulesets: r.rulesets,
          concordance: r.concordance,
          enforcement: r.enforcement,
          hold_reasons: r.holdReasons,
          implied_thresholds: r.impliedThresholds,
          reference_bands: r.referenceBands,
          urine_charting: urine,
        } satisfies Record<(typeof TABLES)[number], readonly object[]>),
      );
      progress.step('drawing figures');
      const figures = await times.time('figures', () =>
        writeFigures(opts.out, {
          hold_reasons: r.holdReasons.length > 0 ? holdReasonsSpec(r.holdReasons) : null,
          concordance: concordanceSpec(r.concordance),
          enforcement: enforcementSpec(r.enforcement, { ruleset: reference.id, rules: reference.rules }),
          implied_thresholds: impliedThresholdsSpec({ thresholds: r.impliedThresholds, bands: r.referenceBands }),
          swimmer_decisions: r.swimmer.length > 0 ? decisionSwimmerSpec(r.swimmer, { sample: r.swimmerRule }) : null,
        } satisfies Record<(typeof FIGURES)[number], unknown>),
      );
      const unverified = r.rulesets.filter((x) => x.status !== 'verified' || x.rules_inferred + x.rules_unverified > 0);
      writeReadme(
        opts.out,
        'il2kit holds',
        [
          `${frame.n} dose slots from ${r.centres.length} centre(s) (${r.centres.join(', ')}); ${rulesets.length} ruleset(s): ` +
            `${rulesets.map((x) => x.id).join(', ')}.`,
          `Reference for implied thresholds, the enforcement heatmap and the swimmer plot: ${reference.id} (${reference.source}).`,
          '',
          '- Each ruleset is evaluated on the recorded history: at every given or held slot, would its criteria have withheld the dose?',
          '- Every rule-derived row carries its source and verification status (verified / inferred / unverified); do not cite an unverified rule as a fact.',
          ...unverified.map((x) => `- ${x.ruleset_id}: ruleset ${x.status}, ${x.rules_inferred} inferred and ${x.rules_unverified} unverified rule(s).`),
          ...r.rulesets
            .filter((x) => x.actions_inferred > 0)
            .map(
              (x) =>
                `- ${x.ruleset_id}: ${x.actions_inferred} rule(s) whose action (hold / stop) the source does not print: the action is inferred even where ` +
                  `the threshold is verified.`,
            ),
          ...r.rulesets
            .filter((x) => x.relative_criteria_window !== null)
            .map(
              (x) =>
                `- ${x.ruleset_id}: ≥${x.stop_after_relative_criteria} relative criteria (counted as criteria, not rules) read over the ` +
                  `${x.relative_criteria_window} (${x.relative_criteria_window_status}); stops in cycles: ${x.relative_stops_cycle_window} if they ` +
                    `accumulate over the cycle, ${x.relative_stops_slot_window} if they must meet at one slot.`,
            ),
          `- Urine-output rates (mL/h) are judged on the ${urine[0]?.rate_reading ?? 'shift mean'}; ` +
            `charting seen per centre: ${urine.map((u) => `${u.centre_id} ${u.charting}`).join(', ')} (urine_charting).`,
          ...untimed.map((n) => `- ${n}.`),
          '- Implied thresholds: the change point of the hold rate (bootstrap interval over patients); ed50_4pl, the four-parameter logistic ED50 ' +
            '(half-way between the estimated floor and ceiling of the hold rate; profile-likelihood interval, slots as independent, ends widened to ' +
            'the recorded values either side; a sharp step is noted in ed50_4pl_note); and the plain logistic ED50 (0 to 1), which lies above the ' +
            'edge when doses are given through it. With ~30 patients a centre the intervals are wide.',
          `- Swimmer plot (${reference.id}): a sample, ${r.swimmerRule}.`,
          `- Per-slot decisions: ${decisionRows} rows (every ruleset × given or held slot) as Parquet only, one file per centre × ruleset: ` +
            `\`${SLOT_DECISIONS}/centre_id=<centre>/ruleset_id=<ruleset>/data.parquet\`; read them all with ` +
            `\`read_parquet('${SLOT_DECISIONS}/*/*/*.parquet', hive_partitioning = true)\` (DuckDB, R arrow, pyarrow).`,
          '- Implied thresholds are fitted on the holds the variable could explain: holds recorded for another criterion or a physician decision ' +
            '(held_other_reasons) and slots where the reference has another criterion met (excluded_other_criteria) are left out. Where held and given ' +
              'values separate, or there are fewer than 10 held or 10 given slots, or the ED50 leaves the variable\'s plausible range, the ED50 is "not ' +
                'estimable" with the reason (problem, step_problem).',
        ],
        tables,
        figures,
      );
      times.save();
      progress.done();
      console.log(
        `holds: ${frame.n} slots, ${r.centres.length} centres × ${rulesets.length} rulesets → ${tables.length} tables, ${decisionRows} slot decisions ` +
          `(Parquet), ${figures.length} figures in ${join(opts.out)}`,
      );
      for (const n of untimed) console.log(`  note: ${n}`);
      if (frame.computed.length > 0)
        console.log(
          `  slot features computed here for ${frame.computed.join(', ')}: the store holds none current for them (ingested by an older il2kit?); ingest them ` +
            `again to keep them stored`,
        );
      if (extra.problems.length > 0)
        throw new UserError(
          `${extra.problems.length} problem(s) in the --rules folders (listed above): those rulesets were not evaluated; the others were. Fix the files and ` +
            `run again.`,
        );
    });
}
