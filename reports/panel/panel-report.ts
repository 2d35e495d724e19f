// The consensus panel's report: one self-contained HTML page through the shared page shell (reports/html) — the
// contributing centres and periods, the disclosure policy, pooled tables, suppressed cells shown as "< k*", every
// ruleset's verification status, and the caveats.
import type { PanelResult } from '../../analytics/panel/pool.js';
import type { PanelFigure } from './figures.js';
import { panelOutcomesSection } from './outcomes-section.js';
import { LANDMARK_NOTE } from '../../analytics/response/messages.js';
import { escapeHtml, formatPercent, htmlTable, inlineSvg, renderReportPage, type ReportSection, type TableColumn } from '../html/index.js';

const pct = (v: unknown) => formatPercent(typeof v === 'number' ? v : null);
const num = (d: number) => (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(d) : '—');
const pValue = (v: unknown) => (typeof v !== 'number' || !Number.isFinite(v) ? '—' : v < 0.0001 ? '< 0.0001' : v.toFixed(4));
const col = (key: string, label: string, format?: (v: unknown) => string): TableColumn => (format ? { key, label, format } : { key, label });
const p = (text: string) => `<p>${escapeHtml(text)}</p>`;

const STATUS_NOTE =
  'verified: read in the cited source; inferred: a reading of a table layout or arithmetic from verified numbers; unverified: recall — check the ' +
  'primary document before citing.';

export interface PanelReportInput {
  result: PanelResult;
  /** SVG of each figure that was drawn. */
  svgs: Partial<Record<PanelFigure, string>>;
  hartungKnapp: boolean;
  kitVersion: string;
}

function centresSection(r: PanelResult): ReportSection {
  const ks = [...new Set(r.centres.map((c) => c.min_cell))].sort((a, b) => a - b);
  return {
    id: 'centres',
    title: 'Contributing centres and the disclosure policy',
    html: [
      p(
        `${r.centres.length} bundle(s). No patient-level row left any centre: each sent counts after minimum-cell suppression (every non-zero count ` +
          `below k hidden) and complementary suppression (more cells hidden so none can be worked out from ` +
          `row, column or table totals), and model estimates only above the policy's minimum patients and ` +
          `events. Minimum cell count k: ${ks.join(', ')}.`,
      ),
      htmlTable(
        [
          col('centre_id', 'Centre'),
          col('period_first', 'First quarter'),
          col('period_last', 'Last quarter'),
          col('min_cell', 'k'),
          col('cells_suppressed_primary', 'Cells < k'),
          col('cells_suppressed_secondary', 'Complementary cells'),
          col('tables_withheld', 'Tables withheld'),
          col('signal_estimates', 'Signal estimates'),
          col('estimates_withheld', 'Estimates withheld'),
          col('kit_version', 'il2kit'),
          col('content_sha256', 'SHA-256 (first 12)', (v) => String(v).slice(0, 12)),
        ],
        r.centres,
      ),
    ].join('\n'),
  };
}

const LOG_RANK_OVER = {
  all: 'all cycles (cycles of one patient taken as independent)',
  first: 'the first cycle of the first course (one per patient)',
} as const;

function dosesSection(r: PanelResult, svg: string | undefined, funnel: string | undefined): ReportSection {
  const at10 = r.doses.survival.filter((x) => x.doses === 10 || x.doses === x.cap);
  const incomplete = r.doses.incomplete.map((x) => `${x.centre_id} ${x.regimen} (${x.suppressed_cells} cells)`).join(', ');
  return {
    id: 'doses',
    title: 'Doses reached (pooled risk tables)',
    html: [
      svg
        ? inlineSvg(svg, 'Kaplan–Meier probability of reaching at least k doses per cycle, per centre and all centres, one panel per cap')
        : '',
      p(
        "Each released cell of a centre's table (cycles by doses given and how the cycle ended) stands for that many cycles; " +
          `the curves are the kit's own dose-survival analysis on them. ${
            incomplete
              ? `Suppressed cells are left out, so these centres' curves are incomplete: ${incomplete}.`
              : 'No cell was suppressed: the curves equal the patient-level analysis of all centres together.'
          }`,
      ),
      htmlTable(
        [
          col('centre_id', 'Centre'),
          col('cap', 'Cap (doses)'),
          col('doses', 'Dose k'),
          col('n_at_risk', 'Cycles at risk'),
          col('p_at_least', 'P(at least k doses)', pct),
          col('lower', 'Lower 95%', pct),
          col('upper', 'Upper 95%', pct),
        ],
        at10,
      ),
      htmlTable(
        [
          col('cycles', 'Log-rank test between centres over'),
          col('n_cycles', 'Cycles'),
          col('n_centres', 'Centres'),
          col('chi_square', 'χ²', num(2)),
          col('df', 'df'),
          col('p_value', 'p', pValue),
          col('centres_left_out', 'Left out (suppressed or withheld)'),
          col('message', 'Note'),
        ],
        r.doses.logRank.map((x) => ({ ...x, cycles: LOG_RANK_OVER[x.cycles] })),
      ),
      funnel ? inlineSvg(funnel, 'Funnel plot of mean doses given per cycle against the number of cycles per centre') : '',
      p(
        `Doses funnel: ${r.doses.meanFunnel.method}${
          r.doses.meanFunnel.centres_left_out ? ` Left out (a dose cell suppressed): ${r.doses.meanFunnel.centres_left_out}.` : ''
        }`,
      ),
      htmlTable(
        [
          col('centre_id', 'Centre'),
          col('regimen', 'Regimen (IU/kg / cap)'),
          col('n_cycles', 'Cycles'),
          col('mean', 'Mean doses', num(1)),
          col('median', 'Median doses'),
          col('q1', 'Q1'),
          col('q3', 'Q3'),
          col('share_reached_max', 'Reached the cap', pct),
        ],
        r.doses.distribution,
      ),
    ].join('\n'),
  };
}

function holdsSection(r: PanelResult): ReportSection {
  const pooled = r.concordance.filter((x) => x.centre_id === 'ALL');
  return {
    id: 'holds',
    title: 'Hold criteria: concordance, kappa, enforcement',
    html: [
      p(
        'Per ruleset, the slots where its criterion was met or not, against whether the dose was held, summed over the centres whose four cells were ' +
          'released; kappa is computed from the summed counts (Fleiss, Cohen & Everitt standard error).',
      ),
      htmlTable(
        [
          col('ruleset_id', 'Ruleset'),
          col('ruleset_status', 'Status'),
          col('met_and_held', 'Met, held'),
          col('met_but_given', 'Met, given'),
          col('held_without_criterion', 'Held without criterion'),
          col('neither', 'Neither'),
          col('agreement', 'Agreement', pct),
          col('kappa', 'Kappa', num(2)),
          col('kappa_lower', 'Lower 95%', num(2)),
          col('kappa_upper', 'Upper 95%', num(2)),
          col('centres_pooled', 'Centres'),
          col('centres_left_out', 'Left out (suppressed)'),
        ],
        pooled,
      ),
      htmlTable(
        [
          col('reason', 'Recorded hold reason'),
          col('slots', 'Slots'),
          col('centres_pooled', 'Centres'),
          col('centres_left_out', 'Left out (suppressed)'),
        ],
        r.holdReasons,
      ),
      htmlTable(
        [
          col('centre_id', 'Centre'),
          col('variable', 'Variable'),
          col('reference_ruleset', 'Against'),
          col('n', 'Slots'),
          col('ed50', 'ED50', num(1)),
          col('delta_lower', 'Lower 95%', num(1)),
          col('delta_upper', 'Upper 95%', num(1)),
          col('step_threshold', 'Step edge', num(1)),
          col('step_lower', 'Lower', num(1)),
          col('step_upper', 'Upper', num(1)),
        ],
        r.implied,
        { caption: 'Implied thresholds side by side (each centre\u2019s own estimate; not pooled)' },
      ),
    ].join('\n'),
  };
}

function responseSection(r: PanelResult, svgs: PanelReportInput['svgs'], hk: boolean): ReportSection {
  return {
    id: 'response',
    title: 'Response rates and signals',
    html: [
      p(
        'Response rates of all treated patients: the denominator is every patient given the course, with those not ' +
          'evaluable (no assessment, or an NE assessment) counted as not responding, as RECIST 1.1 (§4.6) and the HD IL-2 ' +
          'literature report the overall response rate; the rate of assessed patients only is each centre\u2019s own output.',
      ),
      htmlTable(
        [
          col('centre_id', 'Centre'),
          col('disease', 'Disease'),
          col('n_eligible', 'Treated (all-eligible)'),
          col('responders', 'CR + PR'),
          col('rate', 'Rate of all treated', pct),
          col('wilson_lower', 'Wilson lower', pct),
          col('wilson_upper', 'Wilson upper', pct),
          col('exact_lower', 'Exact lower', pct),
          col('exact_upper', 'Exact upper', pct),
          col('centres_left_out', 'Left out (suppressed)'),
        ],
        r.rates,
      ),
      svgs.response_funnel ? inlineSvg(svgs.response_funnel, 'Funnel plot of response rate of all treated against patients treated per centre') : '',
      p(
        `Signal odds ratios: each centre's own estimate (its model adjusted for disease), pooled by DerSimonian–Laird random ` +
          `effects${hk ? ' with the Hartung–Knapp adjustment (t with k − 1 df)' : ''}; the prediction ` +
          `interval is the range expected for a new centre.`,
      ),
      svgs.signal_forest ? inlineSvg(svgs.signal_forest, 'Forest plot of signal odds ratios per centre and pooled') : '',
      htmlTable(
        [
          col('label', 'Signal'),
          col('per', 'Per'),
          col('centre_id', 'Centre'),
          col('n', 'Courses'),
          col('or', 'Odds ratio', num(2)),
          col('lower', 'Lower 95%', num(2)),
          col('upper', 'Upper 95%', num(2)),
          col('i2', 'I² (%)', num(0)),
          col('tau2', 'τ²', num(3)),
          col('pi_lower', 'Prediction lower', num(2)),
          col('pi_upper', 'Prediction upper', num(2)),
          col('weight_percent', 'Weight %', num(1)),
        ],
        r.signals,
      ),
      htmlTable(
        [col('centre_id', 'Centre'), col('what', 'Estimate'), col('id', 'Signal or variable'), col('rule', 'Withheld by')],
        r.withheldEstimates,
        { caption: 'Model estimates the centres\u2019 policy kept back' },
      ),
    ].join('\n'),
  };
}

/**
 * The panel report page.
 * @example writeFileSync('out/panel/panel-report.html', panelReport({ result, svgs, hartungKnapp: false, kitVersion: '0.1.0' }))
 */
export function panelReport(input: PanelReportInput): string {
  const r = input.result;
  const sections: ReportSection[] = [
    centresSection(r),
    dosesSection(r, input.svgs.dose_survival, input.svgs.doses_funnel),
    holdsSection(r),
    responseSection(r, input.svgs, input.hartungKnapp),
    panelOutcomesSection(r),
    {
      id: 'rulesets',
      title: 'Rulesets and their verification status',
      html: [p(STATUS_NOTE), htmlTable([col('ruleset_id', 'Ruleset'), col('status', 'Status')], r.rulesets)].join('\n'),
    },
    {
      id: 'suppressed',
      title: 'Suppressed cells',
      html: [
        p(
          '* Suppressed: fewer than k, or hidden to protect such a cell (the bundle does not say which). Pooled figures leave these cells out and name ' +
            'the centres left out.',
        ),
        htmlTable(
          [col('centre_id', 'Centre'), col('table', 'Table'), col('row', 'Row'), col('col', 'Column'), col('shown_as', 'Count')],
          r.suppressed,
        ),
      ].join('\n'),
    },
    {
      id: 'caveats',
      title: 'Caveats',
      html: [
        p(LANDMARK_NOTE),
        p(
          'Doses reached: a cycle stopped for toxicity and one stopped for other reasons are competing events; the curves treat reaching the cap as ' +
            'censoring, and cycles of one patient as independent.',
        ),
        p(
          'Pooled figures equal the patient-level analysis of all centres only where no cell was suppressed; where cells were suppressed the centres ' +
            'concerned are left out of that figure, which can bias it towards centres with larger counts.',
        ),
      ].join('\n'),
    },
  ];
  return renderReportPage({
    title: 'Consensus panel report: high-dose IL-2 across centres',
    subtitle: `${r.centres.length} centre bundle(s), ${r.centres.map((c) => `${c.centre_id} ${c.period_first}–${c.period_last}`).join('; ')}`,
    sections,
    footer: escapeHtml(`il2kit ${input.kitVersion} · pooled from aggregate bundles only · bundle hashes in the first table`),
  });
}
