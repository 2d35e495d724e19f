// The simulator's truth (data-samples/_truth or a simulated run) beside the store: per slot, what the centre's own
// ruleset decided with the values the simulator saw, and a comparison with the engine run on the stored evidence
// that names, for every disagreement, the rule variable whose stored evidence differs from what the simulator saw.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DECISIONS, evaluateRuleset, featureTableFromRows, type Decision, type RulesetEvaluation, type SlotFeatureTable } from '../../rules/engine.js';
import type { SlotFeatureFrame } from '../../rules/features.js';
import { SAMPLE_KEY, patientKey } from '../../pipelines/map/pseudonymise.js';
import type { Ruleset } from '../../schemas/ruleset.js';
import { RULE_VARIABLES, type RuleVariableCode } from '../../schemas/vocabularies.js';

export type TruthSlot = Record<string, string>;
const VARIABLES = Object.keys(RULE_VARIABLES) as RuleVariableCode[];

export function readCsv(path: string): TruthSlot[] {
  const [head, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  const h = head!.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [h[i]!, v])));
}

/** Truth's local patient id → the id the export links records by (FHIR by resource id, the truth by MRN). */
export function exportIds(exportsDir: string, centre: string): (local: string) => string {
  if (centre !== 'harbour') return (x) => x;
  const byMrn = new Map<string, string>();
  for (const line of readFileSync(join(exportsDir, 'harbour', 'Patient.ndjson'), 'utf8').trim().split('\n')) {
    const p = JSON.parse(line) as { id: string; identifier: { value: string }[] };
    byMrn.set(p.identifier[0]!.value, p.id);
  }
  return (x) => byMrn.get(x) ?? `missing:${x}`;
}

/** The reached slots of a centre's truth, keyed `<cycle_id>#<slot>` with the store's pseudonymised cycle ids. */
export function truthSlots(exportsDir: string, centre: string): Map<string, TruthSlot> {
  const id = exportIds(exportsDir, centre);
  const out = new Map<string, TruthSlot>();
  for (const s of readCsv(join(exportsDir, '_truth', centre, 'slots.csv'))) {
    if (s.status === 'not_reached') continue;
    out.set(`${patientKey(SAMPLE_KEY, centre, id(s.patient_local_id!))}-c${s.course}.${s.cycle}#${s.slot}`, s);
  }
  return out;
}

/**
 * What the ruleset itself decided at a truth slot, before clinician variation (simulate/decide.ts): a dose given
 * through a hold criterion was a hold by the rules (or a stop when it would have been the cycle's last allowed hold);
 * an unprompted hold, stop or skip was a give.
 */
export function truthRuleDecision(s: TruthSlot, ruleset: Ruleset): Decision {
  switch (s.deviation) {
    case 'none':
      return s.decision === 'skip' ? 'give' : (s.decision as Decision);
    case 'dosed_through': {
      const max = ruleset.policies.stop_after_held_doses;
      return max !== null && Number(s.held_so_far) + 1 >= max ? 'stop_cycle' : 'hold';
    }
    default:
      return 'give';
  }
}

/** The truth's own rule-variable values as a feature table (slots in truth order: patient, cycle, slot). */
export function truthFeatureTable(slots: readonly TruthSlot[]): SlotFeatureTable {
  const rows = slots.map((s) => {
    const r: Record<string, unknown> = { cycle_id: `${s.patient_local_id}-c${s.course}.${s.cycle}`, slot_number: Number(s.slot), patient_key: s.patient_local_id };
    for (const v of VARIABLES) {
      const x = s[`var_${v}`];
      r[v] = x === undefined || x === '' ? null : Number(x);
    }
    return r;
  });
  return featureTableFromRows(rows, VARIABLES);
}

export interface TruthComparison {
  centre: string;
  /** Reached slots compared (given, held, skipped). */
  slots: number;
  /** Engine decision on the stored evidence = the ruleset's true decision. */
  agree: number;
  /** Slots where every rule is evaluable (rules whose evidence the centre never records aside). */
  evidenceComplete: number;
  agreeEvidenceComplete: number;
  /** Disagreements by cause: `missing:<variable>`, `differs:<variable>`, `counter` (an earlier slot changed a cycle counter) or `unexplained`. */
  causes: Record<string, number>;
  examples: string[];
}

const close = (a: number, b: number): boolean => (Number.isNaN(a) && Number.isNaN(b)) || Math.abs(a - b) <= 1e-9 + 1e-6 * Math.abs(b);

/**
 * Compares a centre's ruleset on the stored slot features with the truth, slot by slot, and attributes each
 * disagreement to the first rule variable (of the rules that fired on one side only) whose stored value is missing
 * or differs from the value the simulator saw.
 */
export function compareWithTruth(frame: SlotFeatureFrame, ruleset: Ruleset, centre: string, truth: Map<string, TruthSlot>): TruthComparison {
  const ev: RulesetEvaluation = evaluateRuleset(ruleset, frame, { history: 'recorded' });
  const out: TruthComparison = { centre, slots: 0, agree: 0, evidenceComplete: 0, agreeEvidenceComplete: 0, causes: {}, examples: [] };
  const neverRecorded = neverRecordedRules(frame, ev, centre);
  const ruleVars = ruleset.rules.map((r) => [r.variable, ...r.all_of.map((c) => c.variable), ...r.resume.map((c) => c.variable)]);
  for (let i = 0; i < frame.n; i++) {
    if (frame.centre_id[i] !== centre) continue;
    const s = truth.get(`${frame.cycle_id[i]}#${frame.slot_number[i]}`);
    if (s === undefined) continue;
    out.slots++;
    const mine = DECISIONS[ev.decision[i]!]!;
    const theirs = truthRuleDecision(s, ruleset);
    let complete = true;
    for (let k = ev.cannot.offsets[i]!; k < ev.cannot.offsets[i + 1]!; k++) if (!neverRecorded.has(ev.cannot.rule[k]!)) complete = false;
    if (complete) out.evidenceComplete++;
    if (mine === theirs) {
      out.agree++;
      if (complete) out.agreeEvidenceComplete++;
      continue;
    }
    const firedMine = new Set<number>();
    for (let k = ev.fired.offsets[i]!; k < ev.fired.offsets[i + 1]!; k++) firedMine.add(ev.fired.rule[k]!);
    const firedTheirs = new Set((s.fired_rules ?? '').split('|').filter((x) => x !== '').map((id) => ruleset.rules.findIndex((r) => r.id === id)));
    const differing = [...new Set([...firedMine, ...firedTheirs])].filter((r) => firedMine.has(r) !== firedTheirs.has(r));
    let cause = differing.length === 0 ? 'counter' : 'unexplained';
    for (const r of differing) {
      const v = ruleVars[r]!.find((x) => !close(frame.values[x]?.[i] ?? NaN, s[`var_${x}`] === '' ? NaN : Number(s[`var_${x}`])));
      if (v !== undefined) {
        cause = `${Number.isNaN(frame.values[v]?.[i] ?? NaN) ? 'missing' : 'differs'}:${v}`;
        break;
      }
    }
    out.causes[cause] = (out.causes[cause] ?? 0) + 1;
    if (out.examples.length < 8 || cause === 'unexplained') out.examples.push(`${frame.cycle_id[i]}#${frame.slot_number[i]}: truth ${theirs} [${s.fired_rules}], engine ${mine} → ${cause}`);
  }
  return out;
}

/** Rules never evaluable at the centre (every slot cannot-evaluate): their evidence is not recorded there at all. */
function neverRecordedRules(frame: SlotFeatureFrame, ev: RulesetEvaluation, centre: string): Set<number> {
  const counts = new Uint32Array(ev.rules.length);
  let n = 0;
  for (let i = 0; i < frame.n; i++) {
    if (frame.centre_id[i] !== centre) continue;
    n++;
    const seen = new Set<number>();
    for (let k = ev.cannot.offsets[i]!; k < ev.cannot.offsets[i + 1]!; k++) seen.add(ev.cannot.rule[k]!);
    for (const r of seen) counts[r]! += 1;
  }
  return new Set([...counts.keys()].filter((r) => counts[r] === n));
}
