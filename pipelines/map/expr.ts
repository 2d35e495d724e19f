// Evaluates one field mapping on one source row: pick → trim → regex → split → codes →
// date or number. Failures come back as values, with the raw text, for the quarantine.
import type { SourceRow } from '../read/source.js';
import { datePrecision, parseDateTime, fromWallClock, type DateParse } from './datetime.js';
import type { CodeMap, FieldMapObject } from '../../schemas/mapping-spec.js';
import { specRegex } from './safe-regex.js';
import { TABLES, describeFields, isTableName } from '../../schemas/index.js';

export type Eval =
  | {
      ok: true;
      value: unknown;
      raw: unknown;
      /** Epoch ms of a parsed date-time. */ ms?: number;
      /** A date-time given with less than a time (ISO 8601 reduced precision). */ precision?: 'year' | 'month' | 'day';
    }
  | { ok: false; check: string; message: string; raw: unknown };

export interface EvalContext {
  decimal: '.' | ',';
  dateFormat: string;
  timeZone: string;
  /** Unmapped code values seen, by field, for the report. */
  unmapped: Map<string, Map<string, number>>;
  fieldName: string;
  /** The field is a routing question (when/skip): its unmapped values are expected, not reported. Without it, told by the field name. */
  routing?: boolean;
  /** Weight of the row being mapped (columnar mapping evaluates one distinct tuple for many rows): unmapped codes count this much. */
  weight?: number;
  /** Columnar mapping: answers for some field mappings without evaluating them (time stamps, patient ids looked up per distinct value elsewhere). */
  defer?: (fm: FieldMapObject, row: SourceRow, ctx: EvalContext) => Eval | undefined;
  /** Routing (`when`): the values the route takes, so a `codings` field picks a coding the route lists. */
  accept?: readonly unknown[];
}

export type PathStep = { key: string } | { index: number } | { match: { subKey: string; sub: CompiledPath; want: string } };
/** A `from` path compiled once: a plain column name (no steps) or steps into nested JSON. */
export interface CompiledPath {
  plain: boolean;
  steps: PathStep[];
}
const pathCache = new Map<string, CompiledPath>();

/** A `from` path's steps (shared with map/json-cells.ts, which reads the same paths in DuckDB). */
export function compilePath(path: string): CompiledPath {
  const hit = pathCache.get(path);
  if (hit) return hit;
  const out: CompiledPath = { plain: !/[.[]/.test(path), steps: [] };
  pathCache.set(path, out);
  if (out.plain) return out;
  for (const part of path.match(/[^.[\]]+|\[[^\]]*\]/g) ?? []) {
    if (part.startsWith('[')) {
      const inner = part.slice(1, -1);
      const eq = inner.indexOf('=');
      if (eq > 0) {
        // The key's numeric parts (a.b.0.c) are indexes: it is looked up as a.b[0].c.
        const subKey = inner.slice(0, eq).replace(/\.(\d+)(?=\.|$)/g, '[$1]');
        out.steps.push({ match: { subKey, sub: compilePath(subKey), want: inner.slice(eq + 1) } });
      } else out.steps.push({ index: Number(inner) });
    } else out.steps.push({ key: part });
  }
  return out;
}

/** Column value, or a JSON path such as code.coding[system=http://loinc.org].code or effectivePeriod.start. */
export function pick(values: Record<string, unknown>, from: string): unknown {
  if (from in values) return values[from];
  const path = compilePath(from);
  return path.plain ? undefined : walk(values, path);
}

/** `pick` for one path, compiled once: for reading the same path from many rows. */
export function picker(from: string): (values: Record<string, unknown>) => unknown {
  const path = compilePath(from);
  return (values) => (from in values ? values[from] : path.plain ? undefined : walk(values, path));
}

function walk(values: Record<string, unknown>, path: CompiledPath): unknown {
  let cur: unknown = values;
  for (const step of path.steps) {
    if (cur === null || cur === undefined) return undefined;
    if ('key' in step) cur = (cur as Record<string, unknown>)[step.key];
    else if ('index' in step) cur = Array.isArray(cur) ? cur[step.index] : undefined;
    else {
      // [a.b.0.c=value]: the first array element whose nested field equals the value (FHIR components, extensions).
      const { subKey, sub, want } = step.match;
      cur = Array.isArray(cur)
        ? cur.find((x) => {
            if (x === null || typeof x !== 'object') return false;
            const o = x as Record<string, unknown>;
            return String(subKey in o ? o[subKey] : sub.plain ? undefined : walk(o, sub)) === want;
          })
        : undefined;
    }
  }
  return cur;
}

/** How many codings of a CodeableConcept `codings` reads; a resource with more is an error that says so. */
export const MAX_CODINGS = 3;

const codingPathCache = new Map<string, readonly { system: string; code: string }[]>();

/** The paths `codings` reads: system and code of each of the first MAX_CODINGS codings, and the code after them (built once per `from`). */
export function codingPaths(from: string): readonly { system: string; code: string }[] {
  // Remembered: built per row, the new path texts were hashed again by every lookup (harbour's medication when: a third of its row path).
  let paths = codingPathCache.get(from);
  if (paths === undefined) {
    paths = Array.from({ length: MAX_CODINGS + 1 }, (_, i) => ({ system: `${from}.coding[${i}].system`, code: `${from}.coding[${i}].code` }));
    codingPathCache.set(from, paths);
  }
  return paths;
}

/** Every column or path a field map reads (from, first_of, codings, unit_from, hours_between). */
export function fieldPaths(fm: FieldMapObject): string[] {
  const out: string[] = [];
  if (fm.from !== undefined) out.push(...(typeof fm.from === 'string' ? [fm.from] : fm.from));
  if (fm.first_of !== undefined) out.push(...fm.first_of);
  if (fm.codings !== undefined) for (const c of codingPaths(fm.codings.from)) out.push(c.system, c.code);
  if (fm.unit_from !== undefined) out.push(fm.unit_from);
  if (fm.hours_between) out.push(fm.hours_between.start, fm.hours_between.end);
  return out;
}

/** The first of the paths with a value (a text that is blank has none). */
export function pickFirst(values: Record<string, unknown>, paths: readonly string[]): unknown {
  for (const p of paths) {
    const x = pick(values, p);
    if (x === null || x === undefined || (typeof x === 'string' && x.trim() === '')) continue;
    return x;
  }
  return null;
}

/**
 * The codes of a CodeableConcept's codings of the wanted systems, in order; `more` when it has more
 * codings than `codings` reads.
 */
export function pickCodings(values: Record<string, unknown>, spec: NonNullable<FieldMapObject['codings']>): { codes: unknown[]; more: boolean } {
  const systems = spec.system === undefined ? null : typeof spec.system === 'string' ? [spec.system] : spec.system;
  const codes: unknown[] = [];
  const paths = codingPaths(spec.from);
  for (let i = 0; i < MAX_CODINGS; i++) {
    const code = pick(values, paths[i]!.code);
    if (code === null || code === undefined) continue;
    if (systems !== null && !systems.includes(String(pick(values, paths[i]!.system)))) continue;
    codes.push(code);
  }
  const after = pick(values, paths[MAX_CODINGS]!.code);
  return { codes, more: after !== null && after !== undefined };
}

/** A codings field's raw value: the first code the code map maps, or that `accept` lists, else the first code. */
function codingsValue(fm: FieldMapObject, row: SourceRow, ctx: EvalContext): Eval | { ok: true; value: unknown } {
  const { codes, more } = pickCodings(row.values, fm.codings!);
  if (more) {
    const message = `${fm.codings!.from}.coding has more than ${MAX_CODINGS} codings, more than the spec's codings reads; tell the kit's maintainers`;
    return { ok: false, check: 'too_many_codings', message, raw: `${MAX_CODINGS + 1}+ codings` };
  }
  if (codes.length <= 1) return { ok: true, value: codes[0] ?? null };
  if (fm.codes) {
    for (const c of codes) if (mapCode(fm.codes, String(c).replace(/\s+/g, ' ')).matched) return { ok: true, value: c };
  } else if (ctx.accept) {
    for (const c of codes) if (ctx.accept.includes(c as string)) return { ok: true, value: c };
  }
  return { ok: true, value: codes[0] };
}

/** Several columns joined with a space (empty parts left out); one column as it is. */
export function pickAll(values: Record<string, unknown>, from: string | string[], join?: string): unknown {
  if (typeof from === 'string') return pick(values, from);
  // One pass, no intermediate arrays: this runs for every row of sources that join columns.
  let out: string | null = null;
  let n = 0;
  for (let i = 0; i < from.length; i++) {
    const x = pick(values, from[i]!);
    if (x === null || x === undefined) continue;
    const text = x instanceof Date ? x.toISOString().slice(0, 10) : String(x).trim();
    if (text === '' && !(x instanceof Date)) continue;
    n++;
    out = out === null ? text : out + (join ?? ' ') + text;
  }
  if (out === null) return null;
  // Without `join`, a date without its time (or the reverse) is no instant: every part is needed.
  if (join === undefined && n < from.length) return null;
  return out;
}

const NUM_DOT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const NUM_COMMA = /^[+-]?(\d+,?\d*|,\d+)$/;

export function parseNumber(text: string, decimal: '.' | ','): number | null {
  const t = text.trim();
  if (decimal === ',') return NUM_COMMA.test(t) ? Number(t.replace(',', '.')) : null;
  return NUM_DOT.test(t) ? Number(t) : null;
}

export function mapCode(codes: CodeMap, text: string): { matched: boolean; value: unknown } {
  if (codes.list) {
    const out: unknown[] = [];
    if (Object.prototype.hasOwnProperty.call(codes.exact, text)) out.push(codes.exact[text]);
    const lc = text.toLowerCase();
    for (const [k, v] of Object.entries(codes.ci)) if (k.toLowerCase() === lc) out.push(v);
    for (const r of codes.regex) if (specRegex(r.pattern).test(text)) out.push(r.code);
    const uniq = [...new Set(out.filter((x) => x !== null))];
    return { matched: out.length > 0, value: uniq };
  }
  if (Object.prototype.hasOwnProperty.call(codes.exact, text)) return { matched: true, value: codes.exact[text] };
  const lc = text.toLowerCase();
  for (const [k, v] of Object.entries(codes.ci)) if (k.toLowerCase() === lc) return { matched: true, value: v };
  for (const r of codes.regex) if (specRegex(r.pattern).test(text)) return { matched: true, value: r.code };
  return { matched: false, value: null };
}

/** `text.split(sep)[index]` without building the array. */
function splitPart(text: string, sep: string, index: number): string | undefined {
  let from = 0;
  for (let i = 0; i < index; i++) {
    const at = text.indexOf(sep, from);
    if (at === -1) return undefined;
    from = at + sep.length;
  }
  const end = text.indexOf(sep, from);
  return end === -1 ? text.slice(from) : text.slice(from, end);
}

const lastDate = new WeakMap<FieldMapObject, { text: string; format: string; zone: string; result: DateParse }>();

interface CodeHit {
  key: string;
  matched: boolean;
  value: unknown;
}
const codeMemo = new WeakMap<CodeMap, Map<unknown, CodeHit> | null>();
const MEMO_LIMIT = 20_000;

/**
 * mapCode on the whitespace-normalised text of `v`, memoised per code map and distinct value:
 * codes repeat massively (a few hundred distinct values over a million rows). A list value is
 * shared by the memo; callers copy it.
 */
function lookupCode(codes: CodeMap, v: unknown): CodeHit {
  let memo = codeMemo.get(codes);
  if (memo === undefined) codeMemo.set(codes, (memo = new Map()));
  let hit = memo?.get(v);
  if (hit === undefined) {
    const key = typeof v === 'string' ? v.replace(/\s+/g, ' ') : String(v);
    const m = mapCode(codes, key);
    hit = { key, matched: m.matched, value: m.value };
    if (memo && (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) {
      // Free text (hold reasons, joined name + value) makes too many distinct values to pay: no memo then.
      if (memo.size >= MEMO_LIMIT) codeMemo.set(codes, null);
      else memo.set(v, hit);
    }
  }
  return hit;
}

export function evalField(fm: FieldMapObject, row: SourceRow, ctx: EvalContext): Eval {
  if (ctx.defer !== undefined) {
    const d = ctx.defer(fm, row, ctx);
    if (d !== undefined) return d;
  }
  if (fm.hours_between) return hoursBetween(fm, row, ctx);
  let raw: unknown;
  if (fm.value !== undefined) raw = fm.value;
  else if (fm.from !== undefined) raw = pickAll(row.values, fm.from, fm.join);
  else if (fm.first_of !== undefined) raw = pickFirst(row.values, fm.first_of);
  else if (fm.codings !== undefined) {
    const c = codingsValue(fm, row, ctx);
    if (!c.ok) return c;
    raw = c.value;
  }
  const original = raw;
  if (typeof raw === 'string') {
    raw = raw.trim();
    if (raw === '') raw = null;
  }
  if (raw === null || raw === undefined) {
    if (fm.codes?.list) return { ok: true, value: [], raw: original };
    return { ok: true, value: fm.default ?? null, raw: original };
  }
  let v: unknown = raw;
  if (fm.regex !== undefined) {
    const m = specRegex(fm.regex).capture(String(v));
    if (m === null && fm.optional_match) return { ok: true, value: fm.codes?.list ? [] : (fm.default ?? null), raw: original };
    if (m === null) return { ok: false, check: 'format', message: `${JSON.stringify(v)} does not match ${fm.regex}`, raw: original };
    v = m;
  }
  if (fm.split) {
    const part = splitPart(String(v), fm.split.sep, fm.split.index);
    if (part === undefined || part.trim() === '')
      return {
        ok: false,
        check: 'format',
        message: `${JSON.stringify(v)} has no part ${fm.split.index + 1} when split on ${JSON.stringify(fm.split.sep)}`,
        raw: original,
      };
    v = part.trim();
  }
  if (fm.codes) {
    const m = lookupCode(fm.codes, v);
    const key = m.key;
    if (!m.matched) {
      // Routing questions (when/skip) expect most values to be unmapped; only field values are reported.
      if (!(ctx.routing ?? (ctx.fieldName.endsWith('.when') || ctx.fieldName.endsWith('.skip')))) {
        let seen = ctx.unmapped.get(ctx.fieldName);
        if (!seen) ctx.unmapped.set(ctx.fieldName, (seen = new Map()));
        seen.set(key, (seen.get(key) ?? 0) + (ctx.weight ?? 1));
      }
      if (fm.codes.unmapped === 'quarantine') return { ok: false, check: 'unmapped_code', message: unmappedMessage(ctx.fieldName, key), raw: original };
      v = fm.codes.unmapped === 'null' ? (fm.codes.list ? [] : null) : v;
    } else v = fm.codes.list ? (m.value as unknown[]).slice() : m.value;
  }
  if (fm.date !== undefined || (fm.value === undefined && v instanceof Date)) {
    const zone = fm.time_zone ?? ctx.timeZone;
    let r: DateParse;
    let precision: 'year' | 'month' | 'day' | 'minute' = 'minute';
    if (v instanceof Date)
      r = fromWallClock(v.getUTCFullYear(), v.getUTCMonth() + 1, v.getUTCDate(), v.getUTCHours(), v.getUTCMinutes(), v.getUTCSeconds(), zone);
    else {
      // Consecutive rows mostly repeat a field's time stamp: the field's last parse is checked first.
      const text = String(v);
      const format = fm.date ?? ctx.dateFormat;
      let last = lastDate.get(fm);
      if (last === undefined || last.text !== text || last.format !== format || last.zone !== zone) {
        last = { text, format, zone, result: parseDateTime(text, format, zone) };
        lastDate.set(fm, last);
      }
      r = last.result;
      precision = datePrecision(text, format);
    }
    if (!r.ok)
      return {
        ok: false,
        check: r.reason === 'dst_gap' ? 'dst_gap' : r.reason === 'impossible' ? 'impossible_date' : 'date_format',
        message: r.message,
        raw: original,
      };
    return precision === 'minute' ? { ok: true, value: r.iso, raw: original, ms: r.ms } : { ok: true, value: r.iso, raw: original, ms: r.ms, precision };
  } else if (fm.number || fm.multiply !== undefined) {
    if (typeof v !== 'number') {
      const n = parseNumber(String(v), ctx.decimal);
      if (n === null)
        return {
          ok: false,
          check: 'number_format',
          message: `${JSON.stringify(v)} is not a number${ctx.decimal === ',' ? ' (decimal comma expected)' : ''}`,
          raw: original,
        };
      v = n;
    }
    if (fm.multiply !== undefined) v = Math.round((v as number) * fm.multiply * 1e6) / 1e6;
  }
  return { ok: true, value: v, raw: original };
}

/** Hours between two instants of the row (e.g. a FHIR effectivePeriod), for period_hours; none when they are the same instant. */
function hoursBetween(fm: FieldMapObject, row: SourceRow, ctx: EvalContext): Eval {
  const hb = fm.hours_between!;
  const a = evalField({ from: hb.start, date: fm.date ?? ctx.dateFormat }, row, ctx);
  const b = evalField({ from: hb.end, date: fm.date ?? ctx.dateFormat }, row, ctx);
  if (!a.ok) return a;
  if (!b.ok) return b;
  if (a.ms === undefined || b.ms === undefined) return { ok: true, value: null, raw: null };
  // A period that starts when it ends is a point in time (FHIR effectivePeriod with start = end): no period.
  if (a.ms === b.ms) return { ok: true, value: null, raw: `${String(a.raw)}/${String(b.raw)}` };
  return { ok: true, value: Math.round(((b.ms - a.ms) / 3_600_000) * 1000) / 1000, raw: `${String(a.raw)}/${String(b.raw)}` };
}

const unmappedHints = new Map<string, string | null>();

/**
 * What to do about an unmapped code: for a field with allowed values (label `source.table.field`), map it to one of
 * them only if it means one; otherwise the record stays quarantined (a disease outside the kit's scope is never a placeholder).
 */
export function unmappedMessage(label: string, key: string): string {
  let hint = unmappedHints.get(label);
  if (hint === undefined) {
    const [, table, name] = label.split('.');
    const info = table && isTableName(table) ? describeFields(TABLES[table].schema).find((f) => f.name === name) : undefined;
    hint = info?.values
      ? `map it to one of ${info.values.join(', ')} only if it means one of them; otherwise the record stays quarantined (${table}.${name}: ` +
        `${info.description})`
      : null;
    unmappedHints.set(label, hint);
  }
  return `${JSON.stringify(key)} is not in the code map; ${hint ?? 'add it to the mapping spec'}`;
}
