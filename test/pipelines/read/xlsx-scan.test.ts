// Our sheet scanner (read/xlsx-scan.ts) against exceljs, the maintained reader it stands in for: every
// workbook here is read both ways through streamSource and must give the same columns and rows (values,
// types, dates, row numbers, pointers). Plain sheets must be read by the scanner alone; sheets with XML
// outside the plain form must be handed to exceljs at the row the scanner stopped at.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterEach, describe, expect, it } from 'vitest';
import { SourceSpec } from '../../../schemas/mapping-spec.js';
import { streamSource, xlsxReader } from '../../../pipelines/read/source.js';
import { InputError } from '../../../pipelines/read/errors.js';
import { assembleZip, zipEntry } from '../../../pipelines/read/zip.js';

const samples = join(import.meta.dirname, '..', '..', '..', 'data-samples', 'summit');

function spec(file: string, sheet: string, headerRow = 1): SourceSpec {
  return SourceSpec.parse({ id: 's', file, format: 'xlsx', sheet, header_row: headerRow, patient_id: 'id', tables: [{ table: 'observation' }] });
}

async function read(dir: string, src: SourceSpec, own: boolean) {
  xlsxReader.own = own;
  const s = await streamSource(src, dir);
  const rows: unknown[] = [];
  for await (const piece of s.chunks) rows.push(...piece);
  return { columns: s.columns, rows };
}

/** Reads a sheet both ways; returns our reader's result and how many times it handed over to exceljs. */
async function both(dir: string, src: SourceSpec) {
  const before = xlsxReader.handovers;
  const own = await read(dir, src, true);
  const handovers = xlsxReader.handovers - before;
  const exceljs = await read(dir, src, false);
  expect(own).toEqual(exceljs);
  return { ...own, handovers };
}

/** A minimal .xlsx: one sheet per entry of `sheets` (XML of <sheetData> contents), optional shared strings. */
function workbook(sheets: Record<string, string>, opts: { sharedStrings?: string[]; date1904?: boolean } = {}): Buffer {
  const ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
  const rel = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';
  const names = Object.keys(sheets);
  const files: [string, string][] = [
    ['[Content_Types].xml', `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>${names.map((_, i) => `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`).join('')}</Types>`],
    ['_rels/.rels', `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`],
    ['xl/workbook.xml', `<?xml version="1.0" encoding="UTF-8"?><workbook ${ns} ${rel}>${opts.date1904 ? '<workbookPr date1904="1"/>' : ''}<sheets>${names.map((n, i) => `<sheet name="${n}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('')}</sheets></workbook>`],
    ['xl/_rels/workbook.xml.rels', `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${names.map((_, i) => `<Relationship Id="rId${i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`).join('')}<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`],
    // Styles: 0 general, 1 custom date, 2 built-in date (14), 3 custom time with a quoted literal, 4 text literal only.
    ['xl/styles.xml', `<?xml version="1.0" encoding="UTF-8"?><styleSheet ${ns}><numFmts count="3"><numFmt numFmtId="164" formatCode="dd-mmm-yyyy"/><numFmt numFmtId="165" formatCode="hh:mm &quot;h&quot;"/><numFmt numFmtId="166" formatCode="&quot;day&quot; 0"/></numFmts><fonts count="1"><font><sz val="11"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>`],
    ...names.map((n, i): [string, string] => [`xl/worksheets/sheet${i + 1}.xml`, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet ${ns} ${rel}><sheetData>${sheets[n]}</sheetData></worksheet>`]),
  ];
  if (opts.sharedStrings) files.push(['xl/sharedStrings.xml', `<?xml version="1.0" encoding="UTF-8"?><sst ${ns} count="${opts.sharedStrings.length}" uniqueCount="${opts.sharedStrings.length}">${opts.sharedStrings.join('')}</sst>`]);
  return zip(files);
}

function zip(files: [string, string][]): Buffer {
  return assembleZip(files.map(([name, text]) => zipEntry(name, Buffer.from(text, 'utf8'), true)));
}

function save(bytes: Buffer, name = 'w.xlsx'): string {
  const dir = mkdtempSync(join(tmpdir(), 'il2kit-scan-'));
  writeFileSync(join(dir, name), bytes);
  return dir;
}

const header = '<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c><c r="B1" t="inlineStr"><is><t>when</t></is></c><c r="C1" t="inlineStr"><is><t>value</t></is></c><c r="D1" t="inlineStr"><is><t>note</t></is></c></row>';

afterEach(() => {
  xlsxReader.own = true;
});

describe('our sheet scanner reads what exceljs reads', () => {
  it('every sheet of the sample registry, without handing over', async () => {
    const names = ['Patients', 'Cycles', 'Doses', 'Vitals', 'Labs', 'Fluids', 'Pressors', 'Events', 'Response'];
    for (const sheet of names) {
      const r = await both(samples, spec('summit_hdil2_registry.xlsx', sheet, 2));
      expect(r.handovers).toBe(0);
      expect(r.rows.length).toBeGreaterThan(0);
    }
  });

  it('a workbook exceljs wrote: shared strings, rich text, dates, booleans, formulas (a zero result too), errors, blanks', async () => {
    const book = new ExcelJS.Workbook();
    const a = book.addWorksheet('First');
    a.addRow(['id', 'when', 'note', 'flag', 'sum', 'err']);
    for (let i = 1; i <= 60; i++) {
      a.addRow([
        `P${i % 7}`,
        new Date(Date.UTC(2024, 2, 31, i % 24, 30)),
        i % 5 ? `plain & <${i}> "q"` : { richText: [{ text: 'ri' }, { font: { bold: true }, text: 'ch' }] },
        i % 2 === 0,
        { formula: `${i}-${i % 3 === 0 ? i : 1}`, result: i % 3 === 0 ? 0 : i - 1 },
        i % 11 === 0 ? { error: '#N/A' } : null,
      ]);
    }
    a.addRow([]);
    a.addRow(['P9', null, '', true]);
    const dir = mkdtempSync(join(tmpdir(), 'il2kit-scan-'));
    await book.xlsx.writeFile(join(dir, 'ss.xlsx'));
    const r = await both(dir, spec('ss.xlsx', 'First'));
    expect(r.handovers).toBe(0);
    expect(r.rows.length).toBe(61);
    const first = r.rows[0] as { values: Record<string, unknown> };
    expect(first.values.when).toEqual(new Date(Date.UTC(2024, 2, 31, 1, 30)));
    expect(first.values.note).toBe('plain & <1> "q"');
    // exceljs keeps a formula's result only when it is truthy; a zero result is read as blank.
    expect((r.rows[2] as { values: Record<string, unknown> }).values.sum).toBeNull();
    expect((r.rows[4] as { values: Record<string, unknown> }).values.note).toBe('rich');
  });

  it('styles, 1904 dates, entities, booleans, errors, odd rows and cells, as exceljs reads them', async () => {
    const rows = [
      header,
      // cell styles: custom date, built-in date, time with a quoted literal, a format that is only a literal (not a date)
      '<row r="2" spans="1:4" x14ac:dyDescent="0.25"><c r="A2" t="inlineStr"><is><t>P1</t></is></c><c r="B2" s="1"><v>45000.5</v></c><c r="C2" s="4"><v>12</v></c><c r="D2" s="3"><v>0.25</v></c></row>',
      '<row r="3"><c r="A3" t="str"><v>P2</v></c><c r="B3" s="2"><v>1</v></c><c r="C3" t="b"><v>0</v></c><c r="D3" t="e"><v>#DIV/0!</v></c></row>',
      // a row style with a date format: its cells without a style of their own are dates, styled ones follow their own
      '<row r="4" s="1" customFormat="1"><c r="A4" t="str"><v>P3</v></c><c r="B4"><v>44000</v></c><c r="C4" s="4"><v>44000</v></c><c r="D4" s="0"><v>7</v></c></row>',
      // entities: the XML five, character references, and exceljs decoding str text a second time
      '<row r="5"><c r="A5" t="str"><v>P&amp;4</v></c><c r="B5" t="inlineStr"><is><t xml:space="preserve"> caf&#233; &#x263A; </t></is></c><c r="C5" t="str"><v>&amp;lt;b&amp;gt;</v></c><c r="D5" t="str"><v>a &amp;amp; b</v></c></row>',
      // an empty row, a row of blank cells, a self-closing row, cells out of order and a repeated cell
      '<row r="6"></row><row r="7"><c r="A7"/><c r="B7" s="1"/></row><row r="8"/>',
      '<row r="9"><c r="D9"><v>4</v></c><c r="A9" t="str"><v>P5</v></c><c r="D9"><v>5</v></c><c r="C9" t="str"><v></v></c></row>',
      // numbers exceljs parses with parseFloat; beyond the header's columns; far columns
      '<row r="10"><c r="A10" t="str"><v>P6</v></c><c r="C10"><v>1E-3</v></c><c r="D10"><v>-0</v></c><c r="E10"><v>9</v></c><c r="AA10"><v>1</v></c></row>',
    ].join('');
    for (const date1904 of [false, true]) {
      const dir = save(workbook({ Data: rows }, { date1904 }));
      const r = await both(dir, spec('w.xlsx', 'Data'));
      expect(r.handovers).toBe(0);
      expect(r.columns).toEqual(['id', 'when', 'value', 'note']);
      const v = (i: number) => (r.rows[i] as { values: Record<string, unknown> }).values;
      expect(v(0).when).toBeInstanceOf(Date);
      expect(v(0).value).toBe(12);
      expect(v(3)).toEqual({ id: 'P&4', when: ' café ☺ ', value: '<b>', note: 'a & b' });
    }
  });

  it('shared strings, plain and rich', async () => {
    const sst = ['<si><t>id</t></si>', '<si><t>when</t></si>', '<si><r><t>ri</t></r><r><rPr><b/></rPr><t>ch</t></r></si>', '<si><t/></si>', '<si><t>x &amp; y</t></si>'];
    const rows = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row><row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="s"><v>4</v></c></row><row r="3"><c r="A3" t="s"><v>3</v></c><c r="B3" t="s"><v>9</v></c></row><row r="4"><c r="A4" t="s"><v>4</v></c></row>';
    const r = await both(save(workbook({ S: rows }, { sharedStrings: sst })), spec('w.xlsx', 'S'));
    expect(r.handovers).toBe(0);
    expect(r.rows.map((x) => (x as { values: unknown }).values)).toEqual([{ id: 'rich', when: 'x & y' }, { id: 'x & y' }]);
  });

  it('hands XML outside the plain form to exceljs at the row it stopped at, with the same result', async () => {
    const quirks = [
      // text after a cell's value: exceljs appends it to the value
      '<row r="3"><c r="A3" t="str"><v>P2</v> </c></row>',
      // rich text in an inline string: exceljs keeps the last run only
      '<row r="3"><c r="A3" t="inlineStr"><is><r><t>ri</t></r><r><t>ch</t></r></is></c></row>',
      // a self-closing value and a shared formula without text
      '<row r="3"><c r="A3" t="str"><v>P2</v></c><c r="C3"><v/></c><c r="D3"><f t="shared" si="0"/><v>3</v></c></row>',
      // a comment, CDATA, a carriage return
      '<row r="3"><c r="A3" t="str"><v>P2</v></c></row><!-- note --><row r="4"><c r="A4" t="str"><v><![CDATA[P3]]></v></c></row>',
      '<row r="3"><c r="A3" t="str"><v>line\r\nbreak</v></c></row>',
    ];
    for (const q of quirks) {
      const before = '<row r="2"><c r="A2" t="str"><v>P1</v></c><c r="C2"><v>1</v></c></row>';
      const after = '<row r="9"><c r="A9" t="str"><v>P9</v></c><c r="C9"><v>9</v></c></row>';
      const r = await both(save(workbook({ Q: header + before + q + after })), spec('w.xlsx', 'Q'));
      expect(r.handovers, q).toBe(1);
      expect((r.rows[0] as { values: unknown }).values).toEqual({ id: 'P1', value: 1 });
    }
  });

  it('a row without a number fails as it does in exceljs', async () => {
    const dir = save(workbook({ Q: header + '<row><c r="A3" t="str"><v>P2</v></c></row>' }));
    const errs: unknown[] = [];
    for (const own of [true, false]) errs.push(await read(dir, spec('w.xlsx', 'Q'), own).catch((e: unknown) => e));
    expect(errs[0]).toBeInstanceOf(InputError);
    expect((errs[0] as Error).message).toBe((errs[1] as Error).message);
  });

  it('a damaged sheet is an input error naming the file and sheet', async () => {
    const bytes = workbook({ D: header + '<row r="2"><c r="A2" t="str"><v>P1</v></c></row>'.repeat(2000) });
    // Damage the sheet's deflated data (the last entry's) in its middle.
    const local = bytes.indexOf(Buffer.from('xl/worksheets/sheet1.xml')) - 30;
    const comp = bytes.readUInt32LE(local + 18);
    const at = local + 30 + 24 + Math.floor(comp / 2);
    for (let i = 0; i < 8; i++) bytes[at + i] = 0xff - bytes[at + i]!;
    const dir = save(bytes);
    for (const own of [true, false]) {
      const err = await read(dir, spec('w.xlsx', 'D'), own).catch((e: unknown) => e);
      expect(err, String(own)).toBeInstanceOf(InputError);
      expect(String((err as Error).message)).toMatch(/w\.xlsx/);
      expect(String((err as Error).message)).toMatch(/sheet D|Excel workbook/);
    }
  });

  it('the header row is found after rows above it and a missing sheet is named', async () => {
    const dir = save(readFileSync(join(samples, 'summit_hdil2_registry.xlsx')), 'r.xlsx');
    const r = await both(dir, spec('r.xlsx', 'Doses', 2));
    expect(r.columns[0]).toBe('Study ID');
    const err = await read(dir, spec('r.xlsx', 'Nope', 2), true).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/sheet Nope.*does not exist/s);
  });
});
