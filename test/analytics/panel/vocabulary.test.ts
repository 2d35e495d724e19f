// Labels checked against each table's vocabulary when pooling: a bundle with an unknown disease, end cause, criterion,
// hold reason or signal is refused with a message naming the file, the table and the value (its hash re-made, as a
// bundle from another il2kit build would carry a valid hash).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleHash, checkBundleText, labelProblems } from '../../../analytics/panel/index.js';
import type { PanelBundle } from '../../../schemas/bundle.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/panel');
const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.json')).sort();
const read = (f: string) => JSON.parse(readFileSync(join(FIXTURES, f), 'utf8')) as PanelBundle;

/** The bundle after `edit`, re-hashed, checked as a file's text. */
function checkEdited(edit: (b: PanelBundle) => void) {
  const b = read('amstel.json');
  edit(b);
  const text = JSON.stringify({ ...b, content_sha256: bundleHash(b) });
  return checkBundleText('bundles/amstel.json', text);
}
const table = (b: PanelBundle, id: string) => b.tables.find((t) => t.id === id)!;

describe('labels against the vocabularies', () => {
  it('the five sample bundles use only known labels', () => {
    expect(files.length).toBe(5);
    for (const f of files) {
      expect(labelProblems(read(f))).toEqual([]);
      expect(checkBundleText(f, readFileSync(join(FIXTURES, f), 'utf8')).ok).toBe(true);
    }
  });

  it('refuses an unknown disease, naming the file, the table and the value', () => {
    const c = checkEdited((b) => (table(b, 'response').rows[0] = 'lymphoma'));
    expect(c.ok).toBe(false);
    expect(!c.ok && c.file).toBe('bundles/amstel.json');
    expect(!c.ok && c.problem).toMatch(/^1 label\(s\) outside the kit's vocabularies: table response: row "lymphoma" is not a known disease \(allowed: rcc, melanoma, all\)/);
    expect(!c.ok && c.problem).toContain("ask the centre to bundle again with the panel's il2kit version");
  });

  it('refuses an unknown end cause, criterion, hold reason and signal', () => {
    const cases: [(b: PanelBundle) => void, string][] = [
      [(b) => (b.tables.find((t) => t.kind === 'dose_end')!.cols[0] = 'toxicty'), 'column "toxicty" is not a known end cause (allowed: toxicity, maximum, other)'],
      [(b) => (table(b, 'enforcement:consensus_2014_t3').rows[0] = 'hr_relativ'), 'table enforcement:consensus_2014_t3: row "hr_relativ" is not a criterion of the kit\'s ruleset consensus_2014_t3'],
      [(b) => (table(b, 'concordance:label_2024').rows[0] = 'criteria_met'), 'table concordance:label_2024: row "criteria_met" is not a known criterion class'],
      [(b) => (table(b, 'hold_reasons').rows[0] = 'tired'), 'table hold_reasons: row "tired" is not a known hold reason'],
      [(b) => (table(b, 'signal:vitiligo').rows[0] = 'rcc:maybe'), 'table signal:vitiligo: row "rcc:maybe" is not a known disease:signal level'],
      [(b) => (table(b, 'case_mix:ecog').cols[5] = '5'), 'table case_mix:ecog: column "5" is not a known ECOG class'],
      [(b) => b.signal_estimates.length > 0 && (b.signal_estimates[0]!.signal = 'hair_colour'), 'signal estimate "hair_colour" is not a response signal of the kit'],
      [(b) => (table(b, 'dose_end:600k/14').group.regimen = '600k'), 'table dose_end:600k/14: regimen "600k" is not a regimen label'],
      [(b) => (table(b, 'concordance:til_2024').group.ruleset = 'til_2025'), 'table concordance:til_2024: ruleset "til_2025" is not among the bundle\'s rulesets'],
    ];
    for (const [edit, message] of cases) {
      const c = checkEdited(edit);
      expect(c.ok, message).toBe(false);
      expect(!c.ok && c.problem, message).toContain(message);
    }
  });
});
