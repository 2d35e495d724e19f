// A mapping spec's local_ruleset_id resolves against a ruleset file beside the spec (then the kit's); a name that
// resolves to nothing is an ingest error (exit 2, store untouched); a resolved file is kept in the store for holds.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ingestCentre } from '../../pipelines/ingest.js';
import { resolveLocalRuleset, storeRulesets } from '../../rules/local-ruleset.js';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'ingest', 'mini');
const root = mkdtempSync(join(tmpdir(), 'il2kit-local-ruleset-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const RULESET = `id: mini-local
title: Mini local rules
version: "1"
source: Mini standing orders
status: unverified
rules:
  - { id: hr_hold, system: Cardiac, variable: heart_rate_at_dose, unit: /min, comparator: gt, threshold: 120, action: hold, source: "S5 Table 1", status: verified }
`;

/** A copy of the mini centre whose spec names `id`, with `files` written beside the spec. */
function centre(name: string, id: string, files: Record<string, string> = {}): string {
  const dir = join(root, name);
  cpSync(FIXTURE, dir, { recursive: true });
  const spec = join(dir, 'spec.yaml');
  writeFileSync(spec, readFileSync(spec, 'utf8').replace('local_ruleset_id: null', `local_ruleset_id: ${id}`));
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
  return spec;
}

describe('local_ruleset_id', () => {
  it('resolves a file beside the spec, else a kit ruleset', () => {
    expect(resolveLocalRuleset(centre('beside', 'mini-local', { 'mini-local.yaml': RULESET }), 'mini-local')).toMatchObject({ ruleset: { id: 'mini-local' }, file: expect.stringMatching(/mini-local\.yaml$/) });
    expect(resolveLocalRuleset(centre('kit', 'amstel'), 'amstel')).toMatchObject({ ruleset: { id: 'amstel' }, file: null });
    expect(resolveLocalRuleset('x/spec.yaml', null)).toBeNull();
  });

  it('a name that resolves to nothing is an error at ingest, before the store is touched', async () => {
    const store = join(root, 'store-none');
    const spec = centre('none', 'nowhere');
    await expect(ingestCentre(spec, { storeDir: store, env: {} })).rejects.toThrow(/centre\.local_ruleset_id nowhere names no ruleset: no nowhere\.yaml, nowhere\.yml or nowhere\.json beside the spec .*known: consensus_2014_t3/);
    await expect(ingestCentre(spec, { storeDir: store, env: {} })).rejects.toMatchObject({ name: 'UserError', exitCode: 2 });
    expect(existsSync(join(store, 'il2kit.duckdb'))).toBe(false);
  });

  it('a broken file beside the spec names its problems; a file with another id is refused', () => {
    const broken = centre('broken', 'mini-local', { 'mini-local.yaml': RULESET.replace('unit: /min', 'unit: bpm') });
    expect(() => resolveLocalRuleset(broken, 'mini-local')).toThrow(/mini-local\.yaml:7: rule "hr_hold": unit: unit "bpm" is not the unit of heart_rate_at_dose; allowed: "\/min"/);
    const other = centre('other', 'mini-local', { 'mini-local.yaml': RULESET.replace('id: mini-local', 'id: elsewhere') });
    expect(() => resolveLocalRuleset(other, 'mini-local')).toThrow(/has id elsewhere; give the file the id mini-local/);
  });

  it('ingest keeps the file in the store, where holds finds it', async () => {
    const store = join(root, 'store-kept');
    await ingestCentre(centre('kept', 'mini-local', { 'mini-local.yaml': RULESET }), { storeDir: store, env: {} });
    expect(readFileSync(join(store, 'rulesets', 'mini-local.yaml'), 'utf8')).toBe(RULESET);
    expect(storeRulesets(store, ['consensus_2014_t3'])).toMatchObject({ rulesets: [{ id: 'mini-local' }], problems: [] });
  }, 120_000);
});
