// The report's consensus-figures section: the five figures of the 2014 consensus (il2-domain.md §3.0) per centre,
// and each centre's example cycle, read from one store. A store without cycles, or a centre without a kind of
// observation, gives a section that says what is missing rather than an empty figure.
import {
  EXAMPLE_CYCLE_RULE,
  exampleCycleIds,
  loadConsensusSummary,
  loadCycleCourse,
  readStore,
  type ConsensusSummary,
  type CycleCourse,
} from '../../analytics/index.js';
import {
  fig1CycleSpec,
  fig1SummarySpec,
  fig2CycleSpec,
  fig2SummarySpec,
  fig3CycleSpec,
  fig3SummarySpec,
  fig4CycleSpec,
  fig4SummarySpec,
  fig5CycleSpec,
  fig5SummarySpec,
  renderSvg,
} from '../../charts/index.js';
import { escapeHtml, inlineSvg, type ReportSection } from '../html/index.js';

const SUMMARY = [fig1SummarySpec, fig2SummarySpec, fig3SummarySpec, fig4SummarySpec, fig5SummarySpec];
const CYCLE = [fig1CycleSpec, fig2CycleSpec, fig3CycleSpec, fig4CycleSpec, fig5CycleSpec];
const NAMES = [
  'Figure 1: blood pressure and heart rate',
  'Figure 2: with vasopressor and fluid boluses',
  'Figure 3: BUN, creatinine, potassium and bicarbonate',
  'Figure 4: weight gain and IV fluids',
  'Figure 5: blood counts (log scale)',
];

const p = (text: string) => `<p>${escapeHtml(text)}</p>`;

/** What the section draws: the per-centre summary and each centre's example cycle. */
export interface ConsensusData {
  summary: ConsensusSummary;
  courses: CycleCourse[];
}

/**
 * Reads the section's data from the store (the report starts this early, so DuckDB reads while the analyses compute).
 * @example const data = loadConsensusData('out/store', { centres: ['amstel'] })
 */
export async function loadConsensusData(storeDir: string, opts: { centres?: readonly string[] } = {}): Promise<ConsensusData> {
  const centres = opts.centres === undefined ? undefined : [...opts.centres];
  return readStore(storeDir, async (conn) => {
    const summary = await loadConsensusSummary(conn, { centres });
    const ids = await exampleCycleIds(conn, { centres });
    const courses: CycleCourse[] = [];
    for (const id of ids.values()) courses.push(await loadCycleCourse(conn, id));
    return { summary, courses };
  });
}

/**
 * The consensus-figures section of the investigator report, from the store at `storeDir` (or its data read already).
 * @example sections.push(await consensusSection('out/store', { centres: ['amstel'] }))
 */
export async function consensusSection(
  storeDir: string,
  opts: { centres?: string[] } = {},
  data?: Promise<ConsensusData> | ConsensusData,
): Promise<ReportSection> {
  const { summary, courses } = await (data ?? loadConsensusData(storeDir, opts));
  const head = [
    p(
      'The five figures of the 2014 expert consensus (Dutcher et al., J Immunother Cancer 2014;2:26), drawn from this store: what they plot follows ' +
        'the figure legends [V]; the figure images themselves could not be viewed, so their shapes in ' +
        'the paper are [UNVERIFIED] and nothing here is compared with them.',
    ),
    p(`Store: ${storeDir}. Time is counted from each cycle's first scheduled dose (slot 1).`),
  ];
  if (summary.centres.length === 0) {
    const which = opts.centres?.length ? ` for ${opts.centres.join(', ')}` : '';
    return {
      id: 'consensus-figures',
      title: 'The consensus figures',
      html: [
        ...head,
        `<p class="missing">${escapeHtml(`No cycles in the store${which}: nothing to draw. Ingest a centre's export first (il2kit ingest).`)}</p>`,
      ].join('\n'),
    };
  }
  return {
    id: 'consensus-figures',
    title: 'The consensus figures',
    html: [...head, ...(await centreFigures(summary, storeDir)), ...(await exampleFigures(courses, storeDir))].join('\n'),
  };
}

async function centreFigures(summary: ConsensusSummary, storeDir: string): Promise<string[]> {
  const out = ['<h3>By centre</h3>'];
  for (const [k, build] of SUMMARY.entries()) {
    const svg = await renderSvg(build(summary, { source: storeDir }));
    out.push(
      inlineSvg(svg, `${NAMES[k]}, by centre.`, {
        id: `consensus-fig${k + 1}`,
        captionHtml: escapeHtml(`Median and interquartile range over cycles, per centre. Store: ${storeDir}.`),
      }),
    );
  }
  return out;
}

async function exampleFigures(courses: readonly CycleCourse[], storeDir: string): Promise<string[]> {
  const out = [
    '<h3>One example cycle per centre</h3>',
    p(`Each centre's example is ${EXAMPLE_CYCLE_RULE}. Patients are shown by the first characters of their pseudonym.`),
  ];
  for (const c of courses) {
    out.push(`<details><summary>${escapeHtml(`${c.centre_id}: patient-cycle ${c.label}, ${c.doses_given} of ${c.planned_max_doses} doses given`)}</summary>`);
    for (const [k, build] of CYCLE.entries()) {
      const svg = await renderSvg(build(c, { source: storeDir, rule: EXAMPLE_CYCLE_RULE }));
      out.push(
        inlineSvg(svg, `${NAMES[k]}, ${c.centre_id} example cycle ${c.label}.`, {
          captionHtml: escapeHtml(`Chosen as ${EXAMPLE_CYCLE_RULE}. Store: ${storeDir}.`),
        }),
      );
    }
    out.push('</details>');
  }
  return out;
}
