// After tsc (scripts/build.mjs): the kit's rulesets (rules/sources, rules/centres) validated once and written beside
// dist/rules/compiled.js as compiled-rulesets.json, keyed by the SHA-256 of each file's text and stamped with the code
// that validated them (rules/compiled.ts), so commands run from dist/ do not parse them again. Deterministic.
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const out = join('dist', 'rules', 'compiled-rulesets.json');
// An older compiled form must not feed the parse that replaces it.
rmSync(out, { force: true });
const { compiledRulesetsJson, rulesetTextHash } = await import('../dist/rules/compiled.js');
const { parseRuleset } = await import('../dist/rules/load.js');
const rulesets = new Map();
for (const dir of ['rules/sources', 'rules/centres']) {
  for (const f of readdirSync(dir).filter((x) => /\.(ya?ml|json)$/i.test(x)).sort()) {
    const text = readFileSync(join(dir, f), 'utf8');
    rulesets.set(rulesetTextHash(text), parseRuleset(text, join(dir, f)));
  }
}
writeFileSync(out, compiledRulesetsJson(rulesets));
console.log(`compiled ${rulesets.size} kit rulesets → ${out}`);
