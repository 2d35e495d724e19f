import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError, lineRanges, readSource, streamSource, type SourceRow } from '../../../pipelines/read/index.js';
import { SourceSpec } from '../../../schemas/mapping-spec.js';

const dir = mkdtempSync(join(tmpdir(), 'il2kit-stream-'));

async function collect(chunks: AsyncIterable<SourceRow[]>): Promise<SourceRow[]> {
  const out: SourceRow[] = [];
  for await (const c of chunks) out.push(...c);
  return out;
}

describe('streamSource', () => {
  it('gives the same rows, row numbers and hash as reading whole, whatever the piece size', async () => {
    const lines = ['id;note;value'];
    for (let i = 1; i <= 300; i++) lines.push(`P${i};"${i % 7 === 0 ? 'multi\nline; "quoted"' : 'plain'} é";${i},5`);
    writeFileSync(join(dir, 'x.csv'), '\ufeff' + lines.join('\r\n') + '\r\n');
    const src = SourceSpec.parse({ id: 'x', file: 'x.csv', format: 'csv', delimiter: ';', patient_id: 'id', tables: [{ table: 'observation' }] });
    const whole = await readSource(src, dir);
    for (const size of [17, 64, 1000]) {
      const s = await streamSource(src, dir, size);
      expect(s.columns).toEqual(['id', 'note', 'value']);
      expect(s.sha256).toBe(whole.sha256);
      expect(await collect(s.chunks)).toEqual(whole.rows);
    }
  });
  it('names a character cut off by the end of a streamed CSV as invalid UTF-8', async () => {
    writeFileSync(join(dir, 'cut.csv'), Buffer.concat([Buffer.from('id;v\n' + 'P1;é\n'.repeat(40)), Buffer.from([0x50, 0x32, 0x3b, 0xc3])]));
    const src = SourceSpec.parse({ id: 'cut', file: 'cut.csv', format: 'csv', delimiter: ';', patient_id: 'id', tables: [{ table: 'observation' }] });
    await expect(collect((await streamSource(src, dir, 64)).chunks)).rejects.toThrow(/cut\.csv \(near byte 192\): the file is not valid UTF-8/);
  });
  it('reads NDJSON as reading it whole does, whatever the piece size: multi-byte characters cut by a piece, lines longer than a piece, BOM, CRLF, no final line break', async () => {
    const lines = ['\ufeff{"id":"a0","v":"é"}'];
    for (let i = 1; i < 120; i++) {
      if (i % 29 === 0) lines.push('');
      else if (i % 31 === 0) lines.push(`{"id":"a${i}", broken`);
      else if (i % 11 === 0) lines.push(`{"id":"a${i}","v":${JSON.stringify('long 𝄞€é '.repeat(40))}}\r`);
      else lines.push(`{"id":"a${i}","v":${JSON.stringify(i % 2 ? 'plain ascii' : 'x'.repeat(i % 13) + 'é€𝄞')},"n":${i}.5}`);
    }
    writeFileSync(join(dir, 'm.ndjson'), lines.join('\n'));
    const src = SourceSpec.parse({ id: 'm', file: 'm.ndjson', format: 'ndjson', patient_id: 'id', tables: [{ table: 'observation' }] });
    const whole = await readSource(src, dir);
    expect(whole.rows.filter((r) => r.values.__parse_error__)).toHaveLength(3);
    for (const size of [3, 17, 64, 1000]) {
      const s = await streamSource(src, dir, size);
      expect(s.sha256).toBe(whole.sha256);
      expect(await collect(s.chunks), `pieces of ${size} bytes`).toEqual(whole.rows);
    }
    // Latin-1 (read as windows-1252, as whole): bytes above 0x7F in and across pieces.
    writeFileSync(join(dir, 'l.ndjson'), Buffer.from(['{"id":"p1","v":"Ã©t\u00e9 \u0080"}', '{"id":"p2","v":"' + 'é'.repeat(50) + '"}'].join('\n') + '\n', 'latin1'));
    const l1 = SourceSpec.parse({ id: 'l', file: 'l.ndjson', format: 'ndjson', encoding: 'latin1', patient_id: 'id', tables: [{ table: 'observation' }] });
    const lWhole = await readSource(l1, dir);
    for (const size of [5, 16]) expect(await collect((await streamSource(l1, dir, size)).chunks)).toEqual(lWhole.rows);
    // A byte that is not UTF-8 is named by the start of the piece it is in.
    const bytes = Buffer.from(lines.join('\n'), 'utf8');
    const at = 2500;
    writeFileSync(join(dir, 'm.ndjson'), Buffer.concat([bytes.subarray(0, at), Buffer.from([0xe2, 0x28, 0xa1]), bytes.subarray(at)]));
    for (const size of [64, 1000]) {
      await expect(collect((await streamSource(src, dir, size)).chunks)).rejects.toThrow(`m.ndjson (near byte ${at - (at % size)}): the file is not valid UTF-8`);
    }
  });
  it('stops at an NDJSON line longer than max_field_chars characters, counting characters, not bytes', async () => {
    const ok = `{"id":"a","v":"${'é€'.repeat(20)}"}`; // 56 characters, 116 bytes
    writeFileSync(join(dir, 'w.ndjson'), [ok, ok, `{"id":"b","v":"${'x'.repeat(70)}"}`, ok].join('\n') + '\n');
    const src = SourceSpec.parse({ id: 'w', file: 'w.ndjson', format: 'ndjson', patient_id: 'id', max_field_chars: 60, tables: [{ table: 'observation' }] });
    for (const size of [8, 40]) {
      await expect(collect((await streamSource(src, dir, size)).chunks)).rejects.toThrow(/w\.ndjson \(line 3\): a field is longer than 60 characters/);
    }
    writeFileSync(join(dir, 'w.ndjson'), [ok, ok, ok].join('\n'));
    expect(await collect((await streamSource(src, dir, 8)).chunks)).toHaveLength(3);
  });
  it('streams NDJSON with line pointers and keeps broken lines for the quarantine', async () => {
    writeFileSync(join(dir, 'x.ndjson'), '{"a":1}\n{"a":\n{"a":3}\n');
    const src = SourceSpec.parse({ id: 'x', file: 'x.ndjson', format: 'ndjson', patient_id: 'a', tables: [{ table: 'observation' }] });
    const rows = await collect((await streamSource(src, dir, 4)).chunks);
    expect(rows.map((r) => r.pointer)).toEqual(['line 1', 'line 2', 'line 3']);
    expect(rows[1]!.values.__parse_error__).toMatch(/^line 2 is not valid JSON/);
  });

  it('reads NDJSON line ranges as the whole file: rows, line numbers, broken lines and messages', async () => {
    const lines = ['\ufeff{"id":"a0","v":"é"}'];
    for (let i = 1; i < 400; i++) lines.push(i % 37 === 0 ? '' : i % 53 === 0 ? `{"id":"a${i}", broken` : `{"id":"a${i}","v":${JSON.stringify('x'.repeat(i % 50) + 'é€')}}`);
    writeFileSync(join(dir, 'r.ndjson'), lines.join('\n') + '\n');
    const src = SourceSpec.parse({ id: 'r', file: 'r.ndjson', format: 'ndjson', patient_id: 'id', tables: [{ table: 'observation' }] });
    const chunk = 997;
    const whole = await streamSource(src, dir, chunk);
    const rows = await collect(whole.chunks);
    expect(rows.filter((r) => r.values.__parse_error__)).toHaveLength(7);
    for (const parts of [2, 3, 5]) {
      const ranges = lineRanges(join(dir, 'r.ndjson'), parts);
      expect(ranges).toHaveLength(parts);
      const got: SourceRow[] = [];
      for (const range of ranges) {
        const s = await streamSource(src, dir, chunk, range);
        expect(s.sha256).toBe(range.start === 0 ? whole.sha256 : '');
        got.push(...(await collect(s.chunks)));
      }
      expect(got).toEqual(rows);
    }

    // A byte that is not UTF-8 in a later range: the same message, naming the same offset.
    const bytes = Buffer.from(lines.join('\n') + '\n', 'utf8');
    const at = bytes.length - 3000;
    writeFileSync(join(dir, 'r.ndjson'), Buffer.concat([bytes.subarray(0, at), Buffer.from([0xc3, 0x28]), bytes.subarray(at)]));
    const fault = async (range?: ReturnType<typeof lineRanges>[number]) => {
      try {
        await collect((await streamSource(src, dir, chunk, range)).chunks);
        return null;
      } catch (e) {
        return e as InputError;
      }
    };
    const wholeFault = await fault();
    expect(wholeFault).toBeInstanceOf(InputError);
    expect(wholeFault!.message).toMatch(/near byte \d+\): the file is not valid UTF-8/);
    const ranges = lineRanges(join(dir, 'r.ndjson'), 2);
    expect(ranges[1]!.start).toBeLessThan(at);
    expect(ranges[1]!.start % chunk).not.toBe(0);
    expect(await fault(ranges[0])).toBeNull();
    expect((await fault(ranges[1]))!.message).toBe(wholeFault!.message);
  });
  it('cuts line ranges just after line breaks, fewer when lines are too few', () => {
    writeFileSync(join(dir, 'c.ndjson'), '{"a":1}\n{"a":2}\n{"a":3}\n');
    const r = lineRanges(join(dir, 'c.ndjson'), 2);
    expect(r).toEqual([
      { start: 0, end: 16, hash: true },
      { start: 16, end: 24, hash: false },
    ]);
    writeFileSync(join(dir, 'one.ndjson'), '{"a":"' + 'x'.repeat(100) + '"}\n');
    expect(lineRanges(join(dir, 'one.ndjson'), 3)).toEqual([{ start: 0, end: 109, hash: true }]);
  });
});
