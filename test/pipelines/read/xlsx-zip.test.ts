import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

  it('puts the sheet last, after shared strings (an empty part when the workbook has none), so exceljs streams it instead of parking it in a temporary file', async () => {
    const names = async (r: Readable) => {
      const chunks: Buffer[] = [];
      for await (const c of r) chunks.push(c as Buffer);
      return indexZip(Buffer.concat(chunks))!.entries.map((e) => e.name);
    };
    // The sample registry is written with inline strings: no shared strings part of its own.
    const bytes = readFileSync(wb);
    const index = indexZip(bytes)!;
    expect(index.entries.map((e) => e.name)).not.toContain('xl/sharedStrings.xml');
    const cut = await names(zipWithSheet(bytes, index, '4'));
    expect(cut.at(-1)).toBe('xl/worksheets/sheet4.xml');
    expect(cut.indexOf('xl/sharedStrings.xml')).toBeGreaterThan(cut.indexOf('xl/_rels/workbook.xml.rels'));

    // A workbook with shared strings (exceljs's writer), rich text, dates, booleans and a formula: read as whole.
    const book = new ExcelJS.Workbook();
    const a = book.addWorksheet('First');
    a.addRow(['id', 'when', 'note', 'flag', 'sum']);
    for (let i = 1; i <= 50; i++) a.addRow([`P${i % 7}`, new Date(Date.UTC(2024, 2, 31, i % 24, 30)), i % 5 ? 'plain' : { richText: [{ text: 'ri' }, { font: { bold: true }, text: 'ch' }] }, i % 2 === 0, { formula: `${i}+1`, result: i + 1 }]);
    book.addWorksheet('Second').addRows([['x', 'y'], ['P1', 1.5], ['P2', -0]]);
    const file = join(mkdtempSync(join(tmpdir(), 'il2kit-xlsx-')), 'ss.xlsx');
    await book.xlsx.writeFile(file);
    const ss = readFileSync(file);
    const ssIndex = indexZip(ss)!;
    expect(ssIndex.entries.map((e) => e.name)).toContain('xl/sharedStrings.xml');
    const whole = await readAll(file);
    for (const no of sheetNumbers(ssIndex)) {
      const one = await readAll(zipWithSheet(ss, ssIndex, no));
      expect(one[0]).toEqual(whole.find((s) => s.name === one[0]!.name));
      expect((await names(zipWithSheet(ss, ssIndex, no))).at(-1)).toBe(`xl/worksheets/sheet${no}.xml`);
    }
  });

  it('is not made from a workbook with a damaged entry (the whole file is read, as before)', () => {
    const bytes = Buffer.from(readFileSync(wb));
    // Damage the compressed data of the first entry (the theme, a part every sheet read needs). A damaged
    // worksheet is found when it is read (xlsx-scan.test.ts), not here.
    const at = 30 + bytes.readUInt16LE(26) + bytes.readUInt16LE(28) + 10;
    for (let i = 0; i < 16; i++) bytes[at + i] = 0xff - bytes[at + i]!;
    expect(indexZip(bytes)).toBeNull();
    expect(indexZip(bytes.subarray(0, bytes.length - 100))).toBeNull();
  });
});
