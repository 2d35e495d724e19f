// Evaluates one field mapping on one source row: pick → trim → regex → split → codes →
// date or number. Failures come back as values, with the raw text, for the quarantine.
import type { SourceRow } from '../read/source.js';
import { parseDateTime, fromWallClock } from './datetime.js';
import type { CodeMap, FieldMapObject } from './spec.js';

export type Eval = { ok: true; value: unknown; raw: unknown; /** Epoch ms of a parsed date-time. */ ms?: number } | { ok: false; check: string; message: string; raw: unknown };

export interface EvalContext {
  decimal: '.' | ',';
  dateFormat: string;
  timeZone: string;
  /** Unmapped code values seen, by field, for the report. */
  unmapped: Map<string, Map<string, number>>;
  fieldName: string;
}

const pathCache = new Map<string, PathStep[]>();
type PathStep = { key: string } | { index: number } | { match: [string, string] };

function compilePath(path: string): PathStep[] {
  const hit = pathCache.get(path);
  if (hit) return hit;
  const steps: PathStep[] = [];
  for (const part of path.match(/[^.[\]]+|\[[^\]]*\]/g) ?? []) {
    if (part.startsWith('[')) {
      const inner = part.slice(1, -1);
      const eq = inner.indexOf('=');
      if (eq > 0) steps.push({ match: [inner.slice(0, eq), inner.slice(eq + 1)] });
      else steps.push({ index: Number(inner) });
    } else steps.push({ key: part });
  }
  pathCache.set(path, steps);
  return steps;
}

/** Column value, or a JSON path such as code.coding[system=http://loinc.org].code or effectivePeriod.start. */
export function pick(values: Record<string, unknown>, from: string): unknown {
  if (from in values) return values[from];
  if (!/[.[]/.test(from)) return undefined;
  let cur: unknown = values;
  for (const step of compilePath(from)) {
    if (cur === null || cur === undefined) return undefined;
    if ('key' in step) cur = (cur as Record<string, unknown>)[step.key];
    else if ('index' in step) cur = Array.isArray(cur) ? cur[step.index] : undefined;
    else {
      // [a.b.0.c=value]: the first array element whose nested field equals the value (FHIR components, extensions).
      const [key, want] = step.match;
      cur = Array.isArray(cur) ? cur.find((x) => x !== null && typeof x === 'object' && String(pick(x as Record<string, unknown>, key.replace(/\.(\d+)(?=\.|$)/g, '[$1]'))) === want) : undefined;
    }
  }
  return cur;
}

/** Several columns joined with a space (empty parts left out); one column as it is. */
export function pickAll(values: Record<string, unknown>, from: string | string[], join?: string): unknown {
  if (typeof from === 'string') return pick(values, from);
  const parts = from.map((f) => pick(values, f)).filter((x) => x !== null && x !== undefined && String(x).trim() !== '');
  if (parts.length === 0) return null;
  // Without `join`, a date without its time (or the reverse) is no instant: every part is needed.
  if (join === undefined && parts.length < from.length) return null;
  return parts.map((x) => (x instanceof Date ? x.toISOString().slice(0, 10) : String(x).trim())).join(join ?? ' ');
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
    for (const r of codes.regex) if (new RegExp(r.pattern, 'i').test(text)) out.push(r.code);
    const uniq = [...new Set(out.filter((x) => x !== null))];
    return { matched: out.length > 0, value: uniq };
  }
  if (Object.prototype.hasOwnProperty.call(codes.exact, text)) return { matched: true, value: codes.exact[text] };
  const lc = text.toLowerCase();
  for (const [k, v] of Object.entries(codes.ci)) if (k.toLowerCase() === lc) return { matched: true, value: v };
  for (const r of codes.regex) if (regexOf(r.pattern).test(text)) return { matched: true, value: r.code };
  return { matched: false, value: null };
}

const regexCache = new Map<string, RegExp>();
function regexOf(p: string): RegExp {
  let r = regexCache.get(p);
  if (!r) regexCache.set(p, (r = new RegExp(p, 'i')));
  return r;
}

export function evalField(fm: FieldMapObject, row: SourceRow, ctx: EvalContext): Eval {
  if (fm.hours_between) return hoursBetween(fm, row, ctx);
  let raw: unknown = fm.value !== undefined ? fm.value : fm.from !== undefined ? pickAll(row.values, fm.from, fm.join) : undefined;
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
    const m = regexOf(fm.regex).exec(String(v));
    if (!m && fm.optional_match) return { ok: true, value: fm.codes?.list ? [] : (fm.default ?? null), raw: original };
    if (!m) return { ok: false, check: 'format', message: `${JSON.stringify(v)} does not match ${fm.regex}`, raw: original };
    v = m[1] ?? m[0];
  }
  if (fm.split) {
    const parts = String(v).split(fm.split.sep);
    const part = parts[fm.split.index];
    if (part === undefined || part.trim() === '') return { ok: false, check: 'format', message: `${JSON.stringify(v)} has no part ${fm.split.index + 1} when split on ${JSON.stringify(fm.split.sep)}`, raw: original };
    v = part.trim();
  }
  if (fm.codes) {
    const key = typeof v === 'string' ? v.replace(/\s+/g, ' ') : String(v);
    const m = mapCode(fm.codes, key);
    if (!m.matched) {
      // Routing questions (when/skip) expect most values to be unmapped; only field values are reported.
      if (!ctx.fieldName.endsWith('.when') && !ctx.fieldName.endsWith('.skip')) {
        let seen = ctx.unmapped.get(ctx.fieldName);
        if (!seen) ctx.unmapped.set(ctx.fieldName, (seen = new Map()));
        seen.set(key, (seen.get(key) ?? 0) + 1);
      }
      if (fm.codes.unmapped === 'quarantine') return { ok: false, check: 'unmapped_code', message: `${JSON.stringify(key)} is not in the code map; add it to the mapping spec`, raw: original };
      v = fm.codes.unmapped === 'null' ? (fm.codes.list ? [] : null) : v;
    } else v = m.value;
  }
  if (fm.date !== undefined || (fm.from !== undefined && v instanceof Date)) {
    const zone = fm.time_zone ?? ctx.timeZone;
    const r =
      v instanceof Date
        ? fromWallClock(v.getUTCFullYear(), v.getUTCMonth() + 1, v.getUTCDate(), v.getUTCHours(), v.getUTCMinutes(), v.getUTCSeconds(), zone)
        : parseDateTime(String(v), fm.date ?? ctx.dateFormat, zone);
    if (!r.ok) return { ok: false, check: r.reason === 'dst_gap' ? 'dst_gap' : r.reason === 'impossible' ? 'impossible_date' : 'date_format', message: r.message, raw: original };
    return { ok: true, value: r.iso, raw: original, ms: r.ms };
  } else if (fm.number || fm.multiply !== undefined) {
    if (typeof v !== 'number') {
      const n = parseNumber(String(v), ctx.decimal);
      if (n === null) return { ok: false, check: 'number_format', message: `${JSON.stringify(v)} is not a number${ctx.decimal === ',' ? ' (decimal comma expected)' : ''}`, raw: original };
      v = n;
    }
    if (fm.multiply !== undefined) v = Math.round((v as number) * fm.multiply * 1e6) / 1e6;
  }
  return { ok: true, value: v, raw: original };
}

/** Hours between two instants of the row (e.g. a FHIR effectivePeriod), for period_hours. */
function hoursBetween(fm: FieldMapObject, row: SourceRow, ctx: EvalContext): Eval {
  const hb = fm.hours_between!;
  const a = evalField({ from: hb.start, date: fm.date ?? ctx.dateFormat }, row, ctx);
  const b = evalField({ from: hb.end, date: fm.date ?? ctx.dateFormat }, row, ctx);
  if (!a.ok) return a;
  if (!b.ok) return b;
  if (a.ms === undefined || b.ms === undefined) return { ok: true, value: null, raw: null };
  return { ok: true, value: Math.round(((b.ms - a.ms) / 3_600_000) * 1000) / 1000, raw: `${String(a.raw)}/${String(b.raw)}` };
}
