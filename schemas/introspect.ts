// Reads the zod schemas back as plain field descriptions: used for the data dictionary,
// CSV type coercion and error messages. Only the zod features the common schema uses are handled.
import { z } from 'zod';
import { fieldMeta, type IdentifierClass } from './fields.js';

export type FieldKind = 'string' | 'datetime' | 'number' | 'integer' | 'boolean' | 'enum' | 'array' | 'object' | 'unknown';

export interface FieldInfo {
  name: string;
  kind: FieldKind;
  nullable: boolean;
  /** Allowed values of an enum field, or of an array field's items. */
  values: (string | number)[] | null;
  itemKind: FieldKind | null;
  min: number | null;
  max: number | null;
  description: string;
  unit: string | null;
  identifier: IdentifierClass;
}

type AnyDef = {
  type: string;
  innerType?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  values?: unknown[];
  entries?: Record<string, unknown>;
  format?: string;
  in?: z.ZodType;
};

function defOf(s: z.ZodType): AnyDef {
  return (s as unknown as { _zod: { def: AnyDef } })._zod.def;
}

function unwrap(s: z.ZodType): { inner: z.ZodType; nullable: boolean } {
  let cur = s;
  let nullable = false;
  for (;;) {
    const d = defOf(cur);
    if ((d.type === 'nullable' || d.type === 'optional' || d.type === 'default') && d.innerType) {
      if (d.type === 'nullable') nullable = true;
      cur = d.innerType;
    } else if (d.type === 'pipe' && d.in) {
      cur = d.in;
    } else return { inner: cur, nullable };
  }
}

function kindOf(s: z.ZodType): { kind: FieldKind; values: (string | number)[] | null } {
  const d = defOf(s);
  switch (d.type) {
    case 'string':
      return { kind: d.format === 'datetime' ? 'datetime' : 'string', values: null };
    case 'number': {
      const n = s as unknown as z.ZodNumber;
      return { kind: n.isInt ? 'integer' : 'number', values: null };
    }
    case 'boolean':
      return { kind: 'boolean', values: null };
    case 'enum':
      return { kind: 'enum', values: Object.values(d.entries ?? {}) as (string | number)[] };
    case 'literal':
      return { kind: 'enum', values: (d.values ?? []) as (string | number)[] };
    case 'union': {
      const opts = (d.options ?? []).map((o) => kindOf(unwrap(o).inner));
      if (opts.every((o) => o.kind === 'enum')) return { kind: 'enum', values: opts.flatMap((o) => o.values ?? []) };
      return { kind: 'unknown', values: null };
    }
    case 'array':
      return { kind: 'array', values: null };
    case 'object':
      return { kind: 'object', values: null };
    default:
      return { kind: 'unknown', values: null };
  }
}


/** Field descriptions of an object schema, in declaration order. */
export function describeFields(schema: z.ZodType): FieldInfo[] {
  const shape = (schema as unknown as { shape?: Record<string, z.ZodType> }).shape;
  if (!shape) throw new Error('describeFields: not an object schema');
  return Object.entries(shape).map(([name, s]) => {
    const meta = fieldMeta(s);
    const { inner, nullable } = unwrap(s);
    const { kind, values } = kindOf(inner);
    let itemKind: FieldKind | null = null;
    let itemValues: (string | number)[] | null = null;
    if (kind === 'array') {
      const el = defOf(inner).element;
      if (el) ({ kind: itemKind, values: itemValues } = kindOf(unwrap(el).inner));
    }
    const num = kind === 'number' || kind === 'integer' ? (inner as unknown as z.ZodNumber) : null;
    const finite = (v: number | null | undefined): number | null =>
      v === null || v === undefined || !Number.isFinite(v) || Math.abs(v) >= Number.MAX_SAFE_INTEGER ? null : v;
    return {
      name,
      kind,
      nullable,
      values: kind === 'array' ? itemValues : values,
      itemKind,
      min: num ? finite(num.minValue) : null,
      max: num ? finite(num.maxValue) : null,
      description: meta.description ?? '',
      unit: meta.unit ?? null,
      identifier: meta.identifier ?? 'none',
    };
  });
}
