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

/** Index of the first byte of `bytes` that does not belong to a valid UTF-8 sequence (bytes.length when none). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    const n = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (n === 0 || i + n > bytes.length) return i;
    if (n > 1) {
      const b1 = bytes[i + 1]!;
      // Second-byte limits of E0 (no overlongs), ED (no surrogates), F0 (no overlongs) and F4 (≤ U+10FFFF).
      const lo = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80;
      const hi = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf;
      if (b1 < lo || b1 > hi) return i;
      for (let k = 2; k < n; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return i;
    }
    i += n;
  }
  return bytes.length;
}
