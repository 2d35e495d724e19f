import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OBSERVATION_VARIABLES, TABLE_NAMES, type TableCounts } from '../../../schemas/index.js';
import { tableColumns } from '../../../pipelines/store/layout.js';
import { RecordStager } from '../../../pipelines/ingest/stage.js';
import type { Candidate } from '../../../pipelines/map/records.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function stager(): { s: RecordStager; counts: Record<string, TableCounts>; work: string } {
  const work = mkdtempSync(join(tmpdir(), 'il2kit-stage-'));
  dirs.push(work);
  const counts = Object.fromEntries(TABLE_NAMES.map((t) => [t, { read: 0, derived: 0, merged: 0, stored: 0, quarantined: 0 }]));
  return { s: new RecordStager(work, { id: 'spec', version: '1.0.0', centre: { centre_id: 'c1' } }, counts), counts, work };
}

const CREATININE_UNIT = OBSERVATION_VARIABLES.creatinine.unit;
const where = { file: 'labs.csv', sha256: 'a'.repeat(64), row: 7, pointer: null };

describe('RecordStager', () => {
  it('writes one quarantine line per problem, own problems first, the record JSON the same on each, one record id per candidate', () => {
    const { s, counts } = stager();
    const c: Candidate = {
      table: 'observation',
      values: { centre_id: 'c1', variable: 'creatinine', value: 'high "x"' },
      extra: {},
      where,
      problems: [
        { field: 'value', raw: 'high "x"', check: 'number_format', message: 'not a number' },
        { field: 'observed_at', raw: new Date(Date.UTC(2024, 2, 1, 8)), check: 'date_format', message: 'bad, date' },
      ],
    };
    s.quarantine(c, [{ field: null, raw: 'y'.repeat(600), check: 'custom', message: 'too long' }]);
    s.quarantine({ ...c, problems: [{ field: 'unit', raw: null, check: 'unit_missing', message: 'no unit' }] });
    const staged = s.close();
    const lines = readFileSync(staged.quarantine as string, 'utf8').split('\n');
    const json = `"{""centre_id"":""c1"",""variable"":""creatinine"",""value"":""high \\""x\\""""}"`;
    expect(lines).toEqual([
      'centre_id,record_id,table_name,source_file,source_row,source_pointer,field,raw_value,check_name,message,record_json',
      `c1,1,observation,labs.csv,7,\\N,value,"high ""x""",number_format,not a number,${json}`,
      `c1,1,observation,labs.csv,7,\\N,observed_at,2024-03-01T08:00:00.000Z,date_format,"bad, date",${json}`,
      `c1,1,observation,labs.csv,7,\\N,\\N,${'y'.repeat(500)},custom,too long,${json}`,
      `c1,2,observation,labs.csv,7,\\N,unit,\\N,unit_missing,no unit,${json}`,
      '',
    ]);
    expect(counts.observation!.quarantined).toBe(2);
  });

  it('stages observations in parts around a columnar source, each part in its own file, in order', () => {
    const { s, work } = stager();
    const obs = (v: number): Candidate => ({
      table: 'observation',
      values: {
        centre_id: 'c1', patient_key: '0123456789abcdef', cycle_id: null, observed_at: '2024-03-01T08:00:00Z', observed_precision: 'minute',
        reading_number: null, variable: 'creatinine', value: v, value_absent_reason: null, unit: CREATININE_UNIT, period_hours: null, value_raw: String(v),
        unit_raw: CREATININE_UNIT,
      },
      extra: {},
      where,
      problems: [],
    });
    const before: unknown[] = [];
    const after: unknown[] = [];
    s.store(obs(1));
    s.store(obs(2), (r) => before.push(r.value));
    s.addObservationPart(join(work, 'columnar-a.parquet'));
    s.store(obs(3));
    s.addObservationPart(join(work, 'columnar-b.parquet'));
    s.addObservationPart(join(work, 'columnar-c.parquet'));
    s.store(obs(4), (r) => after.push(r.value));
    s.store(obs(5));
    const staged = s.close();
    expect(staged.observation).toEqual([
      join(work, 'observation-0.csv'),
      join(work, 'columnar-a.parquet'),
      join(work, 'observation-1.csv'),
      join(work, 'columnar-b.parquet'),
      join(work, 'columnar-c.parquet'),
      join(work, 'observation-3.csv'),
    ]);
    const VALUE_AT = tableColumns('observation').findIndex((c) => c.name === 'value');
    const values = (f: string) => readFileSync(f, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[VALUE_AT]);
    expect([values(join(work, 'observation-0.csv')), values(join(work, 'observation-1.csv')), values(join(work, 'observation-3.csv'))]).toEqual([
      ['1'],
      ['3'],
      ['5'],
    ]);
    expect([before, after]).toEqual([[2], [4]]);
  });
});
