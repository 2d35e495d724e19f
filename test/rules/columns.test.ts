// rules/columns.ts reads DuckDB vectors' typed arrays and null masks directly; each reader must give what DuckDB's
// own row values say, across chunk boundaries and with nulls, on the raw path and on the getItem fallback it takes
// when a vector does not expose its internals.
import { DuckDBInstance, type DuckDBDataChunk } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchChunks, readDoubleArrayColumn, readNumberColumn, readSparseStringColumn } from '../../rules/columns.js';

const N = 5000; // three chunks of 2048
const SQL = `SELECT CASE WHEN i % 7 = 0 THEN NULL ELSE i * 0.5 END AS d,
  CASE WHEN i % 5 = 0 THEN NULL ELSE i::INTEGER END AS n,
  CASE WHEN i % 100 = 3 THEN 'v' || i END AS s,
  [CASE WHEN i % 3 = 0 THEN NULL ELSE i END, -i, CASE WHEN i % 11 = 0 THEN NULL ELSE i / 4 END]::DOUBLE[3] AS a
FROM range(${N}) t(i) ORDER BY i`;

let chunks: DuckDBDataChunk[];
let rows: unknown[][];
let close: () => void;

/** The same chunks, but vectors that only answer getItem (the fallback path). */
function opaque(cs: readonly DuckDBDataChunk[]): DuckDBDataChunk[] {
  return cs.map((c) => ({ rowCount: c.rowCount, getColumnVector: (j: number) => ({ getItem: (i: number) => c.getColumnVector(j).getItem(i) }) }) as unknown as DuckDBDataChunk);
}

beforeAll(async () => {
  const inst = await DuckDBInstance.create(':memory:');
  const conn = await inst.connect();
  close = () => {
    conn.closeSync();
    inst.closeSync();
  };
  const got = await fetchChunks(await conn.stream(SQL));
  expect(got.n).toBe(N);
  chunks = got.chunks;
  rows = (await conn.runAndReadAll(SQL)).getRowsJS();
});
afterAll(() => close());

describe.each([
  ['raw vectors', () => chunks],
  ['getItem fallback', () => opaque(chunks)],
])('%s', (_, source) => {
  it('DOUBLE and INTEGER columns, nulls as asked', () => {
    const d = new Float64Array(N);
    readNumberColumn(source(), 0, d);
    expect(Array.from(d, String)).toEqual(rows.map((r) => String(r[0] ?? NaN)));
    const n = new Int32Array(N);
    readNumberColumn(source(), 1, n, -1);
    expect(Array.from(n)).toEqual(rows.map((r) => (r[1] === null ? -1 : Number(r[1]))));
  });
  it('a mostly-null VARCHAR column', () => {
    expect(readSparseStringColumn(source(), 2)).toEqual(rows.map((r) => r[2]));
  });
  it('a DOUBLE[3] column into three columns', () => {
    const outs = [new Float64Array(N), new Float64Array(N), new Float64Array(N)];
    readDoubleArrayColumn(source(), 3, outs);
    for (let j = 0; j < 3; j++) expect(Array.from(outs[j]!, String), `element ${j}`).toEqual(rows.map((r) => String((r[3] as (number | null)[])[j] ?? NaN)));
  });
});
