// The five bundled centres, ingested with their mapping specs, against the simulator's truth
// (data-samples/_truth, never read by the pipeline): every dose slot's status, every cycle,
// every patient, and no identifier past the ingest boundary.
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ingestCentre, type IngestResult } from '../../pipelines/ingest.js';
import { queryStore } from '../helpers/store.js';
import { exportId, truthCsv } from '../helpers/truth.js';
import { SAMPLE_KEY, patientKey } from '../../pipelines/map/pseudonymise.js';

const ROOT = join(import.meta.dirname, '..', '..');
const CENTRES = ['riverside', 'lakeshore', 'summit', 'amstel', 'harbour'] as const;
const store = mkdtempSync(join(tmpdir(), 'il2kit-samples-'));
const results = new Map<string, IngestResult>();


const query = (sql: string) => queryStore(store, sql);

beforeAll(async () => {
  for (const c of CENTRES) results.set(c, await ingestCentre(join(ROOT, 'data-samples', c, 'mapping.yaml'), { storeDir: store, env: {} }));
}, 300_000);

describe.each(CENTRES)('sample centre %s', (centre) => {
  it('accounts for every row and fails no error-severity check', () => {
    const r = results.get(centre)!;
    for (const [t, n] of Object.entries(r.counts)) expect(n.read + n.derived, `${centre} ${t}`).toBe(n.stored + n.quarantined + n.merged);
    expect(r.checks.filter((k) => k.severity === 'error' && (k.status === 'failed' || k.status === 'error')).map((k) => k.id)).toEqual([]);
    expect(r.suspectedIdentifiers).toEqual([]);
    // Each source's rows are counted once, even when it feeds tables in both passes.
    for (const src of r.sources.filter((x) => /\.(csv|ndjson)$/.test(x.file))) {
      const lines = readFileSync(src.path, 'latin1').split('\n').filter((l) => l.trim() !== '').length;
      expect(src.rows, `${centre} ${src.file}`).toBe(src.file.endsWith('.csv') ? lines - 1 : lines);
    }
  });

  it('counts a row routed elsewhere once per table, never more often than the source has rows', () => {
    for (const src of results.get(centre)!.sources) for (const [t, n] of Object.entries(src.routed)) expect(n, `${centre} ${src.source} ${t}`).toBeLessThanOrEqual(src.rows);
  });

  it('reproduces the true status of every dose slot, the doses and end reason of every cycle', async () => {
    const id = exportId(join(ROOT, 'data-samples'), centre);
    const key = (local: string) => patientKey(SAMPLE_KEY, centre, id(local));
    const truth = new Map(truthCsv(join(ROOT, 'data-samples/_truth', centre, 'slots.csv')).map((s) => [`${key(s.patient_local_id!)}-c${s.course}.${s.cycle}#${s.slot}`, s.status]));
    const stored = await query(`SELECT cycle_id, slot_number, status FROM dose_slot WHERE centre_id = '${centre}'`);
    const wrong = stored.filter((s) => truth.get(`${String(s.cycle_id)}#${String(s.slot_number)}`) !== s.status);
    expect(stored.length).toBe(truth.size);
    expect(wrong.slice(0, 5)).toEqual([]);
    const cycles = truthCsv(join(ROOT, 'data-samples/_truth', centre, 'cycles.csv'));
    const given = await query(`SELECT cycle_id, count(*) FILTER (WHERE status = 'given')::INTEGER AS n FROM dose_slot WHERE centre_id = '${centre}' GROUP BY 1`);
    const givenBy = new Map(given.map((g) => [g.cycle_id, g.n]));
    for (const c of cycles) expect(givenBy.get(`${key(c.patient_local_id!)}-c${c.course}.${c.cycle}`), `${c.patient_local_id} ${c.course}.${c.cycle}`).toBe(Number(c.doses_given));
    const ends = new Map((await query(`SELECT cycle_id, end_reason FROM cycle WHERE centre_id = '${centre}'`)).map((c) => [c.cycle_id, c.end_reason]));
    expect(ends.size).toBe(cycles.length);
    const wrongEnd = cycles.filter((c) => ends.get(`${key(c.patient_local_id!)}-c${c.course}.${c.cycle}`) !== c.end_reason).map((c) => `${c.patient_local_id} ${c.course}.${c.cycle} ${c.end_reason}`);
    expect(wrongEnd).toEqual([]);
  });

  it('stores one row per true patient and no local id, name or birth date', async () => {
    const patients = truthCsv(join(ROOT, 'data-samples/_truth', centre, 'patients.csv'));
    const stored = await query(`SELECT patient_key, disease FROM patient WHERE centre_id = '${centre}'`);
    expect(stored.length).toBe(patients.length);
    const id = exportId(join(ROOT, 'data-samples'), centre);
    const disease = new Map(stored.map((p) => [p.patient_key, p.disease]));
    for (const p of patients) expect(disease.get(patientKey(SAMPLE_KEY, centre, id(p.patient_local_id!)))).toBe(p.disease);
    const locals = patients.map((p) => p.patient_local_id!);
    for (const t of ['patient', 'cycle', 'dose_slot', 'observation', 'infusion', 'clinical_event', 'response', 'response_assessment', 'follow_up', 'quarantine']) {
      const dump = JSON.stringify(await query(`SELECT * FROM ${t} WHERE centre_id = '${centre}'`));
      for (const l of locals.slice(0, 10)) expect(dump.includes(l), `${t} holds local id ${l}`).toBe(false);
    }
  });
});

describe('store files', () => {
  const TABLES = ['centre', 'clinical_event', 'cycle', 'dose_slot', 'follow_up', 'infusion', 'observation', 'patient', 'quarantine', 'response', 'response_assessment'];
  it('writes one Parquet file per table and centre, partitioned Hive-style', () => {
    expect(readdirSync(join(store, 'parquet')).sort()).toEqual(TABLES);
    for (const t of TABLES) {
      expect(readdirSync(join(store, 'parquet', t)).sort(), t).toEqual([...CENTRES].sort().map((c) => `centre_id=${c}`));
      for (const c of CENTRES) expect(readdirSync(join(store, 'parquet', t, `centre_id=${c}`)), `${t} ${c}`).toEqual(['data.parquet']);
    }
  });

  it('the Parquet files hold the same rows as the database, sorted by key', async () => {
    for (const t of TABLES) {
      const glob = join(store, 'parquet', t, '*', '*.parquet');
      const [pq] = await query(`SELECT count(*)::INTEGER AS n, bit_xor(hash(p::VARCHAR))::VARCHAR AS h FROM read_parquet('${glob}', hive_partitioning = true) p`);
      // observation's Parquet files hold every row, recorded absences too: the database's observation_all.
      const [db] = await query(`SELECT count(*)::INTEGER AS n, bit_xor(hash(p::VARCHAR))::VARCHAR AS h FROM ${t === 'observation' ? 'observation_all' : t} p`);
      expect(pq, t).toEqual(db);
    }
    const key = 'patient_key, variable, observed_at';
    const file = join(store, 'parquet', 'observation', 'centre_id=amstel', 'data.parquet');
    const [unsorted] = await query(`SELECT count(*)::INTEGER AS n FROM (SELECT (${key}) AS k, lag((${key})) OVER (ORDER BY file_row_number) AS prev FROM read_parquet('${file}', file_row_number = true)) WHERE prev > k`);
    expect(unsorted).toEqual({ n: 0 });
  });
});

describe('routed elsewhere, against a hand count', () => {
  it('lakeshore: each MAR row is a dose (aldesleukin) or an infusion (drip or bolus), and is routed away from the other table once', () => {
    const file = join(ROOT, 'data-samples', 'lakeshore', 'lakeshore_mar.csv');
    const rows = readFileSync(file, 'utf8').split('\n').slice(1).filter((l) => l.trim() !== '');
    // MED_NAME is the 4th quoted cell of each row.
    const med = rows.map((l) => /^"[^"]*","[^"]*","[^"]*","([^"]*)"/.exec(l)![1]!);
    const doses = med.filter((m) => /aldesleukin/i.test(m)).length;
    const infusions = med.filter((m) => /phenylephrine|dextrose|bolus/i.test(m)).length;
    const mar = results.get('lakeshore')!.sources.find((x) => x.source === 'mar')!;
    expect(mar.rows).toBe(rows.length);
    expect(mar.routed).toEqual({ dose_slot: rows.length - doses, infusion: rows.length - infusions });
    expect(doses + infusions).toBe(rows.length);
  });
  it('harbour: each MedicationAdministration feeds dose slots or infusions, counted once between them', () => {
    const med = results.get('harbour')!.sources.find((x) => x.source === 'medication')!;
    expect(med.routed.dose_slot! + med.routed.infusion!).toBe(med.rows);
    expect(results.get('harbour')!.counts.dose_slot!.read).toBe(med.rows - med.routed.dose_slot!);
  });
});
