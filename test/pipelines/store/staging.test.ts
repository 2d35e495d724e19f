// The staging writer's compiled line writer must write exactly the CSV the plain cell rules give.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TABLE_NAMES } from '../../../schemas/index.js';
import { DuckDBInstance } from '@duckdb/node-api';
import { NULL_MARK, StagingWriter, readStagingSql } from '../../../pipelines/store/staging.js';
import { QUARANTINE_COLUMNS, tableColumns, type ColumnDef } from '../../../pipelines/store/layout.js';

/** The reference rules, written plainly. */
function refCell(v: unknown, col: ColumnDef): string {
  const quote = (s: string) => (s === NULL_MARK ? '"\\N"' : /[",\n\r]/.test(s) || s === '' ? `"${s.replace(/"/g, '""')}"` : s);
  if (v === null || v === undefined) return NULL_MARK;
  if (col.type === 'VARCHAR[]') return quote((v as unknown[]).map(String).join('|'));
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return quote(String(v));
}

const dir = mkdtempSync(join(tmpdir(), 'il2kit-staging-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const text = fc.oneof(fc.constantFrom('', ' ', '\\N', 'a,b', 'say "hi"', 'line\nbreak', 'cr\r', 'é', '2024-03-01T08:00:00Z', 'lakeshore'), fc.string({ maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 4 }));
const value = fc.oneof(text, fc.double(), fc.integer(), fc.boolean(), fc.constantFrom(null, undefined), fc.array(text, { maxLength: 3 }));

describe('staging writer', () => {
  for (const table of [...TABLE_NAMES, 'quarantine'] as const) {
    it(`writes ${table} records cell for cell as the plain rules do`, () => {
      const cols = table === 'quarantine' ? QUARANTINE_COLUMNS : tableColumns(table);
      fc.assert(
        fc.property(fc.array(fc.array(value, { minLength: cols.length, maxLength: cols.length }), { minLength: 1, maxLength: 30 }), (rows) => {
          const path = join(dir, `${table}.csv`);
          const w = new StagingWriter(table, path);
          const recs = rows.map((r) => Object.fromEntries(cols.map((c, i) => [c.name, c.type === 'VARCHAR[]' && r[i] !== null && r[i] !== undefined && !Array.isArray(r[i]) ? [r[i]] : r[i]])));
          for (const r of recs) w.write(r);
          w.close();
          const want = [cols.map((c) => c.name).join(','), ...recs.map((r) => cols.map((c) => refCell(r[c.name], c)).join(','))].join('\n') + '\n';
          expect(readFileSync(path, 'utf8')).toBe(Buffer.from(want, 'utf8').toString('utf8'));
        }),
        { numRuns: 150, seed: 7 },
      );
    });
  }

  it('flushes records larger than its buffer whole', () => {
    const path = join(dir, 'big.csv');
    const w = new StagingWriter('quarantine', path);
    const big = 'x'.repeat(3 << 20);
    w.write({ centre_id: 'c', record_id: 1, table_name: 'patient', source_file: 'f', message: big, check_name: 'k' });
    w.write({ centre_id: 'c', record_id: 2, table_name: 'patient', source_file: 'f', message: 'small', check_name: 'k' });
    w.close();
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines[1]).toBe(`c,1,patient,f,\\N,\\N,\\N,\\N,k,${big},\\N`);
    expect(lines[2]).toBe('c,2,patient,f,\\N,\\N,\\N,\\N,k,small,\\N');
  });

  it('reads back the text \\N, the empty text and null as they were written', async () => {
    const path = join(dir, 'texts.csv');
    const w = new StagingWriter('quarantine', path);
    const texts = ['\\N', '', null, '"\\N"', 'a,b'];
    texts.forEach((t, i) => w.write({ centre_id: 'c', record_id: i, table_name: 'observation', source_file: 'f', raw_value: t, check_name: 'k', message: 'm' }));
    w.close();
    const inst = await DuckDBInstance.create(':memory:');
    const conn = await inst.connect();
    try {
      const rows = (await conn.runAndReadAll(`SELECT raw_value FROM (${readStagingSql('quarantine', path)}) ORDER BY record_id`)).getRows();
      expect(rows.map((r) => r[0])).toEqual(texts);
    } finally {
      conn.closeSync();
      inst.closeSync();
    }
  });
});
