// The investigator report counts measurements and recorded absences (observations with no value and the export's reason:
// FHIR dataAbsentReason, SDTM --STAT) apart: the kinds of observation a centre records are measured ones, and the data-quality
// section says how many stored rows are absences. The harbour sample stores the simulator's missing vitals and labs as absences.
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { sampleStore } from '../../../data-samples/sample-store.js';
import { loadStoreFacts, type ReportContext, type StoreFacts } from '../../../reports/report/index.js';
import { dataQualitySection } from '../../../reports/report/quality-section.js';
import { missingNotes } from '../../../reports/report/summary-section.js';
import { OBSERVATION_VARIABLES } from '../../../schemas/vocabularies.js';
import { queryStore } from '../../helpers/store.js';

const LABS = Object.entries(OBSERVATION_VARIABLES).filter(([, v]) => v.category === 'lab').map(([k]) => `'${k}'`).join(', ');

/** A copy of the store whose every lab of the centre is a recorded absence. */
async function labsAbsent(store: string): Promise<string> {
  const dir = join(mkdtempSync(join(tmpdir(), 'il2kit-report-absent-')), 'store');
  cpSync(store, dir, { recursive: true });
  const inst = await DuckDBInstance.create(join(dir, 'il2kit.duckdb'));
  const conn = await inst.connect();
  try {
    await conn.run(`UPDATE observation_rows SET value = NULL, value_absent_reason = 'not-performed' WHERE variable IN (${LABS})`);
  } finally {
    conn.closeSync();
    inst.closeSync();
  }
  return dir;
}

const context = (facts: StoreFacts): ReportContext =>
  ({
    facts, records: [{ centre_id: 'harbour', manifest: null, dq: null, dqHtml: null, notes: [] }], storeLabel: 'store', outDir: '.',
  }) as unknown as ReportContext;

describe('the report counts measurements and recorded absences apart', { timeout: 300_000 }, () => {
  let store: string;
  beforeAll(async () => {
    store = await sampleStore({ centres: ['harbour'] });
  }, 300_000);

  it('counts the kinds of observation from measured values, and the absences on their own', async () => {
    const facts = (await loadStoreFacts(store)).centres[0]!;
    const [n] = await queryStore(store, `SELECT (SELECT count(*)::INTEGER FROM observation) AS measured,
      (SELECT count(*)::INTEGER FROM observation_all WHERE value_absent_reason IS NOT NULL) AS absent`);
    expect(n!.absent).toBeGreaterThan(0);
    expect(facts.absences).toBe(n!.absent);
    const { infusion: _, ...kinds } = facts.kinds;
    expect(Object.values(kinds).reduce((a, b) => a + b, 0)).toBe(n!.measured);
  });

  it('says a kind recorded only as absent is missing, and shows the absences in the data-quality table', async () => {
    const altered = await labsAbsent(store);
    const facts = await loadStoreFacts(altered);
    expect(facts.centres[0]!.kinds.lab).toBe(0);
    expect(missingNotes(context(facts)).join(' ')).toMatch(/harbour has no laboratory[ ,]/);
    const [n] = await queryStore(altered, `SELECT count(*)::INTEGER AS n FROM observation_all WHERE value_absent_reason IS NOT NULL`);
    const html = dataQualitySection(context(facts)).html;
    expect(html).toContain('Of which recorded absences');
    expect(html).toContain(`<td class="num">${Number(n!.n).toLocaleString('en-US')}</td>`);
  });
});
