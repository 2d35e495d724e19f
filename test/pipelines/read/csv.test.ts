import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseCsv, sniffDelimiter } from '../../../pipelines/read/index.js';

describe('parseCsv', () => {
  it('reads quoted fields with delimiters, quotes and newlines, CRLF and a BOM', () => {
    const t = parseCsv('\ufeffa,b,c\r\n1,"x, ""y""",3\r\n4,"line1\nline2",6\r\n', 'f.csv');
    expect(t.header).toEqual(['a', 'b', 'c']);
    expect(t.records).toEqual([
      { row: 1, line: 2, cells: ['1', 'x, "y"', '3'] },
      { row: 2, line: 3, cells: ['4', 'line1\nline2', '6'] },
    ]);
  });
  it('handles semicolons, a missing final newline and blank lines', () => {
    const t = parseCsv('a;b\n1,5;2\n\n3;4', 'f.csv', { delimiter: ';' });
    expect(t.records.map((r) => r.cells)).toEqual([['1,5', '2'], ['3', '4']]);
  });
  it('keeps short and long rows as they are for the validator to flag', () => {
    const t = parseCsv('a,b,c\n1,2\n1,2,3,4\n', 'f.csv');
    expect(t.records.map((r) => r.cells.length)).toEqual([2, 4]);
  });
  it('names the line of an unterminated quote (truncated file)', () => {
    expect(() => parseCsv('a,b\n1,2\n3,"never closed\n', 'cut.csv')).toThrow(/cut\.csv \(line 3\): a quoted field is never closed/);
  });
  it('refuses an oversized field instead of swallowing the file', () => {
    expect(() => parseCsv(`a\n"${'x'.repeat(50)}"\n`, 'big.csv', { maxFieldChars: 20 })).toThrow(/big\.csv \(line 2\): a field is longer than 20/);
  });
  it('rejects an empty file', () => {
    expect(() => parseCsv('', 'e.csv')).toThrow(/e\.csv: the file is empty/);
  });
  it('sniffs the delimiter from the header', () => {
    expect(sniffDelimiter('a;b;c\n1,2;3;4')).toBe(';');
    expect(sniffDelimiter('a\tb\n')).toBe('\t');
  });
  it('round-trips any table written with RFC 4180 quoting (property)', () => {
    const cellArb = fc.string({ unit: fc.constantFrom('a', 'b', ',', '"', '\n', ' ', 'é', ';') , maxLength: 6 });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }).chain((w) => fc.array(fc.array(cellArb, { minLength: w, maxLength: w }), { minLength: 1, maxLength: 6 })), (rows) => {
        const header = rows[0]!.map((_, i) => `c${i}`);
        const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
        const text = [header, ...rows].map((r) => r.map(q).join(',')).join('\n') + '\n';
        const t = parseCsv(text, 'p.csv');
        // rows whose cells are all empty in a 1-column table are blank lines and dropped only if unquoted; ours are quoted
        expect(t.records.map((r) => r.cells)).toEqual(rows);
      }),
      { seed: 42, numRuns: 200 },
    );
  });
});
