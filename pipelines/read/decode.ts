import { InputError } from './errors.js';

export type TextEncoding = 'utf-8' | 'latin1';

/** Decodes bytes strictly: invalid UTF-8 is an error naming the byte offset and line, never silent U+FFFD. `spec`: the file is read by a mapping spec (whose
 * encoding: can change). */
export function decodeText(bytes: Uint8Array, file: string, encoding: TextEncoding = 'utf-8', spec = true): string {
  // A UTF-8 BOM is no Latin-1 text ("ï»¿"): dropped as the UTF-8 decoder drops it.
  if (encoding === 'latin1') return new TextDecoder('latin1').decode(hasUtf8Bom(bytes) ? bytes.subarray(3) : bytes);
  try {
    // fatal: throw on invalid sequences; ignoreBOM false: a UTF-8 BOM is dropped.
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    throw notUtf8(file, `line ${countLines(bytes, at)}, byte ${at}`, bytes, spec);
  }
}

export const hasUtf8Bom = (b: Uint8Array) => b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;

/** A file whose first bytes hold a NUL or a known binary signature (zip/xlsx, PDF, Parquet, gzip) is not text in any encoding. */
export function looksBinary(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, 8192);
  if (head.includes(0)) return true;
  const sig = (...b: number[]) => b.every((x, i) => head[i] === x);
  return sig(0x50, 0x4b, 0x03, 0x04) || sig(0x25, 0x50, 0x44, 0x46) || sig(0x50, 0x41, 0x52, 0x31) || sig(0x1f, 0x8b);
}

/** The not-UTF-8 error: the Latin-1 hint only where it can help (a text file read by a spec). */
export function notUtf8(file: string, where: string, bytes: Uint8Array, spec: boolean): InputError {
  if (looksBinary(bytes))
    return new InputError(
      file,
      where,
      'the file is binary (not CSV or NDJSON text)',
      spec ? 'Check the file named in the mapping spec and its format:' : 'Give a .csv, .json, .ndjson or .parquet file',
    );
  return new InputError(
    file,
    where,
    'the file is not valid UTF-8',
    spec ? 'Re-export it as UTF-8, or set encoding: latin1 for this file in the mapping spec' : 'Re-export it as UTF-8',
  );
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
