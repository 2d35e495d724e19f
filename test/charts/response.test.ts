import { describe, expect, it } from 'vitest';
import { LANDMARK_NOTE, responseByDoses, responseRates, signalOddsRatios, type CourseSignalRow } from '../../analytics/index.js';
import { forestSpec, responseByDosesSpec, responseFunnelSpec } from '../../charts/index.js';
import { checkChart } from './harness.js';

/** One assessed course per patient; deterministic signals, a centre with no responders to exercise "not estimable". */
function row(centre: string, i: number, responder: 0 | 1): CourseSignalRow {
  return {
    centre_id: centre, patient_key: `${centre}${i}`, disease: i % 2 ? 'rcc' : 'melanoma', ecog: i % 3 === 0 ? 1 : 0, age_at_first_dose: 50 + (i % 20), course_number: 1,
    response: responder ? 'PR' : 'PD', responder, window_start: 0, window_end: 1, doses_given: 6 + (i % 21), miu_per_kg_given: (6 + (i % 21)) * 0.6,
    lymphocyte_baseline: 1000, lymphocyte_peak_after_dosing: 1000 + 100 * (i % 17), lymphocyte_rebound: 1 + 0.1 * (i % 17), eosinophil_peak: 300 + 50 * (i % 7),
    platelet_nadir: 40_000 + 3000 * (i % 9), bicarbonate_nadir: 17 + (i % 6), phenylephrine_max: 0.1 * (i % 11), thyroid_dysfunction: i % 5 === 0 ? 1 : 0, vitiligo: i % 7 === 0 ? 1 : 0,
  };
}
const rows: CourseSignalRow[] = [
  ...Array.from({ length: 60 }, (_, i) => row('north', i, i % 3 === 0 || i % 7 === 0 ? 1 : 0)),
  ...Array.from({ length: 40 }, (_, i) => row('south', i, i % 4 === 0 ? 1 : 0)),
  ...Array.from({ length: 12 }, (_, i) => row('west', i, 0)),
];
const rates = responseRates(rows);
const byDoses = responseByDoses(rows);
const odds = signalOddsRatios(rows, { signals: ['lymphocyte_rebound', 'thyroid_dysfunction', 'doses'] });

checkChart('response-funnel', responseFunnelSpec, rates);
checkChart('response-funnel-empty', responseFunnelSpec, responseRates(rows.map((r) => ({ ...r, responder: 0 as const, response: 'PD' as const }))));
checkChart('response-by-doses', responseByDosesSpec, byDoses);
checkChart('forest', forestSpec, odds);

describe('response charts', () => {
  it('the forest plot carries the landmark / not-causal caveat and one panel per signal', () => {
    const spec = forestSpec(odds) as { title: { subtitle: string[] }; vconcat: { title: string }[] };
    expect(spec.title.subtitle.join(' ')).toContain(LANDMARK_NOTE.slice(0, 60));
    expect(spec.title.subtitle.join(' ')).toMatch(/not causal \(guarantee-time bias\)/);
    expect(spec.vconcat.map((p) => p.title)).toEqual(['Lymphocyte rebound (peak after dosing / baseline) — OR per doubling of the ratio', 'Thyroid dysfunction — OR per present vs absent', 'Doses received in the course — OR per dose']);
  });

  it('names each forest row with n and its estimate, or says it is not estimable', () => {
    const spec = forestSpec(odds) as { vconcat: { layer: { data?: { values: { label: string; or: number | null }[] } }[] }[] };
    const labels = spec.vconcat[2]!.layer[1]!.data!.values.map((v) => v.label);
    expect(labels[2]).toBe('west · n 12 · not estimable');
    expect(labels[3]).toMatch(/^Pooled \(random effects\) · n 100 · \d+\.\d+ \(\d+\.\d+–\d+\.\d+\), I² \d+%$/);
    expect(labels[4]).toMatch(/^All centres, adjusted · n 112 · /);
  });

  it('the response-by-doses chart orders bands by dose and puts all centres last', () => {
    const spec = responseByDosesSpec(byDoses) as { facet: { sort: string[] }; spec: { layer: { encoding: { x: { sort: string[] } } }[] } };
    expect(spec.facet.sort).toEqual(['north', 'south', 'west', 'All centres']);
    expect(spec.spec.layer[0]!.encoding.x.sort).toEqual(['0–9', '10–14', '15–19', '20–24', '25+']);
  });
});
