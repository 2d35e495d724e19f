// The loader against a real store: the SDTM fixture (RS every visit, DS/DD follow-up) ingested into a temporary store,
// then pulled and analysed; and the message for a store written before follow-up was kept.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyseOutcomes, loadOutcomeInputs } from '../../../analytics/outcomes/index.js';
import { readStore } from '../../../analytics/read-store.js';
import { createDuckDB } from '../../../pipelines/store/engine.js';
import { ingestCentre } from '../../../pipelines/ingest.js';
import { patientKey, SAMPLE_KEY } from '../../../pipelines/map/pseudonymise.js';
import { expectNoNaN } from '../stats/r-fixtures.js';

describe('loadOutcomeInputs', () => {
  it('pulls follow-up, assessments, responses and cycles from an ingested store, and the analyses run on them', async () => {
    const store = mkdtempSync(join(tmpdir(), 'il2kit-outcomes-'));
    const spec = join(import.meta.dirname, '..', '..', 'fixtures', 'ingest', 'sdtm', 'spec.yaml');
    await ingestCentre(spec, { storeDir: store, env: {} });
    const inputs = await readStore(store, (conn) => loadOutcomeInputs(conn));
    const k2 = patientKey(SAMPLE_KEY, 'sdtm-demo', 'IL2REG-07-0002');
    const f2 = inputs.followUp.find((f) => f.patient_key === k2)!;
    expect(f2.death_cause).toBe('disease');
    expect([f2.progression_at, f2.death_at].map((t) => new Date(t!).toISOString().slice(0, 10))).toEqual(['2023-11-13', '2024-03-15']);
    expect(inputs.assessments).toHaveLength(6);
    expect(inputs.responses.map((r) => r.best_overall_response).sort()).toEqual(['PD', 'PR']);
    expect(inputs.cycles.length).toBeGreaterThan(0);
    expect(inputs.cycles.every((c) => c.doses_given >= 0 && Array.isArray(c.last_hold_reasons))).toBe(true);
    const o = analyseOutcomes(inputs);
    expect(o.excluded).toEqual([]);
    const os = o.survival.find((r) => r.endpoint === 'os' && r.group === 'all')!;
    expect(os).toMatchObject({ n: 2, events: 1 });
    expectNoNaN(o);
  });

  it('refuses a store without the follow-up tables, saying what to do', async () => {
    const db = await createDuckDB(':memory:');
    try {
      await db.conn.run('CREATE TABLE patient (centre_id VARCHAR)');
      await expect(loadOutcomeInputs(db.conn)).rejects.toThrow(
        'the store has no follow_up or response_assessment table: it was written before follow-up was kept. ' +
          "Re-run 'il2kit ingest' with a mapping that maps follow-up, then run 'il2kit outcomes' again",
      );
    } finally {
      db.close();
    }
  });
});
