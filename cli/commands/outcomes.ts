import type { Command } from 'commander';
import { UserError } from '../errors.js';

const TABLES = [
  'survival',
  'survival_curves',
  'cox',
  'ph_test',
  'durable_cr',
  'reversibility',
  'cycle_end_reasons',
  'safety',
  'retreatment',
  'doses_by_regimen',
  'response_by_regimen',
  'centre_aggregates',
  'practice_outcome',
  'excluded_patients',
] as const;
const FIGURES = [
  'os_by_centre',
  'pfs_by_centre',
  'os_by_best_response',
  'landmark_os',
  'response_duration',
  'durable_cr',
  'reversibility',
  'safety',
  'cycle_ends',
] as const;

interface OutcomesOptions {
  store: string;
  out: string;
  centres?: string[];
  holds: string;
  ruleset: string[];
  baselineTolerance: string;
  tau2: string;
}

/** What would have stopped each cycle under each named ruleset (the rule engine over the store's slot features). */
async function stopsUnder(opts: OutcomesOptions): Promise<Record<string, import('../../analytics/outcomes/index.js').RulesetStop[]>> {
  if (opts.ruleset.length === 1 && opts.ruleset[0] === 'none') return {};
  const { kitRulesets, slotFeaturesFromStore } = await import('../../analytics/practice/index.js');
  const { evaluateRuleset } = await import('../../rules/engine.js');
  const { rulesetStops } = await import('../../analytics/outcomes/index.js');
  const kit = kitRulesets();
  const unknown = opts.ruleset.filter((id) => !kit.some((r) => r.id === id));
  if (unknown.length > 0) throw new UserError(`unknown ruleset ${unknown.join(', ')}; known: ${kit.map((r) => r.id).join(', ')}, or none`);
  const frame = await slotFeaturesFromStore(opts.store, opts.centres === undefined ? {} : { centres: opts.centres });
  const out: Record<string, import('../../analytics/outcomes/index.js').RulesetStop[]> = {};
  for (const r of kit.filter((k) => opts.ruleset.includes(k.id))) out[r.id] = rulesetStops(frame, evaluateRuleset(r, frame));
  return out;
}

async function run(opts: OutcomesOptions): Promise<void> {
  const o = await import('../../analytics/outcomes/index.js');
  const charts = { ...(await import('../../charts/outcomes.js')), ...(await import('../../charts/durable-cr.js')) };
  const { clearOutputs, withStore, writeFigures, writeReadme, writeTables } = await import('./analysis-output.js');
  const { PhaseTimes } = await import('../timings.js');
  const times = new PhaseTimes();
  const loading = times.time('load', () =>
    withStore(opts.store, async (conn) => {
      try {
        return await o.loadOutcomeInputs(conn, { centres: opts.centres });
      } catch (e) {
        throw /the store has no follow_up/.test((e as Error).message) ? new UserError((e as Error).message) : e;
      }
    }),
  );
  // The rule engine's stops overlap the load (each waits on DuckDB part of the time); the load's problem is reported first.
  const stopping = times.time('rulesets', () => stopsUnder(opts));
  stopping.catch(() => undefined);
  const inputs = await loading;
  if (inputs.patients.length === 0)
    throw new UserError(`no patients in ${opts.store}${opts.centres ? ` for ${opts.centres.join(', ')}` : ''}; run il2kit ingest first`);
  const stops = await stopping;
  const holds = await o.loadHoldsOutputs(opts.holds);
  const practice = holds ? o.practiceMeasures(holds.enforcement, holds.implied, 'consensus_2014_t3') : undefined;
  const tol = opts.baselineTolerance === 'rcv' ? 'rcv' : Number(opts.baselineTolerance);
  if (tol !== 'rcv' && !(opts.baselineTolerance.trim() !== '' && tol >= 0 && tol < 0.5))
    throw new UserError(
      `--baseline-tolerance must be 'rcv' or a number from 0 to below 0.5 (a share of the pre-course value), got ${opts.baselineTolerance}`,
    );
  if (opts.tau2 !== 'REML' && opts.tau2 !== 'DL') throw new UserError(`--tau2 must be REML or DL, got ${opts.tau2}`);
  const tau2Method = opts.tau2;
  const r = await times.time('analyse', () => o.analyseOutcomes(inputs, { stops, practice, baselineTolerance: tol, tau2Method }));
  clearOutputs(opts.out, [...TABLES, ...FIGURES]);
  const tables = await times.time('tables', () =>
    writeTables(opts.out, {
      survival: r.survival,
      survival_curves: r.curves,
      cox: r.cox,
      ph_test: r.ph,
      durable_cr: r.durableCr,
      reversibility: r.reversibility,
      cycle_end_reasons: r.cycleEnds,
      safety: r.safety,
      retreatment: r.retreatment,
      doses_by_regimen: r.dosesByRegimen,
      response_by_regimen: r.responseByRegimen,
      centre_aggregates: r.aggregates,
      practice_outcome: r.practice,
      excluded_patients: r.excluded,
    } satisfies Record<(typeof TABLES)[number], readonly object[]>),
  );
  const has = (endpoint: string) => r.curves.some((c) => c.endpoint === endpoint);
  const figures = await times.time('figures', () =>
    writeFigures(opts.out, {
      os_by_centre: has('os') ? charts.survivalCurvesSpec(r.curves, 'os', 'centre') : null,
      pfs_by_centre: has('pfs') ? charts.survivalCurvesSpec(r.curves, 'pfs', 'centre') : null,
      os_by_best_response: has('os') ? charts.survivalCurvesSpec(r.curves, 'os', 'best_response') : null,
      landmark_os: has('landmark_os') ? charts.survivalCurvesSpec(r.curves, 'landmark_os', 'responder') : null,
      response_duration: has('dor') ? charts.survivalCurvesSpec(r.curves, 'dor', 'disease') : null,
      durable_cr: r.durableCr.some((x) => x.disease !== 'all' && x.progression_free !== null) ? charts.durableCrSpec(r.durableCr) : null,
      reversibility: r.reversibility.some((x) => x.cumulative_incidence !== null) ? charts.reversibilitySpec(r.reversibility) : null,
      safety: r.safety.length > 0 ? charts.safetySpec(r.safety) : null,
      cycle_ends: r.cycleEnds.length > 0 ? charts.cycleEndSpec(r.cycleEnds) : null,
    } satisfies Record<(typeof FIGURES)[number], unknown>),
  );
  const practiceNote = holds
    ? `Practice measures from ${opts.holds} (reference consensus_2014_t3); tau² by ${tau2Method}.`
    : `No holds outputs in ${opts.holds}: run il2kit holds first for the practice → outcome meta-regression.`;
  const lines = [
    `Survival times in months (365.25/12 days) from the first dose. Regimens are reported apart; a row pooled across regimens says so.`,
    `Reversal is timed from the last dose of each course [INFERRED definitions]; ` +
      `${o.noiseNote(r.creatinineNoise.find((n) => n.centre_id === 'ALL'), tol === 'rcv' ? null : tol)} ` +
      `(per centre in reversibility.csv's note; a rise to reverse must exceed the same margin).`,
    practiceNote,
    '',
    `**Practice and outcome:** ${o.ECOLOGICAL_CAVEAT}`,
    '',
    `**Retreatment:** ${o.RETREATMENT_SOURCE}.`,
    '',
    ...r.notes.map((n) => `- ${n}`),
  ];
  writeReadme(opts.out, 'il2kit outcomes', lines, tables, figures);
  times.save();
  console.log(
    `outcomes: ${inputs.patients.length} patient(s), ${inputs.cycles.length} cycle(s) → ${tables.length} tables, ${figures.length} figures in ${opts.out}`,
  );
  if (!holds) console.log(`  note: ${practiceNote}`);
  for (const n of r.notes) console.log(`  note: ${n}`);
}

export function registerOutcomes(program: Command): void {
  program
    .command('outcomes')
    .description(
      'Outcomes and safety: survival (KM, landmark, Cox with PH test), durable CRs, reversibility, why cycles ended, ' +
        'serious events, retreatment gaps, practice → outcome',
    )
    .option('--store <dir>', 'store folder (DuckDB + Parquet)', 'out/store')
    .option('--out <dir>', 'output folder', 'out/analyses/outcomes')
    .option('--centres <id...>', 'only these centres')
    .option('--holds <dir>', 'outputs of il2kit holds, for the practice measures of the meta-regression', 'out/analyses/holds')
    .option('--ruleset <id...>', "rulesets whose first stop explains each cycle's end beside the record ('none' for the record alone)", ['consensus_2014_t3'])
    .option('--tau2 <method>', 'tau² estimator of the practice → outcome meta-regression: REML (metafor’s default) or DL', 'REML')
    .option(
      '--baseline-tolerance <share|rcv>',
      "creatinine within this share above the pre-course value counts as back to baseline (0: at or below it); " +
        "'rcv': within the reference change value from the store's own creatinine CV",
      'rcv',
    )
    .action(async (opts: OutcomesOptions) => run(opts));
}
