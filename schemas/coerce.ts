// Turns CSV text cells (by the schema's introspected field kinds) into the types a schema field expects. A cell that cannot be
// converted is left as text, so the schema reports it with the raw value.
import type { FieldInfo } from './introspect.js';

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const TRUE = new Set(['true', 't', 'yes', 'y', '1']);
const FALSE = new Set(['false', 'f', 'no', 'n', '0']);

export function coerceCell(raw: string, f: FieldInfo): unknown {
  const t = raw.trim();
  if (f.kind === 'array') {
    if (t === '') return [];
    if (t.startsWith('[')) {
      try {
        return JSON.parse(t) as unknown;
      } catch {
        return raw;
      }
    }
    return t.split(/[;|]/).map((s) => s.trim()).filter((s) => s !== '');
  }
  if (t === '' || t.toUpperCase() === 'NA' || t.toUpperCase() === 'NULL') return null;
  switch (f.kind) {
    case 'number':
    case 'integer':
      return NUMBER.test(t) ? Number(t) : raw;
    case 'boolean':
      if (TRUE.has(t.toLowerCase())) return true;
      if (FALSE.has(t.toLowerCase())) return false;
      return raw;
    case 'enum':
      if (f.values?.every((v) => typeof v === 'number') && NUMBER.test(t)) return Number(t);
      return raw;
    default:
      return raw;
  }
}

/** Coerces every cell of a CSV record whose column is a schema field; other columns pass through. */
export function coerceRecord(values: Record<string, unknown>, fields: readonly FieldInfo[]): Record<string, unknown> {
  const byName = new Map(fields.map((f) => [f.name, f]));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) {
    const f = byName.get(k);
    out[k] = f && typeof v === 'string' ? coerceCell(v, f) : v;
  }
  return out;
}
