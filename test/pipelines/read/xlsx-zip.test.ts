import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { indexZip, sheetNumbers, zipWithSheet } from '../../../pipelines/read/zip.js';

const wb = join(import.meta.dirname, '..', '..', '..', 'data-samples', 'summit', 'summit_hdil2_registry.xlsx');
const opts = { worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'ignore' } as ExcelJS.stream.xlsx.WorkbookStreamReaderOptions;

/** Every sheet's name and row values as exceljs's streaming reader gives them. */
async function readAll(input: string | Readable): Promise<{ name: string; rows: unknown[] }[]> {
  const out: { name: string; rows: unknown[] }[] = [];
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input as unknown as string, opts);
  for await (const ws of reader as unknown as AsyncIterable<AsyncIterable<ExcelJS.Row> & { name: string }>) {
    const rows: unknown[] = [];
    for await (const r of ws) rows.push([r.number, r.values]);
    out.push({ name: ws.name, rows });
  }
  return out;
}

describe('a workbook cut down to one sheet', () => {
  it('reads that sheet exactly as the whole workbook does, and nothing else', async () => {
    const bytes = readFileSync(wb);
    const index = indexZip(bytes);
    expect(index).not.toBeNull();
    const whole = await readAll(wb);
    const nos = sheetNumbers(index!);
    expect(nos.length).toBe(whole.length);
    for (const no of nos) {
      const one = await readAll(zipWithSheet(bytes, index!, no));
      expect(one.length).toBe(1);
      expect(one[0]).toEqual(whole.find((s) => s.name === one[0]!.name));
    }
    expect(await readAll(zipWithSheet(bytes, index!, null))).toEqual([]);
  });

  it('is not made from a workbook with a damaged entry (the whole file is read, as before)', () => {
    const bytes = Buffer.from(readFileSync(wb));
    // Damage the compressed data of the first entry (a sheet the reader may not even want).
    const at = 30 + bytes.readUInt16LE(26) + bytes.readUInt16LE(28) + 10;
    for (let i = 0; i < 16; i++) bytes[at + i] = 0xff - bytes[at + i]!;
    expect(indexZip(bytes)).toBeNull();
    expect(indexZip(bytes.subarray(0, bytes.length - 100))).toBeNull();
  });
});
