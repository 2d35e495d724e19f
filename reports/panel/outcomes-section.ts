// The panel report's outcomes section (issue 22): pooled life-table survival by disease, durable complete responses
// and serious events per 100 patients with exact intervals and the between-centre heterogeneity.
import { LIFE_TABLE_METHOD, POOLED_REVERSAL_METHOD, type PanelResult } from '../../analytics/panel/index.js';
import { escapeHtml, formatPercent, htmlTable, type ReportSection, type TableColumn } from '../html/index.js';

const pct = (v: unknown) => formatPercent(typeof v === 'number' ? v : null);
const num = (d: number) => (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(d) : '—');
const col = (key: string, label: string, format?: (v: unknown) => string): TableColumn => (format ? { key, label, format } : { key, label });
const p = (text: string) => `<p>${escapeHtml(text)}</p>`;
const DISEASE: Record<string, string> = { rcc: 'Renal cell carcinoma', melanoma: 'Melanoma' };
const ENDPOINT: Record<string, string> = { os: 'Overall survival', pfs: 'Progression-free survival' };

const READING: Record<string, string> = { recorded: 'As recorded by the centres' };

/** Reversibility of toxicity and why cycles ended (bundle schema 3). */
function toxicityParts(r: PanelResult): string[] {
  return [
    p(`Reversibility: courses whose last cycle had the toxicity, reversed by day 7, 14 and 30 after the last dose. ${POOLED_REVERSAL_METHOD}`),
    htmlTable(
      [
        col('label', 'Measure'), col('day', 'Day'), col('centres', 'Centres'), col('centres_used', 'Which'), col('courses', 'Courses'),
        col('reversed_by_day', 'Reversed by then'),
        col('died_first_by_day', 'Died first'), col('cumulative_incidence', 'Reversed (cumulative incidence)', pct), col('lower', 'Lower 95%', pct),
        col('upper', 'Upper 95%', pct), col('reference', 'Published', pct), col('reference_source', 'Source'),
        col('centres_left_out', 'Left out (suppressed, or bands merged across the day)'), col('centres_deaths_with_censored', 'Deaths counted as censored'),
      ],
      r.reversal,
    ),
    p(
      'Why cycles ended: one reason per cycle, as the centres recorded it and under each ruleset (what would have stopped the cycle first). ' +
        'Share of all cycles of the centres that released the reason, exact (Clopper–Pearson) interval. A centre that merged the reason ' +
        'with its other rare reasons (fewer than k cycles each) is left out of that reason and named; the range gives the share over all ' +
        'centres had those centres none of the reason, or all their merged cycles.',
    ),
    htmlTable(
      [
        col('reading', 'Reading'), col('label', 'Reason'), col('centres', 'Centres'), col('centres_used', 'Which'), col('cycles', 'Cycles'),
        col('all_cycles', 'Of cycles'),
        col('share', 'Share', pct), col('lower', 'Lower 95%', pct), col('upper', 'Upper 95%', pct),
        col('share_all_min', 'All centres: from', pct), col('share_all_max', 'to', pct), col('centres_left_out', 'Left out (suppressed or merged)'),
      ],
      r.cycleEnds.map((x) => ({ ...x, reading: READING[x.reading] ?? x.reading })),
    ),
  ];
}

/**
 * Outcomes and safety pooled from the bundles' count tables; "not sent" when no bundle carries them (schema 1 centres).
 * @example panelOutcomesSection(poolBundles(bundles))
 */
export function panelOutcomesSection(r: PanelResult): ReportSection {
  const base = { id: 'outcomes', title: 'Outcomes and safety (pooled counts)' };
  if (r.survival.length + r.durableCr.length + r.serious.length + r.reversal.length + r.cycleEnds.length === 0)
    return { ...base, html: p('No bundle carries outcome tables (follow-up was not in the centres’ stores).') };
  return {
    ...base,
    html: [
      p(`Survival from the first dose, RCC and melanoma apart. ${LIFE_TABLE_METHOD}`),
      htmlTable(
        [
          col('endpoint', 'Endpoint'), col('disease', 'Disease'), col('months', 'Months'), col('centres', 'Centres'), col('patients', 'Patients'),
          col('events', 'Events by then', num(1)), col('survival', 'Survival', pct), col('lower', 'Lower 95%', pct), col('upper', 'Upper 95%', pct),
          col('centres_left_out', 'Left out (suppressed)'),
        ],
        r.survival.map((x) => ({ ...x, endpoint: ENDPOINT[x.endpoint], disease: DISEASE[x.disease] ?? x.disease })),
      ),
      p(
        'Durable complete responses: complete responders progression-free at the horizon among those followed that long (exact interval); ' +
          'by disease, as the published series report them.',
      ),
      htmlTable(
        [
          col('disease', 'Disease'), col('horizon_months', 'Months'), col('centres', 'Centres'), col('complete_responders', 'Complete responders'),
          col('followed', 'Followed'), col('share', 'Progression-free', pct), col('lower', 'Lower 95%', pct), col('upper', 'Upper 95%', pct),
          col('centres_left_out', 'Left out (suppressed)'),
        ],
        r.durableCr.map((x) => ({ ...x, disease: DISEASE[x.disease] ?? x.disease })),
      ),
      p(
        'Serious events (ICU transfer, intubation, dialysis, coma, seizure, treatment-related death): patients with the event per 100 treated, exact ' +
          '(Clopper–Pearson) interval, regimens apart; I² and τ² of the log-odds across centres (DerSimonian–Laird). ' +
          'A centre whose export has no cause ' +
          'of death sends no treatment-related-death row and is named as not recorded.',
      ),
      htmlTable(
        [
          col('regimen', 'Regimen'), col('event_type', 'Event'), col('centres', 'Centres'), col('patients', 'Patients'),
          col('patients_with_event', 'With the event'),
          col('per_100', 'Per 100', num(1)), col('per_100_lower', 'Lower 95%', num(1)), col('per_100_upper', 'Upper 95%', num(1)), col('I2', 'I² (%)', num(0)),
          col('tau2', 'τ²', num(3)), col('centres_left_out', 'Left out'),
        ],
        r.serious,
      ),
      ...toxicityParts(r),
    ].join('\n'),
  };
}
