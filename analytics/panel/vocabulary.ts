// Labels of a bundle checked against each table's vocabulary before pooling: a disease, end cause, criterion, hold
// reason, signal or variable the kit does not know would otherwise enter a pooled figure as a category of its own.
import type { BundleTable, PanelBundle } from '../../schemas/bundle.js';
import { DISEASES, HOLD_REASONS, RULE_VARIABLES } from '../../schemas/vocabularies.js';
import { kitRulesets } from '../../rules/kit.js';
import { SIGNALS } from '../response/signals.js';
import { BINARY_SIGNALS } from './summarise-response.js';
import { DURABLE_COLS, DURABLE_ROWS, SERIOUS_COLS } from './summarise-outcomes.js';
import { LIFE_COLS, parseInterval } from './life-table.js';
import { CYCLE_END_COLS, REVERSAL_COLS } from './summarise-toxicity.js';
import { CENSORED_DIED, DIED_CENSORED, MERGED_RARE, parseBand } from './coarsen-toxicity.js';
import { CYCLE_END_FIXED_CODES } from '../outcomes/cycle-end-reasons.js';
import { REVERSAL_LABELS } from '../outcomes/reversal-times.js';
import { POLICIES } from '../../rules/engine.js';
import { ANY_SERIOUS, SERIOUS_EVENTS, TREATMENT_RELATED_DEATH } from '../outcomes/safety.js';
import { AGE_BANDS, CONCORDANCE_ROWS, DOSE_END_COLS, ECOG_COLS, HELD_GIVEN_COLS, RESPONDER_COLS, SIGNAL_LEVELS } from './types.js';

/** A vocabulary: what a label is, and the allowed codes (null: any code, checked elsewhere). */
interface Vocab {
  what: string;
  codes: readonly string[] | null;
  /** Codes matched by pattern instead of a list (dose numbers). */
  pattern?: RegExp;
}

const vocab = (what: string, codes: readonly string[] | null, pattern?: RegExp): Vocab => (pattern ? { what, codes, pattern } : { what, codes });
const DISEASE = vocab('disease', Object.keys(DISEASES));
const HELD_GIVEN = vocab('recorded action', HELD_GIVEN_COLS);
const RESPONDER = vocab('response class', RESPONDER_COLS);
const SIGNAL_ROWS = vocab('disease:signal level', Object.keys(DISEASES).flatMap((d) => SIGNAL_LEVELS.map((l) => `${d}:${l}`)));

/** A life-table interval on the 6-month grid (m0-6, m12-36, ge60 …); checked by parseInterval. */
const LIFE_ROWS = vocab('life-table interval on the 6-month grid', [], /^(?:m\d+-\d+|ge\d+(?:\+censored)?)$/);
const CYCLE_END_ROWS = vocab(
  'cycle-end reason',
  [
    ...CYCLE_END_FIXED_CODES, MERGED_RARE, 'criterion:not_recorded', ...Object.keys(HOLD_REASONS).map((c) => `criterion:${c}`),
    ...POLICIES.map((p) => `policy:${p}`),
  ],
  /^system:[a-z0-9_]{1,40}$/,
);

const DOSE_END = { rows: vocab('number of doses given', [], /^(0|[1-9]\d?)$/), cols: vocab('end cause', DOSE_END_COLS) };

/** Rows and columns of each table kind (rows of an enforcement table are the ruleset's rules: checked apart). */
const TABLE_VOCAB: Record<BundleTable['kind'], { rows: Vocab; cols: Vocab }> = {
  dose_end: DOSE_END,
  dose_end_first: DOSE_END,
  concordance: { rows: vocab('criterion class', CONCORDANCE_ROWS), cols: HELD_GIVEN },
  enforcement: { rows: vocab('criterion', null), cols: HELD_GIVEN },
  hold_reasons: { rows: vocab('hold reason', Object.keys(HOLD_REASONS)), cols: vocab('count column', ['slots']) },
  response: { rows: vocab('disease', [...Object.keys(DISEASES), 'all']), cols: RESPONDER },
  signal: { rows: SIGNAL_ROWS, cols: RESPONDER },
  case_mix_ecog: { rows: DISEASE, cols: vocab('ECOG class', ECOG_COLS) },
  case_mix_age: { rows: DISEASE, cols: vocab('age band', AGE_BANDS.map((b) => b.label)) },
  os_life: { rows: LIFE_ROWS, cols: vocab('life-table column', LIFE_COLS) },
  pfs_life: { rows: LIFE_ROWS, cols: vocab('life-table column', LIFE_COLS) },
  durable_cr: { rows: vocab('horizon', DURABLE_ROWS), cols: vocab('durable CR column', DURABLE_COLS) },
  serious_events: { rows: vocab('serious event', [ANY_SERIOUS, ...SERIOUS_EVENTS, TREATMENT_RELATED_DEATH]), cols: vocab('patients column', SERIOUS_COLS) },
  reversal: {
    rows: vocab('day band after the last dose (d0-7, d7-30, gt14, all_days …)', [], /^(?:d\d+-\d+|gt\d+|all_days)$/),
    cols: vocab('reversal column', [...REVERSAL_COLS, CENSORED_DIED, DIED_CENSORED]),
  },
  cycle_end: { rows: CYCLE_END_ROWS, cols: vocab('count column', CYCLE_END_COLS) },
};

const known = (v: Vocab, code: string) => (v.codes === null ? true : v.codes.includes(code) || (v.pattern?.test(code) ?? false));
const allowed = (v: Vocab) => (v.codes && v.codes.length > 0 ? `allowed: ${v.codes.join(', ')}` : `expected ${v.pattern}`);

/** The id a table of this kind and group must have. */
function expectedId(t: BundleTable): string[] {
  const g = t.group;
  const ids: Record<BundleTable['kind'], string[]> = {
    dose_end: [`dose_end:${g.regimen}`], dose_end_first: [`dose_end_first:${g.regimen}`],
    concordance: [`concordance:${g.ruleset}`], enforcement: [`enforcement:${g.ruleset}`], hold_reasons: ['hold_reasons'],
    response: ['response', 'response:all', 'response:assessed'], signal: [`signal:${g.signal}`],
    case_mix_ecog: ['case_mix:ecog'], case_mix_age: ['case_mix:age'],
    os_life: [`os_life:${g.disease}`], pfs_life: [`pfs_life:${g.disease}`], durable_cr: [`durable_cr:${g.disease}`],
    serious_events: [`serious_events:${g.regimen}`], reversal: [`reversal:${g.measure}`], cycle_end: [`cycle_end:${g.reading}`],
  };
  return ids[t.kind];
}

/** Life-table rows: grid intervals from 0, each starting where the last ended, the last one open. */
function lifeRowsChain(rows: readonly string[]): boolean {
  let at = 0;
  return rows.every((r, i) => {
    const iv = parseInterval(r);
    if (iv === null || iv.start !== at || (iv.end === null) !== (i === rows.length - 1)) return false;
    at = iv.end ?? at;
    return true;
  });
}

/** Reversal rows: day bands from 0, each starting where the last ended, the last one open; columns the three or reversed + one merged. */
function reversalShape(t: BundleTable): boolean {
  let at = 0;
  const chain = t.rows.every((r, i) => {
    const b = parseBand(r);
    if (b === null || b.start !== at || (b.end === null) !== (i === t.rows.length - 1)) return false;
    at = b.end ?? at;
    return true;
  });
  const cols = t.cols.join();
  return chain && (cols === REVERSAL_COLS.join() || cols === `reversed,${CENSORED_DIED}` || cols === `reversed,${DIED_CENSORED}`);
}

let kitRuleIds: Map<string, Set<string>> | null = null;
/** Rule ids of each ruleset the kit ships, read once per process. */
function kitRules(): Map<string, Set<string>> {
  kitRuleIds ??= new Map(kitRulesets().map((rs) => [rs.id, new Set(rs.rules.map((r) => r.id))]));
  return kitRuleIds;
}

/** Problems with one table's group, id, rows and columns. */
function tableProblems(t: BundleTable, rulesetIds: ReadonlySet<string>): string[] {
  const out: string[] = [];
  const at = `table ${t.id}`;
  const regimen = t.group.regimen;
  if ((t.kind === 'os_life' || t.kind === 'pfs_life' || t.kind === 'durable_cr') && !known(DISEASE, t.group.disease ?? ''))
    out.push(`${at}: disease ${JSON.stringify(t.group.disease ?? null)} is not a known disease (${allowed(DISEASE)})`);
  if ((t.kind === 'dose_end' || t.kind === 'dose_end_first' || t.kind === 'serious_events') && (regimen === undefined || !/^\d+k\/\d+$/.test(regimen)))
    out.push(`${at}: regimen ${JSON.stringify(regimen ?? null)} is not a regimen label (e.g. 600k/14)`);
  if ((t.kind === 'concordance' || t.kind === 'enforcement') && !rulesetIds.has(t.group.ruleset ?? ''))
    out.push(`${at}: ruleset ${JSON.stringify(t.group.ruleset ?? null)} is not among the bundle's rulesets (${[...rulesetIds].join(', ')})`);
  if (t.kind === 'reversal' && !((t.group.measure ?? '') in REVERSAL_LABELS))
    out.push(`${at}: measure ${JSON.stringify(t.group.measure ?? null)} is not a reversal measure (allowed: ${Object.keys(REVERSAL_LABELS).join(', ')})`);
  if (t.kind === 'cycle_end' && t.group.reading !== 'recorded' && !rulesetIds.has(t.group.reading ?? ''))
    out.push(`${at}: reading ${JSON.stringify(t.group.reading ?? null)} is neither recorded nor one of the bundle's rulesets`);
  if ((t.kind === 'os_life' || t.kind === 'pfs_life') && !lifeRowsChain(t.rows))
    out.push(`${at}: rows ${t.rows.join(', ')} are not adjacent intervals from 0 months ending in an open one (ge…)`);
  if (t.kind === 'reversal' && !reversalShape(t))
    out.push(
      `${at}: rows ${t.rows.join(', ')} × ${t.cols.join(', ')} are not adjacent day bands from 0 ending in an open one, ` +
        'by reversed, died first, censored (or reversed and one merged column)',
    );
  if (t.kind === 'signal' && !BINARY_SIGNALS.includes(t.group.signal as never))
    out.push(`${at}: signal ${JSON.stringify(t.group.signal ?? null)} is not a present/absent signal (allowed: ${BINARY_SIGNALS.join(', ')})`);
  if (!expectedId(t).includes(t.id)) out.push(`${at}: a ${t.kind} table must be named ${expectedId(t).join(' or ')}`);
  const v = TABLE_VOCAB[t.kind];
  for (const r of t.rows) if (!known(v.rows, r)) out.push(`${at}: row "${r}" is not a known ${v.rows.what} (${allowed(v.rows)})`);
  for (const c of t.cols) if (!known(v.cols, c)) out.push(`${at}: column "${c}" is not a known ${v.cols.what} (${allowed(v.cols)})`);
  const rules = t.kind === 'enforcement' ? kitRules().get(t.group.ruleset ?? '') : undefined;
  if (rules !== undefined) for (const r of t.rows) if (!rules.has(r)) out.push(`${at}: row "${r}" is not a criterion of the kit's ruleset ${t.group.ruleset}`);
  return out;
}

/**
 * Every label of a bundle that is outside its table's vocabulary, as 'table <id>: row "<value>" is not a known …'.
 * @example labelProblems(bundle) // ['table response: row "lymphoma" is not a known disease (allowed: rcc, melanoma, all)']
 */
export function labelProblems(b: PanelBundle): string[] {
  const rulesetIds = new Set(b.rulesets.map((r) => r.id));
  const out = b.tables.flatMap((t) => tableProblems(t, rulesetIds));
  for (const e of b.signal_estimates)
    if (!(e.signal in SIGNALS)) out.push(`signal estimate "${e.signal}" is not a response signal of the kit (allowed: ${Object.keys(SIGNALS).join(', ')})`);
  for (const t of b.implied_thresholds) {
    if (!(t.variable in RULE_VARIABLES)) out.push(`implied threshold for "${t.variable}": not a rule variable of the kit`);
    if (!rulesetIds.has(t.reference_ruleset))
      out.push(`implied threshold for ${t.variable}: reference ruleset "${t.reference_ruleset}" is not among the bundle's rulesets`);
  }
  for (const w of b.withheld_estimates) {
    const codes: readonly string[] = w.what === 'signal' ? Object.keys(SIGNALS) : Object.keys(RULE_VARIABLES);
    const what = w.what === 'signal' ? 'response signal' : 'rule variable';
    if (!codes.includes(w.id)) out.push(`withheld estimate ${w.what} "${w.id}" is not a ${what} of the kit`);
  }
  return out;
}
