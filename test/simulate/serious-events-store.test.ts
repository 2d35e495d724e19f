// Rare serious events through the centres' exports (issue 22 item 3): simulate → each centre's export → its mapping spec
// → ingest → the kit's rule engine. Every simulated coma, dialysis, seizure and MI is stored as a clinical event; after an
// episode past the label's limit no dose follows in the centre's record, and the label rulesets decide "discontinue" at
// the slots after it; every held or stopped dose has a reason text in the export that its centre's spec maps to a reason
// code (s16: dialysis holds had none). Uses dist/ (run `npm run build` first).
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openStore } from '../../pipelines/store/commit.js';
import { evaluateRuleset, slotDecision } from '../../rules/engine.js';
import { computeSlotFeatures, readSlotFeatures, type SlotFeatureFrame } from '../../rules/features.js';
import { loadRulesets } from '../../rules/load.js';
import { simulate } from '../../simulate/index.js';
import { il2kit, ROOT } from '../helpers/cli.js';

const CENTRES = ['riverside', 'lakeshore', 'summit', 'amstel', 'harbour'] as const;
const dir = mkdtempSync(join(tmpdir(), 'il2kit-serious-'));
const H = 3600_000;
const SERIOUS = ['coma', 'dialysis', 'seizure', 'myocardial_infarction_or_ischaemia'] as const;
let conn: DuckDBConnection;
let close: () => void;
let frame: SlotFeatureFrame;

beforeAll(async () => {
  await simulate({ centres: CENTRES, patients: 150, seed: 'rare-e2e', out: join(dir, 'sim') });
  for (const c of CENTRES) cpSync(join(ROOT, 'data-samples', c, 'mapping.yaml'), join(dir, 'sim', c, 'mapping.yaml'));
  const specs = CENTRES.map((c) => join(dir, 'sim', c, 'mapping.yaml'));
  const r = il2kit(['ingest', ...specs, '--store', join(dir, 'store'), '--reports', join(dir, 'reports')], {
    env: { IL2KIT_PSEUDONYM_KEY: 'serious-events-test-key-0123456789' },
  });
  expect(r.code, r.stderr).toBe(0);
  ({ conn, close } = await openStore(join(dir, 'store', 'il2kit.duckdb')));
  await computeSlotFeatures(conn);
  frame = await readSlotFeatures(conn);
}, 900_000);
afterAll(() => {
  close?.();
  rmSync(dir, { recursive: true, force: true });
});

const rows = async (sql: string) => (await conn.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];

describe('rare serious events in the exports, the store and the rule engine', () => {
  it('every simulated coma, dialysis, seizure and myocardial infarction is stored as a clinical event of its centre, with its end', async () => {
    const stored = await rows(`SELECT centre_id, event_type, count(*)::INTEGER AS n, count(resolved_at)::INTEGER AS resolved FROM clinical_event
      WHERE event_type IN (${SERIOUS.map((t) => `'${t}'`).join(', ')}) GROUP BY ALL ORDER BY ALL`);
    const truth = CENTRES.flatMap((c) =>
      readFileSync(join(dir, 'sim', '_truth', c, 'events.csv'), 'utf8')
        .split('\n')
        .map((l) => l.split(','))
        .filter((f) => (SERIOUS as readonly string[]).includes(f[3] ?? ''))
        .map((f) => `${c}|${f[3]}|${f[5] === '' ? 0 : 1}`),
    );
    const expected = new Map<string, { n: number; resolved: number }>();
    for (const t of truth) {
      const [c, type, res] = t.split('|');
      const e = expected.get(`${c}|${type}`) ?? { n: 0, resolved: 0 };
      expected.set(`${c}|${type}`, { n: e.n + 1, resolved: e.resolved + Number(res) });
    }
    expect(truth.length).toBeGreaterThan(5);
    expect(Object.fromEntries(stored.map((r) => [`${r.centre_id}|${r.event_type}`, { n: r.n, resolved: r.resolved }]))).toEqual(Object.fromEntries(expected));
  });

  it("every held or stopped dose has a reason text in each centre's export, mapped by its spec; the event holds by their reason", async () => {
    const bad = await rows(`SELECT centre_id, cycle_id, slot_number, status, hold_reason_text, hold_reason_codes::VARCHAR AS codes FROM dose_slot
      WHERE status = 'held'
        AND (hold_reason_text IS NULL OR trim(hold_reason_text) = '' OR hold_reason_codes IS NULL OR len(hold_reason_codes) = 0)`);
    expect(bad).toEqual([]);
    const byCentre = await rows(`SELECT centre_id, count(*)::INTEGER AS n FROM dose_slot WHERE status = 'held' GROUP BY ALL ORDER BY ALL`);
    expect(byCentre.map((r) => r.centre_id)).toEqual([...CENTRES].sort());
    // the holds for a dialysis are there and read as its criterion
    const renal = await rows(`SELECT DISTINCT centre_id FROM dose_slot WHERE list_contains(hold_reason_codes, 'renal_replacement') ORDER BY ALL`);
    expect(renal.length).toBeGreaterThanOrEqual(2);
  });

  it('after an episode past the label limit no dose follows, and label_2024 discontinues at the slots after the limit', async () => {
    const label = loadRulesets(join(ROOT, 'rules', 'sources')).find((r) => r.id === 'label_2024')!;
    const ev = evaluateRuleset(label, frame, { history: 'recorded' });
    const index = new Map<string, number>();
    for (let i = 0; i < frame.n; i++) index.set(`${frame.cycle_id[i]}#${frame.slot_number[i]}`, i);
    const episodes = await rows(`SELECT patient_key, event_type, epoch_ms(onset_at) AS onset, epoch_ms(resolved_at) AS res FROM clinical_event
      WHERE (event_type = 'coma' AND (resolved_at IS NULL OR resolved_at - onset_at > INTERVAL 48 HOUR))
         OR (event_type = 'dialysis' AND (resolved_at IS NULL OR resolved_at - onset_at > INTERVAL 72 HOUR))`);
    expect(episodes.length).toBeGreaterThanOrEqual(2);
    let decided = 0;
    for (const e of episodes) {
      const limit = (e.event_type === 'coma' ? 48 : 72) * H;
      const after = await rows(`SELECT cycle_id, slot_number, status, epoch_ms(scheduled_at) AS t FROM dose_slot
        WHERE patient_key = '${String(e.patient_key)}' AND epoch_ms(scheduled_at) > ${Number(e.onset)} ORDER BY scheduled_at`);
      expect(after.filter((s) => s.status === 'given'), `${String(e.event_type)} of ${String(e.patient_key)}`).toEqual([]);
      for (const s of after.filter((x) => Number(x.t) > Number(e.onset) + limit && x.status !== 'not_reached')) {
        const d = slotDecision(ev, frame, index.get(`${String(s.cycle_id)}#${String(s.slot_number)}`)!);
        expect(d.decision, `${String(s.cycle_id)}#${String(s.slot_number)}`).toBe('discontinue');
        decided += 1;
      }
    }
    expect(decided).toBeGreaterThan(0);
  });

  // s17: the label permanently discontinues at "ECG changes consistent with ischaemia or MI"; the consensus stops
  it('after a myocardial infarction no dose follows; label_2024 discontinues and the consensus stops at the next slot; troponin stored', async () => {
    const rulesets = loadRulesets(join(ROOT, 'rules', 'sources'));
    const evals = Object.fromEntries(
      ['label_2024', 'consensus_2014_t3'].map((id) => [id, evaluateRuleset(rulesets.find((r) => r.id === id)!, frame, { history: 'recorded' })]),
    );
    const index = new Map<string, number>();
    for (let i = 0; i < frame.n; i++) index.set(`${frame.cycle_id[i]}#${frame.slot_number[i]}`, i);
    const mis = await rows(`SELECT patient_key, epoch_ms(onset_at) AS onset FROM clinical_event WHERE event_type = 'myocardial_infarction_or_ischaemia'`);
    expect(mis.length).toBeGreaterThanOrEqual(3);
    let decided = 0;
    for (const e of mis) {
      const who = String(e.patient_key);
      const after = await rows(`SELECT cycle_id, slot_number, status, hold_reason_codes::VARCHAR AS codes FROM dose_slot
        WHERE patient_key = '${who}' AND epoch_ms(scheduled_at) > ${Number(e.onset)} AND status <> 'not_reached' ORDER BY scheduled_at`);
      expect(after.filter((s) => s.status === 'given'), who).toEqual([]);
      const trop = await rows(`SELECT count(*)::INTEGER AS n FROM observation WHERE patient_key = '${who}' AND variable = 'troponin'
        AND epoch_ms(observed_at) >= ${Number(e.onset)}`);
      expect(trop[0]!.n, who).toBeGreaterThan(0);
      const first = after[0];
      if (first === undefined) continue; // the infarction came after the cycle's dosing had ended
      expect(String(first.codes), who).toContain('cardiac_ischaemia');
      const i = index.get(`${String(first.cycle_id)}#${String(first.slot_number)}`)!;
      expect(slotDecision(evals.label_2024!, frame, i).decision, who).toBe('discontinue');
      expect(slotDecision(evals.consensus_2014_t3!, frame, i).decision, who).toBe('stop_cycle');
      decided += 1;
    }
    expect(decided).toBeGreaterThan(0);
  });
});
