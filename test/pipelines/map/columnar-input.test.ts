// When DuckDB may read a Latin-1 CSV itself: only without bytes 0x80–0x9F, which TextDecoder's latin1 (windows-1252)
// and DuckDB's ISO-8859-1 read differently. The scan reads four bytes at a time; every position must count.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { directCsvAllowed } from '../../../pipelines/map/columnar-input.js';
import type { SourceSpec } from '../../../schemas/mapping-spec.js';

const dir = mkdtempSync(join(tmpdir(), 'il2kit-direct-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const latin1 = { format: 'csv', encoding: 'latin1' } as SourceSpec;
const allowed = (bytes: Uint8Array, src: SourceSpec = latin1): boolean => {
  const path = join(dir, 'f.csv');
  writeFileSync(path, bytes);
  return directCsvAllowed(src, ['a', 'b'], path);
};

describe('directCsvAllowed', () => {
  it('refuses a Latin-1 file with a byte 0x80–0x9F wherever it is, and allows other high bytes', () => {
    const size = (4 << 20) + 7; // past the 4 MiB read buffer, not a whole number of words
    const base = new Uint8Array(size).fill(0x41);
    base[3] = 0xe9; // é
    base[size - 2] = 0xa0; // no-break space: same in both readings
    expect(allowed(base)).toBe(true);
    for (const at of [0, 1, 2, 3, 4, 5, 4095, (4 << 20) - 1, 4 << 20, size - 3, size - 1]) {
      for (const b of [0x80, 0x9f]) {
        const bytes = base.slice();
        bytes[at] = b;
        expect(allowed(bytes), `0x${b.toString(16)} at ${at}`).toBe(false);
      }
    }
    for (const b of [0x7f, 0xa0, 0xff]) expect(allowed(Uint8Array.from([0x41, b, 0x42, 0x0a, 0x43]))).toBe(true);
  });

  it('does not scan UTF-8 files, and needs a CSV of at least two columns', () => {
    expect(allowed(Uint8Array.from([0x41, 0xc2, 0x80, 0x0a]), { format: 'csv', encoding: 'utf-8' } as SourceSpec)).toBe(true);
    expect(directCsvAllowed(latin1, ['a'], join(dir, 'f.csv'))).toBe(false);
  });
});
