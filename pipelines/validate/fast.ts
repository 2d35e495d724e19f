// A fast verdict for the common case: is this record valid under its table's zod schema?
// Generated once per schema from zod's own definitions (types, enums, number bounds, regex
// formats, the object's refinements), it answers true only when zod would accept the record
// unchanged; anything else (false) goes to zod, so every message stays zod's. A property test
// (test/pipelines/validate/fast.test.ts) holds the verdict equal to zod's on every table.
import type { z } from 'zod';

type Payload = { value: unknown; issues: unknown[] };
interface Internals {
  def: {
    type: string;
    innerType?: z.ZodType;
    element?: z.ZodType;
    entries?: Record<string, unknown>;
    values?: unknown[];
    shape?: Record<string, z.ZodType>;
    catchall?: z.ZodType;
    checks?: Check[];
    coerce?: boolean;
    pattern?: RegExp;
    check?: string;
    value?: number;
    inclusive?: boolean;
    format?: string;
    when?: unknown;
  };
  traits: Set<string>;
  check?: (p: Payload) => unknown;
  values?: Set<unknown>;
}
interface Check {
  _zod: Internals;
}

const zodOf = (s: unknown): Internals => (s as Check)._zod;

/** `record → boolean`: true means zod accepts the record as it is. */
export type FastCheck = (record: Record<string, unknown>) => boolean;

/**
 * Builds the fast check of a strict object schema, or null when the schema uses something the
 * generator does not mirror exactly (then every record goes to zod).
 */
export function fastCheck(schema: z.ZodType): FastCheck | null {
  const o = zodOf(schema);
  if (o.def.type !== 'object' || !o.def.shape || !o.def.catchall || zodOf(o.def.catchall).def.type !== 'never') return null;
  const objectChecks = o.def.checks ?? [];
  if (objectChecks.some((c) => c._zod.def.check !== 'custom' || c._zod.def.when !== undefined || typeof c._zod.check !== 'function')) return null;
  const consts: unknown[] = [];
  const ref = (v: unknown): string => {
    consts.push(v);
    return `K[${consts.length - 1}]`;
  };
  let tmp = 0;
  /** Statements that `return false` unless `v` (an expression naming a local) is valid for `s`. */
  const gen = (s: z.ZodType, v: string): string | null => {
    const z0 = zodOf(s);
    const d = z0.def;
    if (d.type === 'nullable' && d.innerType) {
      const inner = gen(d.innerType, v);
      return inner === null ? null : `if (${v} !== null) {\n${inner}\n}`;
    }
    if (d.coerce) return null;
    let out = '';
    switch (d.type) {
      case 'string':
        out += `if (typeof ${v} !== 'string') return false;\n`;
        break;
      case 'number':
        out += `if (typeof ${v} !== 'number' || !Number.isFinite(${v})) return false;\n`;
        break;
      case 'boolean':
        out += `if (typeof ${v} !== 'boolean') return false;\n`;
        break;
      case 'enum':
        if (!(z0.values instanceof Set)) return null;
        out += `if (!${ref(z0.values)}.has(${v})) return false;\n`;
        break;
      case 'literal':
        out += `if (!${ref(new Set(d.values ?? []))}.has(${v})) return false;\n`;
        break;
      case 'array': {
        if (!d.element) return null;
        const e = `e${tmp++}`;
        const i = `i${tmp++}`;
        const inner = gen(d.element, e);
        if (inner === null) return null;
        out += `if (!Array.isArray(${v})) return false;\nfor (let ${i} = 0; ${i} < ${v}.length; ${i}++) {\nconst ${e} = ${v}[${i}];\n${inner}\n}\n`;
        break;
      }
      default:
        return null;
    }
    // Checks: the schema itself when it is a format (z.iso.datetime()), then its own checks.
    const checks: Check[] = [...(z0.traits.has('$ZodCheck') ? [s as unknown as Check] : []), ...(d.checks ?? [])];
    for (const c of checks) {
      const cz = c._zod;
      const cd = cz.def;
      if ((cz.traits.has('$ZodCheckRegex') || cz.traits.has('$ZodISODateTime')) && cd.pattern instanceof RegExp) {
        const re = cd.pattern;
        // Keys, hashes and file names repeat from record to record: the last text that passed is remembered.
        const seen = ref(null);
        const reset = re.global || re.sticky ? `${ref(re)}.lastIndex = 0; ` : '';
        out += `if (${v} !== ${seen}) { ${reset}if (!${ref(re)}.test(${v})) return false; ${seen} = ${v}; }\n`;
      } else if (cz.traits.has('$ZodCheckGreaterThan') && typeof cd.value === 'number' && d.type === 'number') {
        out += `if (${v} ${cd.inclusive ? '<' : '<='} ${ref(cd.value)}) return false;\n`;
      } else if (cz.traits.has('$ZodCheckLessThan') && typeof cd.value === 'number' && d.type === 'number') {
        out += `if (${v} ${cd.inclusive ? '>' : '>='} ${ref(cd.value)}) return false;\n`;
      } else if (cz.traits.has('$ZodCheckNumberFormat') && (cd.format === 'safeint' || cd.format === 'float64')) {
        if (cd.format === 'safeint') out += `if (!Number.isSafeInteger(${v})) return false;\n`;
      } else if (cz.traits.has('$ZodCheckMinLength') && (cd as { minimum?: number }).minimum === 1 && d.type === 'string') {
        // One UTF-16 unit is one code point, so zod's code-point count agrees with length here.
        out += `if (${v}.length < 1) return false;\n`;
      } else if (typeof cz.check === 'function' && (cd.when === undefined || typeof cd.when === 'function')) {
        // Any other check runs as zod runs it (only when its `when` says so; earlier checks all passed).
        const c = ref(cz);
        const run = `${c}.check(p); if (p.issues.length > 0) return false;`;
        out += `{ const p = { value: ${v}, issues: [] }; ${cd.when === undefined ? run : `if (${ref(cd.when)}(p)) { ${run} }`} }\n`;
      } else return null;
    }
    return out;
  };
  const names = Object.keys(o.def.shape);
  let body = "if (typeof r !== 'object' || r === null || Array.isArray(r)) return false;\n";
  for (const [k, name] of names.entries()) {
    const s = o.def.shape[name]!;
    const code = gen(s, `v${k}`);
    if (code === null) return null;
    // Every field is required (no optional fields in a supported schema): undefined is never valid.
    body += `const v${k} = r[${JSON.stringify(name)}];\nif (v${k} === undefined) return false;\n${code}\n`;
  }
  // A strict object: no keys beyond the shape (every shape key is present, so counting suffices).
  body += `let n = 0;\nfor (const _ in r) n++;\nif (n !== ${names.length}) return false;\n`;
  if (objectChecks.length > 0) {
    body += `const p = { value: r, issues: [] };\n`;
    for (const c of objectChecks) body += `${ref(c._zod)}.check(p);\n`;
    body += `if (p.issues.length > 0) return false;\n`;
  }
  body += 'return true;';
  // The generated code is built from our own schemas' definitions, never from input data.
  const make = new Function('K', `return function fastCheck(r) {\n${body}\n};`) as (k: unknown[]) => FastCheck;
  return make(consts);
}
