import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRecordFile, streamRecordFile } from '../../../pipelines/read/index.js';
import { validateRecordFile, validateRecordStream, type Problem } from '../../../pipelines/validate/index.js';
import { ROOT } from '../../helpers/cli.js';

const GOOD = readFileSync(join(ROOT, 'data-samples', 'examples', 'dose_slot.bad.csv'), 'utf8').split('\n');

/** A dose_slot CSV of several 1 MB pieces: rows of the examples (some invalid), every 5th with hold reasons quoted with line breaks and delimiters. */
function bigCsv(dir: string): string {
  const [head, ...rows] = GOOD.filter(Boolean);
  const out = [head!.replace(/,mrn$/, '')];
  let n = 0;
  const body: string[] = [];
  let bytes = 0;
  while (bytes < 3 << 20) {
    const base = rows[n % rows.length]!.replace(/,[^,]*$/, '');
    const line = n % 5 === 0 ? base.replace(/,,flowsheet\.csv/, `,"held, ""SBP"" 84\non neo",flowsheet.csv`) : base;
    body.push(line);
    bytes += line.length + 1;
    n++;
  }
  const file = join(dir, 'big.csv');
  writeFileSync(file, [...out, ...body].join('\n') + '\n');
  return file;
}

async function streamed(path: string) {
  const problems: Problem[] = [];
  const r = await validateRecordStream('dose_slot', await streamRecordFile(path), (p) => problems.push(p));
  return { r, problems };
}

describe('validate, streamed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'il2kit-validate-stream-'));

  it('gives the same rows and problems as reading the whole file, across piece boundaries (CSV)', async () => {
    const file = bigCsv(dir);
    const whole = validateRecordFile('dose_slot', await readRecordFile(file));
    const { r, problems } = await streamed(file);
    expect(r.rowsRead).toBe(whole.rowsRead);
    expect(r.rowsRead).toBeGreaterThan(15_000);
    expect(r.valid).toBe(whole.valid.length);
    expect(r.invalid).toBe(whole.invalidRows.length);
    expect(problems).toEqual(whole.problems);
  });

  it('gives the same as reading the whole file (NDJSON of several pieces)', async () => {
    const file = join(dir, 'big.ndjson');
    const recs = validateRecordFile('dose_slot', await readRecordFile(join(ROOT, 'data-samples', 'examples', 'dose_slot.bad.csv')));
    const lines: string[] = [];
    for (let i = 0; lines.length < 12_000; i++) lines.push(JSON.stringify({ ...recs.valid[i % recs.valid.length], slot_number: (i % 17) + 1 }));
    writeFileSync(file, lines.join('\n') + '\n\n');
    const whole = validateRecordFile('dose_slot', await readRecordFile(file));
    const { r, problems } = await streamed(file);
    expect(r.rowsRead).toBe(12_000);
    expect([r.valid, r.invalid]).toEqual([whole.valid.length, whole.invalidRows.length]);
    expect(problems).toEqual(whole.problems);
  });
});
