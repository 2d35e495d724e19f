// Both NDJSON paths agree on JSON that is not JSON: every must-reject case of the conformance list
// (test/fixtures/json-conformance/n-cases.json) that DuckDB's reader accepts must send the file to our
// reader (scanNdjson refuses it), read on its own line and inside a record, at every chunk boundary.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { createDuckDB } from '../../../pipelines/store/engine.js';
import { lenientCarry, lenientJson, scanNdjson } from '../../../pipelines/map/json-cells.js';

const FIXTURE = join(import.meta.dirname, '..', '..', 'fixtures', 'json-conformance', 'n-cases.json');
const cases = Object.entries((JSON.parse(readFileSync(FIXTURE, 'utf8')) as { cases: Record<string, string> }).cases);

let root: string;
let con: DuckDBConnection;
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'il2kit-jsonconf-'));
  con = await (await createDuckDB(':memory:')).connect();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Whether DuckDB's NDJSON reader, as json-cells.ts calls it, reads every line of the file as a record. */
async function duckdbReads(path: string, lines: number): Promise<boolean> {
  try {
    const r = await con.runAndReadAll(`SELECT count(*)::INTEGER FROM read_json('${path}', format = 'newline_delimited', records = true, columns = {a: 'JSON', v: 'JSON'})`);
    return r.getRows()[0]![0] === lines;
  } catch {
    return false;
  }
}

describe('the JSON conformance must-reject cases', () => {
  it('are all rejected by JSON.parse', () => {
    expect(cases.length).toBeGreaterThan(60);
    for (const [name, text] of cases) expect(() => JSON.parse(text), name).toThrow();
  });

  it.each(cases)('%s: DuckDB refuses it, or the scan sends the file to our reader', async (name, text) => {
    const shapes = [`{"a":2,"v":${text}}`, `{"a":2,"x":${text}}`, text.startsWith('{') ? text : `{"a":2,"v":${text}}`];
    for (const [k, line] of shapes.entries()) {
      const path = join(root, `${name.replace(/[^\w.-]/g, '_')}-${k}.ndjson`);
      const body = `{"a":1}\n${line}\n{"a":3}\n`;
      writeFileSync(path, body);
      const accepted = await duckdbReads(path, 3);
      const refused = scanNdjson(path, 1_000_000).refused;
      if (accepted) expect(refused, `${name} as ${line}`).not.toBeNull();
      // Cut anywhere, the pieces say the same.
      if (accepted) for (const size of [1, 2, 3, 7]) expect(scanNdjson(path, 1_000_000, size).refused, `${name} in pieces of ${size}`).not.toBeNull();
    }
  });

  it('finds, among them, the ones the issue met: NaN, Infinity and a trailing comma', async () => {
    const accepted: string[] = [];
    for (const [name, text] of cases) {
      const path = join(root, `probe-${accepted.length}-${name.replace(/[^\w.-]/g, '_')}.ndjson`);
      writeFileSync(path, `{"a":1}\n{"a":2,"v":${text}}\n`);
      if (await duckdbReads(path, 2)) accepted.push(name);
    }
    expect(accepted).toEqual(expect.arrayContaining(['n_number_NaN', 'n_number_infinity', 'n_object_trailing_comma', 'n_array_extra_comma']));
  });
});

describe('lenientJson', () => {
  it.each([
    ['{"v":NaN}', true],
    ['{"v" : -inf }', true],
    ['{"v":[1 ,\t]}', true],
    ['{"v":null,"w":[1,2]}', false],
    ['{"v":"x, nancy"}', false],
    ['{"v":"Hold: infiltrated line"}', false],
    ['{"code":"[IU]/L"}', false],
  ])('%s → %s', (line, want) => {
    expect(lenientJson('', Buffer.from(line))).toBe(want);
  });

  it('finds a match cut by a piece boundary, across a whitespace run of any length', () => {
    const text = Buffer.from(`{"a":1}\n{"b":[1,2,${' '.repeat(300)}]}\n`);
    for (const size of [1, 2, 5, 64, 65, 100]) {
      let carry = '';
      let hit = false;
      for (let i = 0; i < text.length; i += size) {
        const piece = text.subarray(i, i + size);
        hit ||= lenientJson(carry, piece);
        carry = lenientCarry(carry, piece);
      }
      expect(hit, `pieces of ${size}`).toBe(true);
    }
  });
});
