import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSource, streamSource, type SourceRow } from '../../../pipelines/read/index.js';
import { SourceSpec } from '../../../pipelines/map/spec.js';

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
  it('streams NDJSON with line pointers and keeps broken lines for the quarantine', async () => {
    writeFileSync(join(dir, 'x.ndjson'), '{"a":1}\n{"a":\n{"a":3}\n');
    const src = SourceSpec.parse({ id: 'x', file: 'x.ndjson', format: 'ndjson', patient_id: 'a', tables: [{ table: 'observation' }] });
    const rows = await collect((await streamSource(src, dir, 4)).chunks);
    expect(rows.map((r) => r.pointer)).toEqual(['line 1', 'line 2', 'line 3']);
    expect(rows[1]!.values.__parse_error__).toMatch(/^line 2 is not valid JSON/);
  });
});
