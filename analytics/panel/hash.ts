// Content hash of a bundle: SHA-256 of its canonical JSON (keys sorted at every level, no whitespace), without the hash field.
import { createHash } from 'node:crypto';

/** JSON with object keys sorted recursively, so equal content gives equal bytes. @example canonicalJson({ b: 1, a: [2] }) // '{"a":[2],"b":1}' */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** SHA-256 of a bundle's content (every field except content_sha256). @example bundleHash({ ...bundle }) */
export function bundleHash(bundle: Record<string, unknown>): string {
  const { content_sha256: _ignored, ...content } = bundle;
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}
