// The analyses the report draws from, each run as its own command runs it (holds, doses, response), keeping only
// aggregate outputs: per-slot decisions are dropped as soon as the holds report is made.
import type { Ruleset } from '../../schemas/ruleset.js';
import { readStore } from '../../analytics/read-store.js';
import { analyseDoses, loadCaseMix, loadCycleDoses, type DoseAnalyses } from '../../analytics/doses/index.js';
import { analyseResponse, loadResponseInputs, type ResponseAnalyses } from '../../analytics/response/index.js';
import { holdsReportThreaded, kitRulesets, slotFeaturesFromStore, type HoldsReport } from '../../analytics/practice/report.js';
import { analyseOutcomes, loadOutcomeInputs, practiceMeasures, rulesetStops, type OutcomeAnalyses, type RulesetStop } from '../../analytics/outcomes/index.js';
import { evaluateRuleset } from '../../rules/engine.js';
import { ReportInputError, reportMessages } from './messages.js';

/** The holds report without its per-slot rows. */
export type HoldsAggregate = Omit<HoldsReport, 'decisions'>;

/** An analysis's result, or why it has none (shown in its section instead of an empty figure). */
export type Outcome<T> = { ok: true; value: T } | { ok: false; reason: string };

export interface ReportAnalyses {
  holds: Outcome<{ report: HoldsAggregate; reference: Ruleset; rulesets: Ruleset[]; slots: number; computed: string[]; stops: RulesetStop[] }>;
  doses: Outcome<{ result: DoseAnalyses; cycles: number; threshold: number }>;
  response: Outcome<ResponseAnalyses>;
  outcomes: Outcome<OutcomeAnalyses>;
}

export interface AnalysisOptions {
  centres: readonly string[];
  /** Ruleset id the practice is compared against (default consensus_2014_t3). */
  reference: string;
  /** Doses a cycle must reach for the funnel (default 10, as il2kit doses). */
  threshold?: number;
  /** Called before each analysis (progress). */
  step?: (label: string) => void;
}

/** The ruleset list and the reference, checked before any work (an unknown reference is the user's to fix). */
export function chooseRulesets(referenceId: string): { rulesets: Ruleset[]; reference: Ruleset } {
  const rulesets = kitRulesets();
  const reference = rulesets.find((r) => r.id === referenceId);
  if (reference === undefined) throw new ReportInputError(reportMessages.unknownRuleset(referenceId, rulesets.map((r) => r.id)));
  return { rulesets, reference };
}

async function holds(storeDir: string, o: AnalysisOptions): Promise<ReportAnalyses['holds']> {
  const { rulesets, reference } = chooseRulesets(o.reference);
  const frame = await slotFeaturesFromStore(storeDir, { centres: o.centres });
  if (frame.n === 0) return { ok: false, reason: 'the store holds no dose slots for these centres' };
  // The implied thresholds fit on a worker while this thread evaluates the rulesets, as `il2kit holds` does; same report.
  const report = await holdsReportThreaded(frame, rulesets, { reference });
  // What would have stopped each cycle under the reference, for the outcomes section's cycle-end reasons.
  const stops = rulesetStops(frame, evaluateRuleset(reference, frame));
  return { ok: true, value: { report, reference, rulesets, slots: frame.n, computed: frame.computed, stops } };
}

/**
 * Runs the holds, doses and response analyses on a store for the report, as their commands do.
 * @example const a = await runReportAnalyses('out/store', { centres: ['amstel', 'harbour'], reference: 'consensus_2014_t3' });
 */
export async function runReportAnalyses(storeDir: string, o: AnalysisOptions): Promise<ReportAnalyses> {
  const threshold = o.threshold ?? 10;
  // Each table is read once, for every analysis that needs it; the reads start before the holds analysis computes,
  // so DuckDB reads while JavaScript computes.
  const loading = readStore(storeDir, async (conn) => ({
    cycles: await loadCycleDoses(conn, { centres: o.centres }),
    patients: await loadCaseMix(conn, { centres: o.centres }),
    response: await loadResponseInputs(conn, { centres: o.centres }),
    outcomes: await loadOutcomeInputs(conn, { centres: o.centres }).catch((e: Error) => e),
  }));
  loading.catch(() => undefined); // awaited below, after the holds analysis
  o.step?.('hold practice');
  const h = await holds(storeDir, o);
  o.step?.('doses reached and response');
  const inputs = await loading;
  const doses: ReportAnalyses['doses'] =
    inputs.cycles.length === 0
      ? { ok: false, reason: 'the store holds no cycles for these centres' }
      : { ok: true, value: { result: analyseDoses(inputs.cycles, inputs.patients, { reaching: { threshold } }), cycles: inputs.cycles.length, threshold } };
  const r = analyseResponse(inputs.response, { course: 1, adjust: ['centre', 'disease'] });
  const response: ReportAnalyses['response'] =
    r.signals.length === 0 ? { ok: false, reason: 'no course 1 has a response assessment in the store' } : { ok: true, value: r };
  return { holds: h, doses, response, outcomes: outcomesOf(inputs.outcomes, h, o.reference) };
}

/** The outcome analyses with the reference's stops and the practice measures of the holds report, when there are both. */
function outcomesOf(inputs: Awaited<ReturnType<typeof loadOutcomeInputs>> | Error, h: ReportAnalyses['holds'], reference: string): ReportAnalyses['outcomes'] {
  if (inputs instanceof Error) return { ok: false, reason: inputs.message };
  if (inputs.followUp.length === 0) return { ok: false, reason: 'the store holds no follow-up (progression, death or last contact) for these centres' };
  const stops = h.ok ? { [h.value.reference.id]: h.value.stops } : {};
  const practice = h.ok ? practiceMeasures(h.value.report.enforcement, h.value.report.impliedThresholds, reference) : undefined;
  return { ok: true, value: analyseOutcomes(inputs, { stops, practice }) };
}
