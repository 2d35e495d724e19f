import { InputError } from './errors.js';

export type TextEncoding = 'utf-8' | 'latin1';

/** Decodes bytes strictly: invalid UTF-8 is an error naming the byte offset and line, never silent U+FFFD. */
export function decodeText(bytes: Uint8Array, file: string, encoding: TextEncoding = 'utf-8'): string {
  if (encoding === 'latin1') return new TextDecoder('latin1').decode(bytes);
  try {
    // fatal: throw on invalid sequences; ignoreBOM false: a UTF-8 BOM is dropped.
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    const line = countLines(bytes, at);
    throw new InputError(file, `line ${line}, byte ${at}`, 'the file is not valid UTF-8', 'Re-export it as UTF-8, or set encoding: latin1 for this file in the mapping spec');
  }
}

function countLines(bytes: Uint8Array, end: number): number {
  let n = 1;
  for (let i = 0; i < end; i++) if (bytes[i] === 10) n++;
  return n;
}

function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    let need = 0;
    if (c < 0x80) need = 0;
    else if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) need = 2;
    else if (c >= 0xf0 && c <= 0xf4) need = 3;
    else return i;
    for (let k = 1; k <= need; k++) if (i + k >= b.length || (b[i + k]! & 0xc0) !== 0x80) return i;
    i += need + 1;
  }
  return b.length;
}
