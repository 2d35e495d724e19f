import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { PUBLICATION_DPI, renderSvg, ruleLabel, svgToPng, svgToPngAsync, variableLabel } from '../../charts/index.js';
import { kitRulesets } from '../../analytics/practice/index.js';
import { INFUSION_AGENTS, OBSERVATION_VARIABLES, RULE_VARIABLES } from '../../schemas/vocabularies.js';
import { consensusCycleSample } from './consensus-sample.js';
import { fig1CycleSpec } from '../../charts/index.js';

/** The PNG's chunks: type, data, and whether the stored CRC is right. */
function chunks(png: Buffer): { type: string; data: Buffer; crcOk: boolean }[] {
  const out = [];
  for (let at = 8; at < png.length; ) {
    const len = png.readUInt32BE(at);
    const typeAndData = png.subarray(at + 4, at + 8 + len);
    out.push({ type: typeAndData.subarray(0, 4).toString('latin1'), data: typeAndData.subarray(4), crcOk: crc32(typeAndData) === png.readUInt32BE(at + 8 + len) });
    at += 12 + len;
  }
  return out;
}

describe('publication export', () => {
  it('a PNG at 300 dpi is the figure at 300/96 of its CSS size and says 300 dpi (pHYs), every chunk sound', async () => {
    const svg = await renderSvg(fig1CycleSpec(consensusCycleSample()));
    const width = Number(/<svg[^>]* width="(\d+)"/.exec(svg)![1]);
    const png = svgToPng(svg, { dpi: PUBLICATION_DPI });
    const cs = chunks(png);
    expect(cs.map((c) => c.type).slice(0, 2)).toEqual(['IHDR', 'pHYs']);
    expect(cs.every((c) => c.crcOk)).toBe(true);
    expect(Math.abs(cs[0]!.data.readUInt32BE(0) - (width * 300) / 96)).toBeLessThan(1);
    const phys = cs[1]!.data;
    expect([phys.readUInt32BE(0), phys.readUInt32BE(4), phys.readUInt8(8)]).toEqual([11811, 11811, 1]);
  });

  it('the PNG drawn off the main thread is byte-identical to the one drawn on it (at a scale and at 300 dpi)', async () => {
    const svg = await renderSvg(fig1CycleSpec(consensusCycleSample()));
    for (const o of [{ scale: 1 }, { dpi: PUBLICATION_DPI }]) {
      const sync = svgToPng(svg, o);
      const off = await svgToPngAsync(svg, o);
      expect(off.length).toBeGreaterThan(1000);
      expect(Buffer.compare(off, sync)).toBe(0);
    }
  });
});

describe('one label table', () => {
  it('every observation variable, rule variable and infusion agent has a clinical name, and units as a reader writes them', () => {
    for (const code of [...Object.keys(OBSERVATION_VARIABLES), ...Object.keys(RULE_VARIABLES), ...Object.keys(INFUSION_AGENTS)]) {
      const label = variableLabel(code);
      expect(label).not.toBe(code);
      expect(label).not.toMatch(/\[|\]|\bCel\b|\/uL|\bug\//);
    }
    expect(variableLabel('sbp')).toBe('Systolic blood pressure (mmHg)');
    expect(variableLabel('platelets')).toBe('Platelet count (/µL)');
    expect(variableLabel('phenylephrine_max_interval')).toBe('Highest phenylephrine rate in the preceding interval (µg/kg/min)');
  });

  it('a rule reads as its variable, band or threshold with unit, and level', () => {
    const consensus = kitRulesets().find((r) => r.id === 'consensus_2014_t3')!;
    const rule = (id: string) => ruleLabel(consensus.rules.find((r) => r.id === id)!);
    expect(rule('hr_relative')).toBe('Heart rate at dosing time 100–130/min (relative)');
    expect(rule('hr_absolute')).toMatch(/^Heart rate at dosing time > 130\/min \(absolute\)$/);
  });
});
