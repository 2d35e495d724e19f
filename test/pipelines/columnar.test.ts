// The columnar path (pipelines/map/columnar.ts) must store exactly what the row path stores: every
// table and the quarantine byte for byte, the counts, the per-source counts and the unmapped codes.
// Checked on the five bundled centres and on generated CSV exports full of quirks (quoting, blank
// lines, CRLF, BOM, latin1 bytes, bad dates and DST gaps, unknown codes and units, short and long
// rows, duplicates), where DuckDB reads some files itself and refuses others.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parquetHashes } from '../helpers/store.js';
import { ingestCentre, type IngestResult } from '../../pipelines/ingest.js';
import { columnarStats, openColumnarDb } from '../../pipelines/map/columnar.js';

const SAMPLES = join(import.meta.dirname, '..', '..', 'data-samples');
const MINI = join(import.meta.dirname, '..', 'fixtures', 'ingest', 'mini');

// A run that fails an error-severity check is kept aside, not published: both paths must agree on that too.
const summary = (r: IngestResult, store: string) => ({
  counts: r.counts, sources: r.sources, unmapped: r.unmapped, checks: r.checks.map((c) => [c.id, c.status]),
  published: r.rejected === null, files: r.rejected === null ? parquetHashes(store) : {},
});

async function bothPaths(spec: string, root: string) {
  const row = await ingestCentre(spec, { storeDir: join(root, 'row'), env: {}, columnar: false });
  const col = await ingestCentre(spec, { storeDir: join(root, 'col'), env: {}, columnar: true });
  return { row: summary(row, join(root, 'row')), col: summary(col, join(root, 'col')) };
}

describe('columnar mapping', () => {
  it.each(['riverside', 'lakeshore', 'summit', 'amstel', 'harbour'])('stores what the row path stores for %s', async (centre) => {
    const root = mkdtempSync(join(tmpdir(), 'il2kit-columnar-'));
    try {
      const { row, col } = await bothPaths(join(SAMPLES, centre, 'mapping.yaml'), root);
      expect(col).toEqual(row);
      expect(Object.keys(col.files).length).toBeGreaterThan(5);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 60_000);

  it('stores what the row path stores when a patient’s cycle windows overlap (an observation goes to the first cycle whose window holds it)', async () => {
    const root = mkdtempSync(join(tmpdir(), 'il2kit-columnar-ov-'));
    try {
      const dir = join(root, 'centre');
      cpSync(MINI, dir, { recursive: true });
      // A second cycle for A001 three days after the first (a gap over 48 h): it starts inside the first
      // cycle's window (start − 24 h to start + 15 × 8 + 72 h), so observations of 30 March fall in both.
      const append = (file: string, lines: string) => writeFileSync(join(dir, file), readFileSync(join(dir, file), 'utf8').replace(/\n?$/, '\n') + lines);
      append('doses.csv', 'A001;29-03-2024 08:00;29-03-2024 08:05;gegeven;;82,4\nA001;29-03-2024 16:00;29-03-2024 16:04;gegeven;;82,4\n');
      append('vitals.csv', 'A001;30-03-2024 12:00;110/70;95;37,2\n');
      append('labs.csv', 'A001;30-03-2024 06:00;Kreatinine;120;µmol/L\n');
      const before = columnarStats.overlappingWindows;
      const { row, col } = await bothPaths(join(dir, 'spec.yaml'), root);
      expect(columnarStats.overlappingWindows).toBeGreaterThan(before);
      expect(col).toEqual(row);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 60_000);

  it('stores what the row path stores for quirky CSV exports', async () => {
    const before = { ...columnarStats };
    let refusedFiles = 0;
    await fc.assert(
      fc.asyncProperty(exportArb, async (x) => {
        const root = mkdtempSync(join(tmpdir(), 'il2kit-columnar-q-'));
        try {
          const dir = join(root, 'centre');
          cpSync(MINI, dir, { recursive: true });
          writeFileSync(join(dir, 'spec.yaml'), quirkySpec(x.dialect));
          writeFileSync(join(dir, 'obs.csv'), x.bytes);
          let row: unknown;
          let col: unknown;
          try {
            ({ row, col } = await bothPaths(join(dir, 'spec.yaml'), root));
          } catch {
            // A file the row path refuses (e.g. an unterminated quote) must be refused the same way.
            const a = await ingestCentre(join(dir, 'spec.yaml'), { storeDir: join(root, 'a'), env: {}, columnar: false }).then(() => 'ok', (err: Error) => err.message);
            const b = await ingestCentre(join(dir, 'spec.yaml'), { storeDir: join(root, 'b'), env: {}, columnar: true }).then(() => 'ok', (err: Error) => err.message);
            expect(b).toBe(a);
            expect(a).not.toBe('ok');
            refusedFiles++;
            return;
          }
          expect(col).toEqual(row);
        } finally {
          rmSync(root, { recursive: true, force: true });
        }
      }),
      { seed: 42, numRuns: 25 },
    );
    // The runs went every way in: DuckDB reading the file, DuckDB refusing it, rows plain and rows for the row path.
    expect(columnarStats.directCsv).toBeGreaterThan(before.directCsv);
    expect(columnarStats.refusedCsv).toBeGreaterThan(before.refusedCsv);
    expect(columnarStats.plainRows).toBeGreaterThan(before.plainRows);
    expect(columnarStats.rowPathRows).toBeGreaterThan(before.rowPathRows);
    expect(refusedFiles).toBeGreaterThan(0);
  }, 300_000);
});

interface Dialect {
  delimiter: ',' | ';';
  decimal: '.' | ',';
  latin1: boolean;
  crlf: boolean;
  bom: boolean;
}

function quirkySpec(d: Dialect): string {
  const base = readFileSync(join(MINI, 'spec.yaml'), 'utf8');
  return `${base}
  - id: obs
    file: obs.csv
    format: csv
    delimiter: '${d.delimiter}'
    decimal: '${d.decimal}'
    encoding: ${d.latin1 ? 'latin1' : 'utf-8'}
    patient_id: MRN
    identifiers: [MRN]
    date_format: yyyy-MM-dd HH:mm
    skip: { field: { from: NAME, codes: { ci: { skipme: s }, unmapped: 'null' } }, in: [s], reason: 'rows marked to skip' }
    tables:
      - table: observation
        when: { field: { from: NAME, codes: { ci: { BP: bp }, unmapped: 'null' } }, in: [bp] }
        fields:
          observed_at: TIME
          variable: { value: sbp }
          value: { from: VALUE, split: { sep: '/', index: 0 }, unit: mmHg }
      - table: observation
        when: { field: { from: NAME, codes: { ci: { BP: bp }, unmapped: 'keep' } }, in: [CREAT, TEMP, GLUC, creat, temp, gluc] }
        fields:
          observed_at: TIME
          variable: { from: NAME, codes: { ci: { CREAT: creatinine, TEMP: temperature } } }
          value: { from: VALUE, unit_from: UNIT }
      - table: observation
        fields:
          observed_at: TIME
        melt:
          - { variable: heart_rate, value: { from: HR, unit: /min } }
          - { variable: spo2, value: { from: SPO2, unit: '%' } }
`;
}

const pickOne = <T,>(xs: readonly T[]) => fc.constantFrom(...xs);
const cellArb = (values: readonly string[]) => fc.oneof({ weight: 6, arbitrary: pickOne(values) }, { weight: 1, arbitrary: pickOne(['', ' ', 'x"y', 'a,b', 'a;b', 'line\nbreak', ' padded ', '\\N', '"quoted"']) });
const rowArb = fc.record({
  mrn: cellArb(['A001', 'A002', 'a001 ', 'B9']),
  time: cellArb(['2024-03-25 08:00', '2024-03-25 16:00', '2024-03-26 06:00', '2024-03-31 02:30', '2024-02-31 10:00', '25-03-2024 08:00', '2024-03-27 08:00']),
  name: cellArb(['BP', 'bp', 'CREAT', 'creat', 'TEMP', 'GLUC', 'skipme', 'OTHER']),
  value: cellArb(['112/68', '88', '1,5', '1.5', '<0.5', '38,9', 'abc', '-4', '99999', '120/']),
  unit: cellArb(['µmol/L', 'mg/dL', '°C', 'Cel', 'furlong', '']),
  hr: cellArb(['88', '', '300', 'n/a']),
  spo2: cellArb(['97', '', '101']),
  shape: fc.constantFrom('ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'extra', 'short'),
});
const exportArb = fc
  .record({
    dialect: fc.record({ delimiter: pickOne([',', ';'] as const), decimal: pickOne(['.', ','] as const), latin1: fc.boolean(), crlf: fc.boolean(), bom: fc.boolean() }),
    rows: fc.array(rowArb, { minLength: 1, maxLength: 40 }),
    blankLines: fc.array(fc.nat(40), { maxLength: 2 }),
    cp1252Byte: fc.boolean(),
    badQuote: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
  })
  .map(({ dialect, rows, blankLines, cp1252Byte, badQuote }) => {
    const d = dialect.delimiter;
    const q = (s: string) => (s.includes(d) || s.includes('"') || s.includes('\n') ? `"${s.replace(/"/g, '""')}"` : s);
    const nl = dialect.crlf ? '\r\n' : '\n';
    const lines = [['MRN', 'TIME', 'NAME', 'VALUE', 'UNIT', 'HR', 'SPO2', 'NOTE'].join(d)];
    rows.forEach((r, i) => {
      const cells = [r.mrn, r.time, r.name, r.value, r.unit, r.hr, r.spo2, i % 7 === 0 ? 'note ü' : ''].map(q);
      if (r.shape === 'extra') cells.push('surplus');
      if (r.shape === 'short') cells.splice(6);
      lines.push(cells.join(d));
      if (blankLines.includes(i)) lines.push('');
    });
    if (badQuote) lines.push(['A001', '"2024-03-25 08:00', 'BP', '120/80'].join(d));
    let text = lines.join(nl) + nl;
    if (dialect.bom && !dialect.latin1) text = '\ufeff' + text;
    let bytes = dialect.latin1 ? Buffer.from(text, 'latin1') : Buffer.from(text, 'utf8');
    // A byte TextDecoder's latin1 (windows-1252) and ISO-8859-1 read differently: DuckDB must not read this file.
    if (cp1252Byte && dialect.latin1) bytes = Buffer.concat([bytes.subarray(0, bytes.length - 1), Buffer.from([0x80]), bytes.subarray(bytes.length - 1)]);
    return { dialect, bytes };
  });

describe('columnar databases open side by side', () => {
  it('spill to folders of their own, never to one another\'s files', async () => {
    const work = mkdtempSync(join(tmpdir(), 'il2kit-coldb-'));
    const a = await openColumnarDb(work);
    const b = await openColumnarDb(work);
    try {
      const folder = async (db: typeof a) => String((await db.conn.runAndReadAll("SELECT current_setting('temp_directory')")).getRows()[0]![0]);
      const [fa, fb] = [await folder(a), await folder(b)];
      expect(fa.startsWith(work)).toBe(true);
      expect(fb.startsWith(work)).toBe(true);
      expect(fa).not.toBe(fb);
    } finally {
      a.close();
      b.close();
      rmSync(work, { recursive: true, force: true });
    }
  });
});
