// Figures of the hold-criteria comparison (analytics/practice): the recorded hold-reason mix, concordance classes
// by centre × ruleset, the centre × criterion enforcement heatmap, implied thresholds against the reference bands,
// and a swimmer plot coloured by what a ruleset would have done. Builders take report rows and never load data.
import type { TopLevelSpec } from 'vega-lite';
import type {
  ConcordanceReportRow,
  EnforcementRow,
  HoldReasonRow,
  ImpliedThresholdReportRow,
  ReferenceBandRow,
  SlotClass,
  SlotDecisionRow,
} from '../analytics/practice/index.js';
import type { Decision } from '../rules/engine.js';
import { HOLD_REASON_GROUP, REASON_GROUP_STYLE, type ReasonGroup } from './encodings.js';
import { ruleLabel, variableLabel, variableName, type RuleLabelInput } from './labels.js';
import { ANALYSIS_CONFIG, VEGA_LITE_SCHEMA, wrapText, type ChartLayer } from './spec-types.js';

/** Colour of each hold-reason group (Okabe–Ito; grey for no reason and non-clinical). */
export const REASON_GROUP_COLOUR = {
  none: '#BBBBBB',
  cardiovascular: '#D55E00',
  renal_fluid: '#0072B2',
  respiratory: '#56B4E9',
  neurologic: '#CC79A7',
  other_organ: '#E69F00',
  judgement: '#009E73',
  non_clinical: '#777777',
} as const satisfies Record<ReasonGroup, string>;

/** Concordance classes drawn (excluded slots are not compared), with colour and legend label. */
export const SLOT_CLASS_STYLE = {
  met_and_held: { label: 'Criterion met, held', color: '#D55E00' },
  met_but_given: { label: 'Criterion met, given (dosed through)', color: '#E69F00' },
  held_without_criterion: { label: 'Held without a criterion', color: '#0072B2' },
  neither: { label: 'No criterion, given', color: '#009E73' },
  not_assessable: { label: 'Not assessable (evidence missing)', color: '#BBBBBB' },
} as const satisfies Record<Exclude<SlotClass, 'excluded'>, { label: string; color: string }>;

/** Colour of each ruleset decision in the swimmer plot; a give with evidence missing is drawn apart. */
export const DECISION_STYLE = {
  give: { label: 'Give', color: '#009E73' },
  give_unassessable: { label: 'Give, evidence missing', color: '#A6DCC9' },
  hold: { label: 'Hold', color: '#E69F00' },
  stop_cycle: { label: 'Stop the cycle', color: '#D55E00' },
  discontinue: { label: 'Discontinue IL-2', color: '#000000' },
  not_reached: { label: 'Not reached', color: '#BBBBBB' },
} as const satisfies Record<Decision | 'give_unassessable', { label: string; color: string }>;

/** Shape of the recorded status in the swimmer plot (only given and held slots are compared). */
const RECORDED_SHAPE = { given: { label: 'Given', shape: 'circle' }, held: { label: 'Held', shape: 'square' } } as const;

/** Steps of the heatmap's colour (held when met: <20%, 20–40%, … ≥80%); discrete, so the legend has no gradient. */
const ENFORCEMENT_COLOURS = ['#FEEDDE', '#FDBE85', '#FD8D3C', '#E6550D', '#A63603'];

/** Marker of a rule's verification status in labels: inferred †, unverified ?. */
const STATUS_MARK: Record<string, string> = { verified: '', inferred: ' †', unverified: ' ?' };

const groupOf = (reason: string): ReasonGroup => (reason in HOLD_REASON_GROUP ? HOLD_REASON_GROUP[reason as keyof typeof HOLD_REASON_GROUP] : 'none');
const fmt = (x: number): string =>
  Math.abs(x) >= 1000 ? x.toFixed(0) : Math.abs(x) >= 10 ? Number(x.toFixed(1)).toString() : Number(x.toPrecision(3)).toString();

/**
 * Recorded hold reasons by centre: a bar per centre of its held and skipped slots' reason codes, coloured by reason
 * group (a slot listing two reasons counts under both; shares are of mentions).
 * @example holdReasonsSpec(report.holdReasons)
 */
export function holdReasonsSpec(rows: readonly HoldReasonRow[], options: { title?: string } = {}): TopLevelSpec {
  const groups = Object.keys(REASON_GROUP_STYLE) as ReasonGroup[];
  const values = rows.map((r) => {
    const g = groupOf(r.reason);
    return { centre: r.centre_id, reason: r.reason, group: REASON_GROUP_STYLE[g].label, order: groups.indexOf(g), slots: r.slots, share: r.share };
  });
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: options.title ?? 'Recorded hold reasons by centre',
      subtitle: wrapText(
        'Reason codes of held and skipped slots, as recorded; a slot listing several reasons counts under each. Share of mentions.',
        110,
      ),
    },
    width: 420,
    height: { step: 22 },
    data: { values },
    mark: { type: 'bar', stroke: '#FFFFFF', strokeWidth: 0.5 },
    encoding: {
      y: { field: 'centre', type: 'nominal', title: null, sort: [...new Set(values.map((v) => v.centre))].sort() },
      x: {
        aggregate: 'sum',
        field: 'slots',
        type: 'quantitative',
        stack: 'normalize',
        title: 'Share of recorded reasons',
        axis: { format: '%' },
      },
      color: {
        field: 'group',
        type: 'nominal',
        title: 'Reason group',
        scale: { domain: groups.map((g) => REASON_GROUP_STYLE[g].label), range: groups.map((g) => REASON_GROUP_COLOUR[g]) },
      },
      order: { field: 'order', type: 'quantitative' },
      detail: { field: 'reason', type: 'nominal' },
      tooltip: [
        { field: 'centre', title: 'Centre' },
        { field: 'reason', title: 'Reason' },
        { field: 'group', title: 'Group' },
        { aggregate: 'sum', field: 'slots', type: 'quantitative', title: 'Slots' },
      ],
    },
    config: ANALYSIS_CONFIG,
  };
}

/** The fields of a concordance row the chart draws. */
export type ConcordanceChartRow = Pick<
  ConcordanceReportRow,
  | 'centre_id'
  | 'ruleset_id'
  | 'ruleset_status'
  | 'n'
  | 'agreement'
  | 'kappa'
  | 'kappa_lower'
  | 'kappa_upper'
  | keyof typeof SLOT_CLASS_STYLE
>;

/**
 * Concordance classes by centre × ruleset: per centre a panel, per ruleset a bar of its slots' classes, labelled with
 * Cohen's kappa and its 95% interval (rulesets marked ? are unverified).
 * @example concordanceSpec(report.concordance)
 */
export function concordanceSpec(rows: readonly ConcordanceChartRow[], options: { title?: string } = {}): TopLevelSpec {
  const classes = Object.keys(SLOT_CLASS_STYLE) as (keyof typeof SLOT_CLASS_STYLE)[];
  const rulesets = [...new Set(rows.map((r) => r.ruleset_id))];
  const values = rows.flatMap((r) => {
    const kappa = r.kappa === null ? 'κ n/a' : `κ ${r.kappa.toFixed(2)} (${r.kappa_lower!.toFixed(2)} to ${r.kappa_upper!.toFixed(2)})`;
    const label = `${r.ruleset_id}${STATUS_MARK[r.ruleset_status] ?? ''} · ${kappa}`;
    return classes.map((c, k) => ({
      centre: r.centre_id,
      ruleset: r.ruleset_id,
      rank: rulesets.indexOf(r.ruleset_id),
      label,
      cls: SLOT_CLASS_STYLE[c].label,
      order: k,
      slots: r[c],
      agreement: r.agreement,
    }));
  });
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: options.title ?? 'Does practice follow the rules? Slot classes by centre and ruleset',
      subtitle: wrapText(
        'Given and held slots, each ruleset evaluated on the recorded history. Agreement = held when a criterion is met, given when none is; kappa ' +
          'with a 95% interval over assessable slots. Rulesets marked ? are unverified.',
        110,
      ),
    },
    data: { values },
    facet: {
      row: { field: 'centre', type: 'nominal', title: null, header: { labelAngle: 0, labelAlign: 'left', labelFontWeight: 'bold' } },
    },
    spec: {
      width: 360,
      height: { step: 14 },
      mark: { type: 'bar' },
      encoding: {
        y: { field: 'label', type: 'nominal', title: null, sort: { field: 'rank', op: 'min' } },
        x: { field: 'slots', type: 'quantitative', stack: 'normalize', title: 'Share of slots', axis: { format: '%' } },
        color: {
          field: 'cls',
          type: 'nominal',
          title: 'Slot class',
          scale: { domain: classes.map((c) => SLOT_CLASS_STYLE[c].label), range: classes.map((c) => SLOT_CLASS_STYLE[c].color) },
        },
        order: { field: 'order', type: 'quantitative' },
        tooltip: [
          { field: 'centre', title: 'Centre' },
          { field: 'ruleset', title: 'Ruleset' },
          { field: 'cls', title: 'Class' },
          { field: 'slots', type: 'quantitative', title: 'Slots' },
          { field: 'agreement', type: 'quantitative', title: 'Agreement', format: '.1%' },
        ],
      },
    },
    resolve: { scale: { y: 'independent' } },
    config: ANALYSIS_CONFIG,
  };
}

/**
 * Each criterion in clinical words: from its rule when given ("Heart rate at dosing time 100–130/min (relative)"),
 * else its variable and level; the rule id is added only where two criteria would read the same.
 */
function criterionWords(rows: readonly EnforcementChartRow[], rules: readonly (RuleLabelInput & { id: string })[]): Map<string, string> {
  const byId = new Map(rules.map((r) => [r.id, r]));
  const words = new Map<string, string>();
  for (const r of rows) {
    const rule = byId.get(r.rule_id);
    words.set(r.rule_id, rule ? ruleLabel(rule) : `${variableName(r.variable)} (${r.level ?? r.action.replace('_', ' ')})`);
  }
  const count = new Map<string, number>();
  for (const w of words.values()) count.set(w, (count.get(w) ?? 0) + 1);
  for (const [id, w] of words) if (count.get(w)! > 1) words.set(id, `${w} [${id}]`);
  return words;
}

/** The fields of an enforcement row the heatmap draws. */
export type EnforcementChartRow = Pick<
  EnforcementRow,
  | 'centre_id'
  | 'ruleset_id'
  | 'rule_id'
  | 'variable'
  | 'level'
  | 'action'
  | 'status'
  | 'met'
  | 'held_when_met'
  | 'enforcement'
  | 'enforcement_lower'
  | 'enforcement_upper'
>;

/**
 * Enforcement heatmap of one ruleset: per criterion (rows) and centre (columns), the share of slots held when the
 * criterion is met, with held/met in the cell. Criteria never met at any centre are left out.
 * @example enforcementSpec(report.enforcement.filter((r) => r.ruleset_id === 'consensus_2014_t3'))
 */
export function enforcementSpec(
  rows: readonly EnforcementChartRow[],
  options: { title?: string; ruleset?: string; rules?: readonly (RuleLabelInput & { id: string })[] } = {},
): TopLevelSpec {
  const ruleset = options.ruleset ?? rows[0]?.ruleset_id ?? '';
  const mine = rows.filter((r) => r.ruleset_id === ruleset);
  const metSomewhere = new Set(mine.filter((r) => r.met > 0).map((r) => r.rule_id));
  const words = criterionWords(mine, options.rules ?? []);
  const ruleLabel = (r: EnforcementChartRow) => `${words.get(r.rule_id)!}${STATUS_MARK[r.status] ?? ''}`;
  const values = mine
    .filter((r) => metSomewhere.has(r.rule_id))
    .map((r) => ({
      centre: r.centre_id,
      rule: ruleLabel(r),
      met: r.met,
      held: r.held_when_met,
      enforcement: r.enforcement,
      text: r.met === 0 ? '–' : `${r.held_when_met}/${r.met}`,
      interval:
        r.enforcement === null
          ? 'criterion never met'
          : `${(r.enforcement * 100).toFixed(0)}% (${(r.enforcement_lower! * 100).toFixed(0)}–${(r.enforcement_upper! * 100).toFixed(0)}%)`,
      dark: r.enforcement !== null && r.enforcement > 0.6 ? 1 : 0,
    }));
  const rules = [...new Set(values.map((v) => v.rule))];
  const centres = [...new Set(values.map((v) => v.centre))].sort();
  const x = { field: 'centre', type: 'nominal', title: null, sort: centres, axis: { orient: 'top', labelAngle: 0 } } as const;
  const y = { field: 'rule', type: 'nominal', title: null, sort: rules } as const;
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: options.title ?? `Enforcement: doses held when a criterion of ${ruleset} is met`,
      subtitle: wrapText(
        'Cell: slots held / slots where the criterion was met (given and held slots, recorded history); colour: share held (Wilson 95% intervals are ' +
          'in the enforcement table). – : never met at that centre. † inferred, ? unverified rule.',
        110,
      ),
    },
    data: { values },
    width: { step: 80 },
    height: { step: 16 },
    layer: [
      {
        transform: [{ filter: 'datum.met > 0' }],
        mark: { type: 'rect' },
        encoding: {
          x,
          y,
          color: {
            field: 'enforcement',
            type: 'quantitative',
            title: 'Held when met',
            scale: { type: 'threshold', domain: [0.2, 0.4, 0.6, 0.8], range: ENFORCEMENT_COLOURS },
            legend: { format: '.0%' },
          },
          tooltip: [
            { field: 'rule', title: 'Criterion' },
            { field: 'centre', title: 'Centre' },
            { field: 'text', title: 'Held / met' },
            { field: 'interval', title: 'Held when met (95% CI)' },
          ],
        },
      },
      {
        mark: { type: 'text', fontSize: 10 },
        encoding: {
          x,
          y,
          text: { field: 'text', type: 'nominal' },
          color: { condition: { test: 'datum.dark === 1', value: '#FFFFFF' }, value: '#000000' },
        },
      },
    ],
    config: ANALYSIS_CONFIG,
  };
}

export interface ImpliedThresholdsInput {
  thresholds: readonly ImpliedThresholdReportRow[];
  bands: readonly ReferenceBandRow[];
}

/**
 * Forest plot of implied thresholds, one panel per variable: each centre's change point of the hold rate (filled, with
 * its bootstrap interval) and logistic ED50 (hollow, Fieller interval; left out when off the axis), over the
 * reference ruleset's relative (light) and absolute (dark) bands.
 * @example impliedThresholdsSpec({ thresholds: report.impliedThresholds, bands: report.referenceBands })
 */
export function impliedThresholdsSpec(input: ImpliedThresholdsInput, options: { title?: string } = {}): TopLevelSpec {
  const variables = [...new Set(input.thresholds.map((r) => r.variable))];
  const reference = input.thresholds[0]?.reference_ruleset ?? input.bands[0]?.ruleset_id ?? '';
  const panels = variables.map((variable): { title: string; width: number; height: { step: number }; layer: ChartLayer[] } => {
    const rows = input.thresholds.filter((r) => r.variable === variable);
    const bands = input.bands.filter((b) => b.variable === variable);
    const anchors = [
      ...bands.flatMap((b) => [b.lower, b.upper]),
      ...rows.flatMap((r) => [r.step_threshold, r.step_lower, r.step_upper]),
    ].filter((v): v is number => v !== null && Number.isFinite(v));
    const lo0 = anchors.length ? Math.min(...anchors) : 0;
    const hi0 = anchors.length ? Math.max(...anchors) : 1;
    const pad = (hi0 - lo0 || Math.abs(hi0) || 1) * 0.08;
    const domain = [lo0 - pad, hi0 + pad] as [number, number];
    const inside = (v: number | null): v is number => v !== null && v >= domain[0] && v <= domain[1];
    const clamp = (v: number) => Math.min(domain[1], Math.max(domain[0], v));
    const values = rows.map((r) => {
      const step =
        r.step_threshold === null
          ? 'no step'
          : `${fmt(r.step_threshold)} (${r.step_lower === null ? '?' : fmt(r.step_lower)}–${r.step_upper === null ? '?' : fmt(r.step_upper)})`;
      return {
        label: `${r.centre_id} · n ${r.n}, held ${r.held} · ${step}`,
        step: r.step_threshold, step_lower: r.step_lower, step_upper: r.step_upper,
        ed50: inside(r.ed50) ? r.ed50 : null,
        fieller_lower: inside(r.ed50) && r.fieller_lower !== null ? clamp(r.fieller_lower) : null,
        fieller_upper: inside(r.ed50) && r.fieller_upper !== null ? clamp(r.fieller_upper) : null,
        ed50_text: r.ed50 === null ? (r.problem ?? 'not estimable') : `${fmt(r.ed50)}${inside(r.ed50) ? '' : ' (off the axis)'}`,
        stated: r.stated_band ?? 'no own ruleset',
        floor: r.hold_rate_floor, ceiling: r.hold_rate_ceiling,
      };
    });
    const bandValues = bands.map((b) => ({
      from: b.lower === null ? domain[0] : Math.max(domain[0], b.lower),
      to: b.upper === null ? domain[1] : Math.min(domain[1], b.upper),
      band: `${b.level ?? b.action}: ${b.label.replace(/^\S+ /, '')}${STATUS_MARK[b.status] ?? ''}`,
      level: b.level === 'relative' ? 'Relative (hold)' : 'Absolute (stop)',
    }));
    const scale = { domain, nice: false, zero: false };
    const y = { field: 'label', type: 'nominal', title: null, sort: values.map((v) => v.label) } as const;
    const layers: ChartLayer[] = [];
    if (bandValues.length > 0) {
      layers.push({
        data: { values: bandValues },
        mark: { type: 'rect', opacity: 0.35 },
        encoding: {
          x: { field: 'from', type: 'quantitative', scale, title: variableLabel(variable) },
          x2: { field: 'to' },
          color: {
            field: 'level',
            type: 'nominal',
            title: `${reference} band`,
            scale: { domain: ['Relative (hold)', 'Absolute (stop)'], range: ['#F5C58A', '#D55E00'] },
          },
          tooltip: [{ field: 'band', title: 'Reference band' }],
        },
      });
    }
    layers.push(
      {
        data: { values },
        mark: { type: 'rule', color: '#777777' },
        encoding: { y, x: { field: 'fieller_lower', type: 'quantitative', scale }, x2: { field: 'fieller_upper' } },
      },
      {
        data: { values },
        mark: { type: 'point', shape: 'circle', filled: false, color: '#555555', size: 50, opacity: 1 },
        encoding: { y, x: { field: 'ed50', type: 'quantitative', scale } },
      },
      {
        data: { values },
        mark: { type: 'rule', color: '#000000', strokeWidth: 2 },
        encoding: { y, x: { field: 'step_lower', type: 'quantitative', scale }, x2: { field: 'step_upper' } },
      },
      {
        data: { values },
        mark: { type: 'point', shape: 'diamond', filled: true, color: '#000000', size: 70, opacity: 1 },
        encoding: {
          y,
          x: { field: 'step', type: 'quantitative', scale, title: variableLabel(variable) },
          tooltip: [
            { field: 'label', title: 'Centre' },
            { field: 'ed50_text', title: 'Logistic ED50' },
            { field: 'floor', type: 'quantitative', title: 'Hold rate below the step', format: '.1%' },
            { field: 'ceiling', type: 'quantitative', title: 'Hold rate beyond the step', format: '.1%' },
            { field: 'stated', title: 'Centre’s stated rule' },
          ],
        },
      },
    );
    return { title: variableLabel(variable), width: 360, height: { step: 18 }, layer: layers };
  });
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: options.title ?? `Implied thresholds: where each centre starts holding, against the ${reference} bands`,
      subtitle: wrapText(
        'Black diamond: change point of the hold rate (the edge a centre holds at; bar = patient-bootstrap 95% interval). Hollow circle: logistic ED50 ' +
          'with its Fieller interval, left out when off the axis. Slots where another reference criterion ' +
          'is met are left out. † inferred band.',
        110,
      ),
    },
    vconcat: panels,
    resolve: { scale: { color: 'shared' } },
    config: ANALYSIS_CONFIG,
  };
}

const SWIMMER_KEY =
  'Colour: the ruleset’s decision given the recorded history; shape: what the centre did. A held square in green, or a given circle in orange, is a ' +
  'disagreement.';

/** The fields of a decision row the swimmer plot draws. */
export type DecisionSwimmerRow = Pick<
  SlotDecisionRow,
  | 'ruleset_id'
  | 'centre_id'
  | 'patient_key'
  | 'cycle_id'
  | 'slot_number'
  | 'recorded'
  | 'decision'
  | 'class'
  | 'fired_rules'
  | 'cannot_evaluate'
>;

/**
 * Swimmer plot of what a ruleset would have done at each slot, given the recorded history: one lane per patient and
 * cycle, colour = the ruleset's decision, shape = what the centre did (given or held). `sample` states how the cycles
 * drawn were chosen (the subtitle says so).
 * @example decisionSwimmerSpec(report.swimmer, { sample: report.swimmerRule })
 */
export function decisionSwimmerSpec(
  rows: readonly DecisionSwimmerRow[],
  options: { title?: string; keyChars?: number; width?: number; sample?: string } = {},
): TopLevelSpec {
  const { keyChars = 6, width = 420 } = options;
  const rulesets = [...new Set(rows.map((r) => r.ruleset_id))];
  const withCentre = new Set(rows.map((r) => r.centre_id)).size > 1;
  const sorted = [...rows].sort(
    (a, b) =>
      a.centre_id.localeCompare(b.centre_id) ||
      a.patient_key.localeCompare(b.patient_key) ||
      a.cycle_id.localeCompare(b.cycle_id) ||
      a.slot_number - b.slot_number,
  );
  const values = sorted.map((r) => {
    const cycle = r.cycle_id.startsWith(`${r.patient_key}-`) ? r.cycle_id.slice(r.patient_key.length + 1) : r.cycle_id;
    const lane = `${withCentre ? `${r.centre_id} · ` : ''}${r.patient_key.slice(0, keyChars)} ${cycle}`;
    const decision = r.decision === 'give' && r.class === 'not_assessable' ? 'give_unassessable' : r.decision;
    const recorded = r.recorded === 'held' ? RECORDED_SHAPE.held.label : RECORDED_SHAPE.given.label;
    return {
      lane,
      slot: r.slot_number,
      decision: DECISION_STYLE[decision].label,
      recorded,
      fired: r.fired_rules.replace(/\|/g, ', '),
      missing: r.cannot_evaluate.replace(/\|/g, ', '),
    };
  });
  const lanes = [...new Set(values.map((v) => v.lane))];
  const maxSlot = Math.max(15, ...values.map((v) => v.slot));
  const decisions = Object.values(DECISION_STYLE);
  const shapes = Object.values(RECORDED_SHAPE);
  const y = { field: 'lane', type: 'nominal', sort: lanes, title: null } as const;
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: options.title ?? `What ${rulesets.length === 1 ? rulesets[0] : 'the ruleset'} would have done at each slot`,
      subtitle: [
        ...wrapText(SWIMMER_KEY, 110),
        ...(options.sample === undefined ? [] : wrapText(`A sample, not every cycle: ${options.sample}.`, 110)),
      ],
    },
    width,
    height: { step: 16 },
    data: { values },
    layer: [
      {
        mark: { type: 'rule', color: '#DDDDDD', strokeWidth: 2 },
        encoding: { y, x: { aggregate: 'min', field: 'slot', type: 'quantitative' }, x2: { aggregate: 'max', field: 'slot' } },
      },
      {
        mark: { type: 'point', filled: true, size: 60, opacity: 1 },
        encoding: {
          y,
          x: {
            field: 'slot',
            type: 'quantitative',
            title: 'Scheduled dose slot (q8h)',
            scale: { domain: [0.5, maxSlot + 0.5], nice: false },
            axis: {
              values: Array.from({ length: maxSlot }, (_, i) => i + 1),
              format: 'd',
              grid: false,
              labelOverlap: false,
              tickCount: maxSlot,
            },
          },
          color: {
            field: 'decision',
            type: 'nominal',
            title: 'Ruleset would',
            scale: { domain: decisions.map((d) => d.label), range: decisions.map((d) => d.color) },
          },
          shape: {
            field: 'recorded',
            type: 'nominal',
            title: 'Centre did',
            scale: { domain: shapes.map((s) => s.label), range: shapes.map((s) => s.shape) },
          },
          tooltip: [
            { field: 'lane', title: 'Cycle' },
            { field: 'slot', type: 'quantitative', title: 'Slot' },
            { field: 'recorded', title: 'Recorded' },
            { field: 'decision', title: 'Ruleset' },
            { field: 'fired', title: 'Criteria met' },
            { field: 'missing', title: 'Evidence missing for' },
          ],
        },
      },
    ],
    config: ANALYSIS_CONFIG,
  };
}
