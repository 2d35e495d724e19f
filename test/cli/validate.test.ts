import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { il2kit } from '../helpers/cli.js';
import { valid } from '../helpers/records.js';

const examples = 'data-samples/examples';
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'il2kit-validate-'));
});

describe('il2kit --help', () => {
  it('lists the commands', () => {
    const r = il2kit(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('validate');
  });
});

describe('il2kit validate', () => {
  it('exits 0 on a good file', () => {
    const r = il2kit(['validate', 'dose_slot', `${examples}/dose_slot.good.csv`]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('6 rows, 6 valid, 0 invalid');
  });

  it('names every bad row with field, value and rule, and exits 1', () => {
    const r = il2kit(['validate', 'dose_slot', `${examples}/dose_slot.bad.csv`]);
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines).toContain('dose_slot.bad.csv:row 2 status="givn" — "givn" is not an allowed value (allowed: given, held, skipped, not_reached, not_recorded) [invalid_value]');
    expect(lines).toContainEqual(expect.stringMatching(/^dose_slot\.bad\.csv:row 3 slot_number=17 — .*maximum 15 \[too_big\]$/));
    expect(lines).toContainEqual(expect.stringMatching(/^dose_slot\.bad\.csv:row 4 scheduled_at="04\/03\/2024 08:00" — .*\[invalid_format\]$/));
    expect(lines).toContainEqual(expect.stringMatching(/^dose_slot\.bad\.csv:row 5 given_at=\(empty\) — a given dose needs given_at/));
    expect(lines).toContainEqual(expect.stringMatching(/^dose_slot\.bad\.csv:row 6 hold_reason_codes\.0="low_mood"/));
    expect(lines).toContainEqual(expect.stringMatching(/^dose_slot\.bad\.csv column mrn — mrn is a direct patient identifier.*\[identifier\]$/));
    expect(r.stdout).toContain('7 rows, 2 valid, 5 invalid against dose_slot, 1 file-level problem(s)');
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
  });

  it('reports problems as JSON with row indexes', () => {
    const r = il2kit(['validate', 'dose_slot', `${examples}/dose_slot.bad.csv`, '--json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { invalid: number; problems: { row: number | null; field: string; check: string }[] };
    expect(out.invalid).toBe(5);
    // Row 5 is a given dose without given_at; its empty dose_iu is allowed (a dose is never invented: issue 23).
    expect(out.problems.map((p) => p.row)).toEqual([null, 2, 3, 4, 5, 6]);
  });

  it('validates JSON, NDJSON and Parquet files too', async () => {
    const bad = { ...valid.observation, value: 1200, variable: 'heart_rate', unit: '/min' };
    writeFileSync(join(dir, 'obs.json'), JSON.stringify([valid.observation, bad]));
    writeFileSync(join(dir, 'obs.ndjson'), [valid.observation, bad].map((r) => JSON.stringify(r)).join('\n') + '\n');
    let r = il2kit(['validate', 'observation', join(dir, 'obs.json')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('obs.json:/1 value=1200 — heart_rate 1200 /min is outside the plausible range 20–250');
    r = il2kit(['validate', 'observation', join(dir, 'obs.ndjson')]);
    expect(r.stdout).toContain('obs.ndjson:row 2 value=1200');

    const inst = await DuckDBInstance.create(':memory:');
    const conn = await inst.connect();
    const pq = join(dir, 'resp.parquet');
    writeFileSync(join(dir, 'resp.json'), JSON.stringify([valid.response, { ...valid.response, best_overall_response: 'MR' }]));
    await conn.run(`COPY (SELECT * FROM read_json_auto('${join(dir, 'resp.json')}')) TO '${pq}' (FORMAT parquet)`);
    conn.closeSync();
    inst.closeSync();
    r = il2kit(['validate', 'response', pq]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('resp.parquet:row 2 best_overall_response="MR"');
    expect(r.stdout).toContain('2 rows, 1 valid, 1 invalid');
  });

  it('validates a store table folder (Parquet partitioned by centre) as one table', async () => {
    const table = join(dir, 'store', 'parquet', 'response');
    const inst = await DuckDBInstance.create(':memory:');
    const conn = await inst.connect();
    writeFileSync(join(dir, 'resp-a.json'), JSON.stringify([valid.response]));
    writeFileSync(join(dir, 'resp-b.json'), JSON.stringify([valid.response, { ...valid.response, best_overall_response: 'MR' }]));
    // Folder names are not read as values: the rows' own centre_id is checked.
    for (const [c, f] of [['alpha', 'a'], ['beta', 'b']] as const) {
      mkdirSync(join(table, `centre_id=${c}`), { recursive: true });
      await conn.run(`COPY (SELECT * FROM read_json_auto('${join(dir, `resp-${f}.json`)}')) TO '${join(table, `centre_id=${c}`, 'data.parquet')}' (FORMAT parquet)`);
    }
    conn.closeSync();
    inst.closeSync();
    const r = il2kit(['validate', 'response', table]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('response:centre_id=beta/data.parquet row 2 best_overall_response="MR"');
    expect(r.stdout).toContain('3 rows, 2 valid, 1 invalid');
    mkdirSync(join(dir, 'empty'));
    const e = il2kit(['validate', 'response', join(dir, 'empty')]);
    expect(e.code).toBe(2);
    expect(e.stderr).toContain('the folder holds no .parquet files');
  });

  it('gives a clear message, no stack trace, for user errors', () => {
    let r = il2kit(['validate', 'dose_slots', `${examples}/dose_slot.good.csv`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown table "dose_slots"; choose one of centre, patient');
    r = il2kit(['validate', 'dose_slot', join(dir, 'missing.csv')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('missing.csv: the file does not exist');
    writeFileSync(join(dir, 'empty.csv'), '');
    r = il2kit(['validate', 'dose_slot', join(dir, 'empty.csv')]);
    expect(r.stderr).toContain('empty.csv: the file is empty');
    writeFileSync(join(dir, 'latin1.csv'), Buffer.from([0x61, 0x0a, 0xe9, 0x0a]));
    r = il2kit(['validate', 'dose_slot', join(dir, 'latin1.csv')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('latin1.csv (line 2, byte 2): the file is not valid UTF-8');
    for (const e of [r.stderr]) expect(e).not.toContain('    at ');
  });

  it('flags a header-only file and a missing required column', () => {
    writeFileSync(join(dir, 'header.csv'), 'centre_id,patient_key\n');
    const r = il2kit(['validate', 'dose_slot', join(dir, 'header.csv')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('required column(s) missing from the header: cycle_id');
    expect(r.stderr).toContain('has a header but no data rows');
  });
});
