// Which slots an implied threshold of one variable is fitted on: given or held slots with the value recorded, leaving
// out (and counting) the holds that other reasons explain — a recorded hold reason that names neither this variable's
// criterion nor "reason not recorded" (physician decisions, other criteria) — and, when adjusting, slots where the
// reference ruleset has a criterion met on another variable. Also: the plausible range of a variable, for estimability.
import type { Ruleset } from '../../schemas/ruleset.js';
import { HOLD_REASONS, INFUSION_AGENTS, OBSERVATION_VARIABLES, RULE_VARIABLES, type RuleVariableCode } from '../../schemas/vocabularies.js';
import type { SlotFeatureFrame } from '../../rules/features.js';
import { evaluateRuleset, type RulesetEvaluation } from '../../rules/engine.js';
import { frameCodes } from './frame-codes.js';

export interface FitSlots {
  values: Float64Array;
  /** 1 where the fitted slot was held, 0 where given. */
  held: Uint8Array;
  /** Each fitted slot's frame row. */
  rows: Int32Array;
  /** Held slots left out because their recorded reason names something other than this variable's criterion. */
  heldOtherReasons: number;
  /** Slots left out because the reference has a criterion met on another variable there. */
  otherCriteria: number;
}

/** Hold reasons that can explain a hold on this variable: those listing it, and a reason that was not recorded. */
function explaining(variable: RuleVariableCode): Set<string> {
  const out = new Set<string>(['unspecified']);
  for (const [code, def] of Object.entries(HOLD_REASONS)) if ((def.variables as readonly string[]).includes(variable)) out.add(code);
  return out;
}

/**
 * Per slot, whether the reference ruleset has a criterion met on a variable other than `variable` (null: no adjustment).
 * `evaluation`: the reference already evaluated on the frame (recorded history), so it is not evaluated again.
 * @example const other = otherCriteria(frame, consensus); other?.('heart_rate_at_dose', 12)
 */
export function otherCriteria(
  frame: SlotFeatureFrame, reference: Ruleset, evaluation?: RulesetEvaluation,
): (variable: string, i: number) => boolean {
  const ev = evaluation ?? evaluateRuleset(reference, frame, { history: 'recorded' });
  const ruleVars = reference.rules.map((r) => new Set<string>([r.variable, ...r.all_of.map((c) => c.variable)]));
  const { offsets, rule } = ev.fired;
  return (variable, i) => {
    for (let k = offsets[i]!, end = offsets[i + 1]!; k < end; k++) if (!ruleVars[rule[k]!]!.has(variable)) return true;
    return false;
  };
}

/**
 * The slots of one centre an implied threshold of `variable` is fitted on, and how many were left out and why.
 * @example fitSlots(frame, 'amstel', 'creatinine', otherCriteria(frame, consensus))
 */
export function fitSlots(
  frame: SlotFeatureFrame, centre: string, variable: RuleVariableCode, other: ((variable: string, i: number) => boolean) | null,
  range: readonly [number, number] = [0, frame.n - 1],
): FitSlots {
  const none = { values: new Float64Array(0), held: new Uint8Array(0), rows: new Int32Array(0), heldOtherReasons: 0, otherCriteria: 0 };
  const col = frame.values[variable];
  if (col === undefined) return none;
  const ok = explaining(variable);
  // Typed codes and typed outputs, not a string compare and four array pushes a row (issue 25); `range`: the centre's
  // first and last frame row (centreRows), so each centre × variable scans its own rows only.
  const { compared, held, centre: centreOf, centres } = frameCodes(frame);
  const c = centres.indexOf(centre);
  const size = Math.max(0, range[1] - range[0] + 1);
  const values = new Float64Array(size);
  const heldOut = new Uint8Array(size);
  const rows = new Int32Array(size);
  let m = 0, heldOtherReasons = 0, otherCriteria = 0;
  for (let i = range[0]; i <= range[1]; i++) {
    if (compared[i] === 0 || centreOf[i] !== c) continue;
    const v = col[i]!;
    if (v !== v) continue;
    const isHeld = held[i]!;
    if (isHeld === 1) {
      const codes = frame.hold_reason_codes[i] ?? [];
      if (codes.length > 0 && !codes.some((x) => ok.has(x))) {
        heldOtherReasons++;
        continue;
      }
    }
    if (other !== null && other(variable, i)) {
      otherCriteria++;
      continue;
    }
    values[m] = v;
    heldOut[m] = isHeld;
    rows[m++] = i;
  }
  return { values: values.slice(0, m), held: heldOut.slice(0, m), rows: rows.slice(0, m), heldOtherReasons, otherCriteria };
}

/**
 * Each centre's first and last frame row (a frame's rows come centre by centre; rows outside are still checked by id).
 * @example centreRows(frame).get('amstel') // [0, 14999]
 */
export function centreRows(frame: SlotFeatureFrame): Map<string, [number, number]> {
  const rows = new Map<string, [number, number]>();
  for (let i = 0; i < frame.n; i++) {
    const r = rows.get(frame.centre_id[i]!);
    if (r === undefined) rows.set(frame.centre_id[i]!, [i, i]);
    else r[1] = i;
  }
  return rows;
}

/**
 * The range a variable's values can plausibly take (the schema's plausibility range of what it is read from), or null.
 * @example plausibleRange('creatinine') // [0.1, 25]
 */
export function plausibleRange(variable: RuleVariableCode): [number, number] | null {
  const from = RULE_VARIABLES[variable].from[0];
  if (from === undefined) return null;
  const obs = (OBSERVATION_VARIABLES as Record<string, { range?: readonly [number, number] }>)[from];
  if (obs?.range !== undefined) return [obs.range[0], obs.range[1]];
  const agent = (INFUSION_AGENTS as Record<string, { max?: number }>)[from];
  return agent?.max !== undefined ? [0, agent.max] : null;
}
