// Rulesets validated once per process and, for the kit's files, once by the build (rules/compiled.ts): the cache gives
// back exactly what parsing gives, fresh copies each time, and a stale, malformed or missing compiled form is ignored.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { compiledRulesetsJson, forgetRulesets, rulesetTextHash, useCompiledRulesets } from '../../rules/compiled.js';
import { parseRuleset } from '../../rules/load.js';
import type { Ruleset } from '../../schemas/ruleset.js';

const root = join(import.meta.dirname, '..', '..');
const kitFiles = ['sources', 'centres'].flatMap((d) =>
  readdirSync(join(root, 'rules', d))
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => join(root, 'rules', d, f)),
);
const consensusText = readFileSync(join(root, 'rules', 'sources', 'consensus-2014-t3.yaml'), 'utf8');
const tmp: string[] = [];
const tmpFile = (name: string, text: string): string => {
  const dir = mkdtempSync(join(tmpdir(), 'il2kit-compiled-'));
  tmp.push(dir);
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

afterEach(() => {
  forgetRulesets();
  for (const d of tmp.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('ruleset cache (rules/compiled.ts)', () => {
  it('a text parsed again gives an equal ruleset, as a fresh copy the caller may change', () => {
    forgetRulesets();
    const a = parseRuleset(consensusText, 'consensus-2014-t3.yaml');
    a.rules[0]!.threshold = -1;
    a.title = 'changed';
    const b = parseRuleset(consensusText, 'consensus-2014-t3.yaml');
    forgetRulesets();
    const fresh = parseRuleset(consensusText, 'consensus-2014-t3.yaml');
    expect(b).toEqual(fresh);
    expect(b.title).not.toBe('changed');
  });

  it('is keyed by the text: one changed character is parsed (and validated) anew', () => {
    forgetRulesets();
    parseRuleset(consensusText, 'consensus-2014-t3.yaml');
    const bad = consensusText.replace('status: verified', 'status: sure');
    expect(() => parseRuleset(bad, 'consensus-2014-t3.yaml')).toThrow(/status/);
  });

  it('a compiled form with the current stamp is used in place of parsing', () => {
    forgetRulesets();
    const rs = parseRuleset(consensusText, 'c.yaml');
    forgetRulesets();
    // A deliberately different entry under the text's hash shows the compiled form, not a parse, answered.
    const marked: Ruleset = { ...rs, title: 'from the compiled form' };
    const file = tmpFile('compiled-rulesets.json', compiledRulesetsJson(new Map([[rulesetTextHash(consensusText), marked]])));
    expect(useCompiledRulesets(file)).toBe(1);
    expect(parseRuleset(consensusText, 'c.yaml').title).toBe('from the compiled form');
  });

  it('a stale, malformed, wrongly shaped or missing compiled form is ignored', () => {
    forgetRulesets();
    const rs = parseRuleset(consensusText, 'c.yaml');
    forgetRulesets();
    const good = JSON.parse(compiledRulesetsJson(new Map([[rulesetTextHash(consensusText), { ...rs, title: 'cached' }]]))) as Record<string, unknown>;
    const variants = [
      JSON.stringify({ ...good, stamp: 'other code' }),
      JSON.stringify({ ...good, format: 99 }),
      JSON.stringify({ ...good, rulesets: { [rulesetTextHash(consensusText)]: { title: 'no id' } } }),
      JSON.stringify({ ...good, rulesets: { 'not-a-hash': rs } }),
      '{"format": 1, "stamp": ',
    ];
    for (const text of variants) expect(useCompiledRulesets(tmpFile('c.json', text))).toBe(0);
    expect(useCompiledRulesets(join(tmpdir(), 'il2kit-no-such-dir', 'c.json'))).toBe(0);
    expect(parseRuleset(consensusText, 'c.yaml').title).toBe(rs.title);
  });

  it('the build compiles every kit ruleset to exactly what parsing the source gives', () => {
    const built = join(root, 'dist', 'rules', 'compiled-rulesets.json');
    if (!existsSync(built)) execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'ignore' });
    const compiled = JSON.parse(readFileSync(built, 'utf8')) as { rulesets: Record<string, Ruleset> };
    expect(Object.keys(compiled.rulesets)).toHaveLength(kitFiles.length);
    forgetRulesets();
    for (const f of kitFiles) {
      const text = readFileSync(f, 'utf8');
      expect(compiled.rulesets[rulesetTextHash(text)], f).toEqual(parseRuleset(text, f));
    }
  });
});
