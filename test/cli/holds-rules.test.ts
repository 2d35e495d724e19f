// `il2kit holds --rules DIR`: rulesets kept outside the repository, one folder with a deliberate error. The error is
// reported with file, rule id, YAML line and the allowed values (exit 2, no stack trace), and the other rulesets named
// with --ruleset still run and are written.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sampleStore } from '../../data-samples/sample-store.js';
import { il2kit } from '../helpers/cli.js';

const ruleset = (id: string, unit: string) => `id: ${id}
title: Northbay local rules
version: "1"
source: Northbay standing orders 2026
status: unverified
rules:
  - id: hr_hold
    system: Cardiac
    variable: heart_rate_at_dose
    unit: ${unit}
    comparator: gt
    threshold: 120
    action: hold
    source: S5 Table 1 (sinus tachycardia HR 120–130)
    status: verified
`;

let dir: string;
let store: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'il2kit-holds-rules-'));
  mkdirSync(join(dir, 'good'));
  mkdirSync(join(dir, 'broken'));
  writeFileSync(join(dir, 'good', 'northbay.yaml'), ruleset('northbay', '/min'));
  writeFileSync(join(dir, 'broken', 'eastport.yaml'), ruleset('eastport', 'bpm'));
  store = await sampleStore();
}, 300_000);

describe('il2kit holds --rules', () => {
  it('evaluates a ruleset kept outside the kit', () => {
    const out = join(dir, 'out-good');
    const r = il2kit(['holds', '--store', store, '--out', out, '--rules', join(dir, 'good'), '--ruleset', 'northbay', '--centres', 'riverside']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readFileSync(join(out, 'concordance.csv'), 'utf8')).toMatch(/riverside,northbay/);
  });

  it('a broken file: a message naming file, rule, line and allowed values, exit 2, the named others still run', () => {
    const out = join(dir, 'out-broken');
    const r = il2kit(['holds', '--store', store, '--out', out, '--rules', join(dir, 'good'), join(dir, 'broken'), '--ruleset', 'northbay', 'til_2024', '--centres', 'riverside']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('eastport.yaml:10: rule "hr_hold": unit: unit "bpm" is not the unit of heart_rate_at_dose; allowed: "/min"');
    expect(r.stderr).toMatch(/1 problem\(s\) in the --rules folders/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const concordance = readFileSync(join(out, 'concordance.csv'), 'utf8');
    for (const id of ['northbay', 'til_2024', 'consensus_2014_t3']) expect(concordance).toContain(`riverside,${id}`);
    expect(concordance).not.toContain('eastport');
  });

  it('a ruleset id that clashes with the kit is a problem, not a silent replacement', () => {
    mkdirSync(join(dir, 'clash'));
    writeFileSync(join(dir, 'clash', 'til.yaml'), ruleset('til_2024', '/min'));
    const r = il2kit(['holds', '--store', store, '--out', join(dir, 'out-clash'), '--rules', join(dir, 'clash'), '--ruleset', 'consensus_2014_t3', '--centres', 'riverside']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/ruleset id til_2024 is used by both the kit \(rules\/\) and .*til\.yaml/);
  });
});
