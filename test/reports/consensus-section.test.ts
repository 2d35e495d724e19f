import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_CENTRES, sampleStore } from '../../data-samples/sample-store.js';
import { consensusSection } from '../../reports/report/consensus-section.js';
import type { ReportSection } from '../../reports/index.js';

let store: string;
let section: ReportSection;
beforeAll(async () => {
  store = await sampleStore();
  section = await consensusSection(store, {});
}, 600_000);

describe('the report’s consensus-figures section on the sample store', () => {
  it('has the five centre-level figures and five per centre’s example cycle, each naming its rule and store', () => {
    expect(section.id).toBe('consensus-figures');
    expect(section.html.match(/<figure[ >]/g)?.length).toBe(5 + 5 * SAMPLE_CENTRES.length);
    for (const c of SAMPLE_CENTRES) expect(section.html).toContain(`${c}: patient-cycle`);
    expect(section.html.match(/<figcaption>[^<]*Chosen as the cycle whose doses given are closest/g)?.length).toBe(5 * SAMPLE_CENTRES.length);
    const captions = section.html.match(/<figcaption>[^<]*<\/figcaption>/g) ?? [];
    expect(captions.length).toBe(5 + 5 * SAMPLE_CENTRES.length);
    for (const c of captions) expect(c).toContain(`Store: ${store}.`);
  });

  it('says what a centre does not record, and no raw identifier or null reaches the page', () => {
    expect(section.html).toContain('Not recorded (not drawn, never zero)');
    expect(section.html).not.toMatch(/\bnull\b|NaN|undefined/);
    expect(section.html).not.toMatch(/RV\d{7}/); // riverside's MRNs
  });

  it('a store without the asked centres gives a section that says so', async () => {
    const empty = await consensusSection(store, { centres: ['nowhere'] });
    expect(empty.html).toContain('No cycles in the store for nowhere: nothing to draw.');
  });

  it('a folder without a store is a clear error', async () => {
    await expect(consensusSection(join(mkdtempSync(join(tmpdir(), 'il2kit-nostore-')), 'store'), {})).rejects.toThrow(/no store at .*run il2kit ingest first/);
  });
});
