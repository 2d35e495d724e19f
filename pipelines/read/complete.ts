// A CSV export cut off in the middle of a row: the file ends without a line break, and its last line has
// fewer fields than its header. Checked on the file's first and last bytes, before any row is read, so it
// holds whichever reader (ours or DuckDB's) reads the rows.
import { closeSync, openSync, readSync } from 'node:fs';
import type { SourceSpec } from '../../schemas/mapping-spec.js';
import { parseRecords } from './csv.js';
import { InputError } from './errors.js';

const PROBE = 1 << 16;

/** Throws an InputError naming the file and the byte where its cut-off last row starts. */
export function assertEndsWithCompleteRow(path: string, file: string, size: number, src: Pick<SourceSpec, 'delimiter' | 'quote' | 'encoding'>): void {
  if (size === 0) return;
  const fd = openSync(path, 'r');
  try {
    const read = (at: number, n: number) => {
      const b = Buffer.alloc(n);
      readSync(fd, b, 0, n, at);
      return b;
    };
    const tail = read(Math.max(0, size - PROBE), Math.min(size, PROBE));
    if (tail[tail.length - 1] === 0x0a) return;
    const nl = tail.lastIndexOf(0x0a);
    if (nl < 0) return; // one line (or one very long last line): the parser judges it
    const head = read(0, Math.min(size, PROBE));
    const hnl = head.indexOf(0x0a);
    if (hnl < 0) return;
    const text = (b: Buffer) => b.toString(src.encoding === 'latin1' ? 'latin1' : 'utf8').replace(/^\uFEFF/, '').replace(/\r$/, '');
    const fields = (t: string) => parseRecords(t, file, { delimiter: src.delimiter, quote: src.quote }, 1)[0]?.cells.length ?? 0;
    let want: number;
    let got: number;
    try {
      want = fields(text(head.subarray(0, hnl)));
      got = fields(text(tail.subarray(nl + 1)));
    } catch {
      return; // an unclosed quote: the parser's own message names the line
    }
    const at = size - (tail.length - nl - 1);
    if (got < want)
      throw new InputError(
        file,
        `byte ${at}`,
        `the file ends in the middle of a row: its last line has ${got} of the header's ${want} fields and no line break after it (the export looks cut off)`,
        'Export the file again completely',
      );
  } finally {
    closeSync(fd);
  }
}
