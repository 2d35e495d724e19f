// Reading DuckDB results into typed arrays without a JS value per cell. @duckdb/node-api exposes each chunk's numeric
// vector as a typed array over DuckDB's memory (`items`) and its null mask (`validity.data`), but its getItem() tests
// the mask with BigInt arithmetic per cell, which dominated reading slot features. These helpers copy the typed array
// in one call and test the mask 32 bits at a time. They rely on the vectors' private field names (node-api 1.5); the
// fallback keeps them correct (only slower) if a later version renames them. test/rules/columns.test.ts checks both
// paths against DuckDB's own row values.
import type { DuckDBDataChunk, DuckDBResult, DuckDBVector } from '@duckdb/node-api';

interface RawNumericVector {
  items?: Float64Array | Int32Array;
  validity?: { data?: BigUint64Array | null; offset?: number };
  /** DOUBLE[k] array vectors: the values of all rows, row after row. */
  childData?: DuckDBVector;
}

/** Every chunk of a result (chunks stay valid while referenced). */
export async function fetchChunks(result: DuckDBResult): Promise<{ chunks: DuckDBDataChunk[]; n: number }> {
  const chunks: DuckDBDataChunk[] = [];
  let n = 0;
  for (let chunk = await result.fetchChunk(); chunk !== null && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
    chunks.push(chunk);
    n += chunk.rowCount;
  }
  return { chunks, n };
}

/** Null mask of a vector as 32-bit words (null when every row is valid), or undefined when it cannot be read raw. */
function validityWords(vec: DuckDBVector): Uint32Array | null | undefined {
  const v = (vec as unknown as RawNumericVector).validity;
  if (v === undefined || (v.offset ?? 0) !== 0) return undefined;
  if (v.data === null || v.data === undefined) return null;
  return new Uint32Array(v.data.buffer, v.data.byteOffset, v.data.length * 2);
}

/**
 * Copies a DOUBLE (into a Float64Array) or INTEGER (into an Int32Array) column of every chunk into `out`; nulls become
 * `nullAs` (default NaN, which an Int32Array stores as 0).
 * @example const { chunks, n } = await fetchChunks(await conn.stream('SELECT x FROM t')); const x = new Float64Array(n); readNumberColumn(chunks, 0, x);
 */
export function readNumberColumn(chunks: readonly DuckDBDataChunk[], column: number, out: Float64Array | Int32Array, nullAs = NaN): void {
  let base = 0;
  for (const chunk of chunks) {
    const m = chunk.rowCount;
    const vec = chunk.getColumnVector(column);
    const items = (vec as unknown as RawNumericVector).items;
    const words = validityWords(vec);
    if (items !== undefined && items.constructor === out.constructor && items.length === m && words !== undefined) {
      out.set(items, base);
      if (words !== null) for (let i = 0; i < m; i++) if ((words[i >>> 5]! & (1 << (i & 31))) === 0) out[base + i] = nullAs;
    } else {
      for (let i = 0; i < m; i++) {
        const x = vec.getItem(i) as number | null;
        out[base + i] = x === null ? nullAs : x;
      }
    }
    base += m;
  }
}

/**
 * Reads a DOUBLE[k] column (k = outs.length) into k columns (nulls become NaN). Many numeric columns packed into one
 * array column cross from DuckDB in one vector per chunk instead of k, which is most of the cost of a wide read.
 * @example readDoubleArrayColumn(chunks, 6, [x, y, z]) // SELECT [x, y, z]::DOUBLE[3] ...
 */
export function readDoubleArrayColumn(chunks: readonly DuckDBDataChunk[], column: number, outs: readonly Float64Array[]): void {
  const k = outs.length;
  let base = 0;
  for (const chunk of chunks) {
    const m = chunk.rowCount;
    const child = (chunk.getColumnVector(column) as unknown as RawNumericVector).childData;
    const items = (child as unknown as RawNumericVector | undefined)?.items;
    const words = child === undefined ? undefined : validityWords(child);
    if (child !== undefined && items instanceof Float64Array && items.length === m * k && words !== undefined) {
      // Row by row: the values are read in memory order (a column at a time would stride through them).
      if (words === null) {
        for (let r = 0, p = 0; r < m; r++) for (let j = 0; j < k; j++, p++) outs[j]![base + r] = items[p]!;
      } else {
        for (let r = 0, p = 0; r < m; r++) for (let j = 0; j < k; j++, p++) outs[j]![base + r] = (words[p >>> 5]! & (1 << (p & 31))) === 0 ? NaN : items[p]!;
      }
    } else {
      const vec = chunk.getColumnVector(column);
      for (let r = 0; r < m; r++) {
        const row = vec.getItem(r) as { items: readonly (number | null)[] } | null;
        for (let j = 0; j < k; j++) {
          const x = row?.items[j] ?? null;
          outs[j]![base + r] = x === null ? NaN : x;
        }
      }
    }
    base += m;
  }
}

/** Reads a VARCHAR column (nulls become null); for a mostly-null column: nulls are found in the mask, only the others are decoded. */
export function readSparseStringColumn(chunks: readonly DuckDBDataChunk[], column: number): (string | null)[] {
  const out: (string | null)[] = [];
  for (const chunk of chunks) {
    const m = chunk.rowCount;
    const vec = chunk.getColumnVector(column);
    const words = validityWords(vec);
    if (words === undefined || words === null) {
      for (let i = 0; i < m; i++) out.push(vec.getItem(i) as string | null);
      continue;
    }
    for (let i = 0; i < m; i++) out.push((words[i >>> 5]! & (1 << (i & 31))) === 0 ? null : (vec.getItem(i) as string | null));
  }
  return out;
}
