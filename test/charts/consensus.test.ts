import { describe, expect, it } from 'vitest';
import { fig1CycleSpec, fig1SummarySpec, fig2CycleSpec, fig2SummarySpec, fig3CycleSpec, fig3SummarySpec, fig4CycleSpec, fig4SummarySpec, fig5CycleSpec, fig5SummarySpec, renderSvg } from '../../charts/index.js';
import { consensusCycleSample, consensusSummarySample } from './consensus-sample.js';
import { checkChart } from './harness.js';

const summary = consensusSummarySample();
const cycle = consensusCycleSample();
const SUMMARY = { fig1: fig1SummarySpec, fig2: fig2SummarySpec, fig3: fig3SummarySpec, fig4: fig4SummarySpec, fig5: fig5SummarySpec };
const CYCLE = { fig1: fig1CycleSpec, fig2: fig2CycleSpec, fig3: fig3CycleSpec, fig4: fig4CycleSpec, fig5: fig5CycleSpec };

for (const [name, build] of Object.entries(SUMMARY)) checkChart(`consensus-${name}-centres`, (s: typeof summary) => build(s, { source: 'test/store' }), summary);
for (const [name, build] of Object.entries(CYCLE)) checkChart(`consensus-${name}-cycle`, (c: typeof cycle) => build(c, { rule: 'the test cycle', source: 'test/store' }), cycle);

type Spec = { title: { subtitle: string[] }; vconcat: { title: { text: string }; data: { values: Record<string, unknown>[] } }[] };
const panel = (spec: object, heading: string) => (spec as Spec).vconcat.find((p) => p.title.text === heading)!;
const subtitle = (spec: object) => (spec as Spec).title.subtitle.join(' ');

describe('consensus figures say what is missing, and never draw it as zero', () => {
  it('a centre with no vasopressor data is named, and has no pressor rows', () => {
    const spec = fig2SummarySpec(summary);
    expect(subtitle(spec)).toContain('Cycles on a vasopressor at west-regional-cancer-centre-long-name');
    const rows = panel(spec, 'Cycles on a vasopressor (%)').data.values;
    expect(new Set(rows.map((r) => r.centre))).toEqual(new Set(['north', 'south']));
  });

  it('a series no centre shown records becomes a note, not an empty or zero line', () => {
    const spec = fig1SummarySpec(summary, { centres: ['west-regional-cancer-centre-long-name'] });
    const dbp = panel(spec, 'Diastolic blood pressure (mmHg)');
    expect(dbp.data.values).toEqual([{ note: 'Diastolic blood pressure: not recorded at west-regional-cancer-centre-long-name' }]);
  });

  it('a cycle without diastolic pressure, haemoglobin or vasopressor says so in those panels', () => {
    expect(panel(fig1CycleSpec(cycle), 'Diastolic blood pressure (mmHg)').data.values).toEqual([{ note: 'Diastolic blood pressure: not recorded for this cycle' }]);
    expect(panel(fig5CycleSpec(cycle), 'Haemoglobin (g/dL)').data.values).toEqual([{ note: 'Haemoglobin: not recorded for this cycle' }]);
    expect(panel(fig2CycleSpec(cycle), 'Vasopressor rate (µg/kg/min)').data.values).toEqual([{ note: 'Vasopressor: none recorded for this cycle' }]);
  });

  it('held doses are listed with their reasons in clinical words', () => {
    expect(subtitle(fig1CycleSpec(cycle))).toContain('slot 5 (Hypotension / pressor requirement); slot 7 (Rising creatinine, Low urine output)');
  });

  it('every figure fits a 1,400-px page', async () => {
    for (const spec of [...Object.values(SUMMARY).map((b) => b(summary)), ...Object.values(CYCLE).map((b) => b(cycle))]) {
      const width = Number(/<svg[^>]* width="(\d+(?:\.\d+)?)"/.exec(await renderSvg(spec))![1]);
      expect(width).toBeLessThanOrEqual(1400);
    }
  });
});
