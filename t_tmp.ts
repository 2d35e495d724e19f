import { DuckDBInstance } from '@duckdb/node-api';
import { createTableSql } from './pipelines/store/layout.js';
import { computeSlotFeatures, readSlotFeatures } from './rules/features.js';
const P = Number(process.argv[2] ?? 2000);
const db = await DuckDBInstance.create(':memory:');
const c = await db.connect();
await c.run("SET TimeZone='UTC'");
for (const t of ['cycle', 'dose_slot', 'observation', 'infusion', 'clinical_event'] as const) await c.run(createTableSql(t));
const prov = `'x', '${'a'.repeat(64)}', 1, NULL, 's', '1'`;
await c.run(`INSERT INTO cycle SELECT 'c', lpad(p::VARCHAR, 16, '0'), lpad(p::VARCHAR, 16, '0') || '-c1.' || cy, 1, cy, TIMESTAMPTZ '2024-01-01 08:00:00+00' + INTERVAL (p * 100 + cy * 20) DAY, 600000, 80, 'actual_admission', 14, 'max_reached', ${prov} FROM range(${P}) t(p), range(1, 5) u(cy)`);
await c.run(`INSERT INTO dose_slot SELECT 'c', patient_key, cycle_id, s, start_at + INTERVAL (8 * (s - 1)) HOUR, CASE WHEN random() < 0.3 THEN 'held' ELSE 'given' END, NULL, NULL, [], NULL, ${prov} FROM cycle, range(1, 16) v(s)`);
await c.run(`UPDATE dose_slot SET given_at = scheduled_at, dose_iu = 1 WHERE status = 'given'`);
await c.run(`INSERT INTO observation SELECT 'c', patient_key, cycle_id, start_at - INTERVAL 12 HOUR + INTERVAL (2 * h) HOUR, v, 100 + random() * 20, 'u', CASE WHEN v = 'urine_output' THEN 2 END, NULL, NULL, ${prov}
  FROM cycle, range(0, 66) w(h), (VALUES ('heart_rate'), ('sbp'), ('spo2'), ('urine_output'), ('o2_flow')) x(v)`);
await c.run(`INSERT INTO observation SELECT 'c', patient_key, cycle_id, start_at - INTERVAL 2 HOUR + INTERVAL (24 * d) HOUR, v, 1 + random(), 'u', NULL, NULL, NULL, ${prov}
  FROM cycle, range(0, 6) w(d), (VALUES ('creatinine'), ('platelets'), ('bicarbonate'), ('bilirubin'), ('weight')) x(v)`);
await c.run(`INSERT INTO infusion SELECT 'c', patient_key, cycle_id, 'phenylephrine', start_at + INTERVAL (h) HOUR, start_at + INTERVAL (h + 3) HOUR, random(), 'ug/kg/min', NULL, NULL, NULL, ${prov} FROM cycle, range(24, 120, 6) w(h)`);
await c.run(`INSERT INTO clinical_event SELECT 'c', patient_key, cycle_id, 'atrial_fibrillation', start_at + INTERVAL 50 HOUR, start_at + INTERVAL 53 HOUR, NULL, NULL, ${prov} FROM cycle WHERE random() < 0.1`);
const nObs = (await c.runAndReadAll('SELECT count(*)::INTEGER n FROM observation')).getRowObjectsJS()[0]!.n;
let t0 = performance.now();
await c.run('SELECT patient_key, variable, max(value) FROM observation GROUP BY ALL');
const scan = performance.now() - t0;
t0 = performance.now();
const { slotFeaturesSql } = await import("./rules/features.js"); for (const s of slotFeaturesSql()) { const a = performance.now(); await c.run(s); console.log((performance.now() - a).toFixed(0), s.slice(0, 50).replace(/\n/g, " ")); }
const n = await computeSlotFeatures(c);
const feat = performance.now() - t0;
t0 = performance.now();
const f = await readSlotFeatures(c);
const read = performance.now() - t0;
console.log({ patients: P, slots: n, observations: nObs, scanMs: scan.toFixed(0), featuresMs: feat.toFixed(0), readMs: read.toFixed(0), rssMB: (process.memoryUsage().rss / 1e6).toFixed(0), rows: f.n });
