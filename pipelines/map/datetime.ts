// Local date-times in a centre's format and IANA time zone → UTC instants.
// Impossible dates (31 Feb) and times inside a daylight-saving gap are errors; times in the
// repeated hour of a fall-back change have two readings, returned for the caller to choose.

export type DateParse =
  | { ok: true; iso: string; ms: number; /** Later reading of a fall-back repeated hour. */ alternative: { iso: string; ms: number } | null }
  | { ok: false; reason: 'unparseable' | 'impossible' | 'dst_gap'; message: string };

interface Compiled {
  re: RegExp;
  groups: string[];
  /**
   * For formats of fixed-width tokens and plain separators (yyyy-MM-dd HH:mm:ss): per character,
   * a digit of a field or the separator expected. Texts of exactly that length are read without
   * the regex (the regex gives the same fields for them); any other text goes through the regex.
   */
  fixed: { length: number; fields: { group: string; at: number; width: number }[]; literals: { at: number; code: number }[] } | null;
}

const TOKENS: Record<string, string> = {
  yyyy: '(\\d{4})', yy: '(\\d{2})', MM: '(\\d{2})', M: '(\\d{1,2})', dd: '(\\d{2})', d: '(\\d{1,2})',
  HH: '(\\d{2})', H: '(\\d{1,2})', hh: '(\\d{2})', h: '(\\d{1,2})', mm: '(\\d{2})', ss: '(\\d{2})', a: '([AaPp][Mm])',
};
const TOKEN_RE = /yyyy|yy|MM|M|dd|d|HH|H|hh|h|mm|ss|a/g;
const compiled = new Map<string, Compiled>();

/** Compiles a format such as 'dd-MM-yyyy HH:mm' (tokens yyyy yy MM M dd d HH H hh h mm ss a; `[…]` makes a part optional). */
export function compileFormat(format: string): Compiled {
  const hit = compiled.get(format);
  if (hit) return hit;
  const groups: string[] = [];
  let src = '';
  let last = 0;
  const escape = (s: string) => s.replace(/[.*+?^${}()|\\]/g, '\\$&').replace(/\[/g, '(?:').replace(/\]/g, ')?');
  for (const m of format.matchAll(TOKEN_RE)) {
    src += escape(format.slice(last, m.index));
    src += TOKENS[m[0]]!;
    groups.push(m[0]);
    last = m.index + m[0].length;
  }
  src += escape(format.slice(last));
  const c = { re: new RegExp(`^\\s*${src}\\s*$`), groups, fixed: fixedLayout(format) };
  compiled.set(format, c);
  return c;
}

const WIDTH: Record<string, number> = { yyyy: 4, yy: 2, MM: 2, dd: 2, HH: 2, hh: 2, mm: 2, ss: 2 };

function fixedLayout(format: string): Compiled['fixed'] {
  if (/[[\]]/.test(format)) return null;
  const fields: { group: string; at: number; width: number }[] = [];
  const literals: { at: number; code: number }[] = [];
  let at = 0;
  let last = 0;
  const literal = (text: string) => {
    for (const ch of text) {
      // A whitespace separator may match other whitespace through the regex's edges; keep those to the regex.
      if (/\s/.test(ch) && (at === 0)) return false;
      literals.push({ at, code: ch.charCodeAt(0) });
      at++;
    }
    return true;
  };
  for (const m of format.matchAll(TOKEN_RE)) {
    const width = WIDTH[m[0]];
    if (width === undefined || !literal(format.slice(last, m.index))) return null;
    fields.push({ group: m[0], at, width });
    at += width;
    last = m.index + m[0].length;
  }
  if (!literal(format.slice(last))) return null;
  if (literals.some((l) => l.code > 0x7f) || /\s$/.test(format)) return null;
  return { length: at, fields, literals };
}

/** Digits of `text` from `at`, `width` long, as a number; -1 when one is not 0-9. */
function digits(text: string, at: number, width: number): number {
  let n = 0;
  for (let i = at; i < at + width; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

const offsetCache = new Map<string, Map<number, number>>();
const SLOTS = 256;
const zoneDays = new Map<string, { days: Map<number, number | null>; slotDay: Float64Array; slotWhole: Float64Array }>();
const formatters = new Map<string, Intl.DateTimeFormat>();
const DAY = 86_400_000;

/**
 * Offset of `zone` from UTC at instant `ms`, in ms. Cached per UTC day when the offset is the same at
 * both ends of the day (nearly every day), else per quarter hour (zones change offset on quarter hours).
 */
export function zoneOffset(zone: string, ms: number): number {
  if (zone === 'UTC' || zone === 'Etc/UTC') return 0;
  let z = zoneDays.get(zone);
  if (!z) zoneDays.set(zone, (z = { days: new Map(), slotDay: new Float64Array(SLOTS).fill(NaN), slotWhole: new Float64Array(SLOTS) }));
  const day = Math.floor(ms / DAY);
  // A small direct-mapped table of recent days in front of the map: instants come clustered in time.
  const slot = day & (SLOTS - 1);
  let whole: number | null;
  if (z.slotDay[slot] === day) whole = z.slotWhole[slot]!;
  else {
    let w = z.days.get(day);
    if (w === undefined) {
      const a = quarterOffset(zone, day * DAY);
      w = a === quarterOffset(zone, (day + 1) * DAY - 1) ? a : null;
      z.days.set(day, w);
    }
    whole = w;
    if (w !== null) {
      z.slotDay[slot] = day;
      z.slotWhole[slot] = w;
    }
  }
  return whole ?? quarterOffset(zone, ms);
}

function quarterOffset(zone: string, ms: number): number {
  let cache = offsetCache.get(zone);
  if (!cache) offsetCache.set(zone, (cache = new Map()));
  const bucket = Math.floor(ms / 900_000);
  const hit = cache.get(bucket);
  if (hit !== undefined) return hit;
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(new Date(bucket * 900_000))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  const wall = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  const off = wall - bucket * 900_000;
  cache.set(bucket, off);
  return off;
}

const prefixDay = new Float64Array(1024).fill(NaN);
const prefixText: string[] = new Array<string>(1024).fill('');
const TWO = Array.from({ length: 60 }, (_, i) => (i < 10 ? `0${i}` : String(i)));

/** ISO 8601 UTC text of an instant, whole seconds without a fraction ('2024-03-01T08:00:00Z'). */
export function isoFromMs(ms: number): string {
  // Whole seconds within years 1970–9999 (nearly every instant): the day's prefix is cached and
  // the time of day written from a table; anything else goes through Date (same text either way).
  if (ms >= 0 && ms < 253_402_300_800_000 && ms % 1000 === 0) {
    const day = Math.floor(ms / DAY);
    const slot = day & 1023;
    let prefix: string;
    if (prefixDay[slot] === day) prefix = prefixText[slot]!;
    else {
      prefix = new Date(day * DAY).toISOString().slice(0, 11);
      prefixDay[slot] = day;
      prefixText[slot] = prefix;
    }
    const secs = (ms - day * DAY) / 1000;
    const h = Math.floor(secs / 3600);
    const rest = secs - h * 3600;
    const m = Math.floor(rest / 60);
    return `${prefix}${TWO[h]!}:${TWO[m]!}:${TWO[rest - m * 60]!}Z`;
  }
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days in month `mo` (1–12) of year `y`, as `new Date(Date.UTC(y, mo, 0)).getUTCDate()` gives them. */
function daysInMonth(y: number, mo: number): number {
  if (mo >= 1 && mo <= 12 && Number.isInteger(y) && y >= 100 && y <= 9999) {
    if (mo !== 2) return MONTH_DAYS[mo - 1]!;
    return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  }
  return new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

/** Wall-clock fields in a zone → the UTC instant(s) they denote. */
export function fromWallClock(y: number, mo: number, d: number, h: number, mi: number, s: number, zone: string): DateParse {
  const daysIn = daysInMonth(y, mo);
  if (mo < 1 || mo > 12 || d < 1 || d > daysIn || h > 23 || mi > 59 || s > 59) {
    return { ok: false, reason: 'impossible', message: `${y}-${pad(mo)}-${pad(d)} ${pad(h)}:${pad(mi)} is not a real date-time` };
  }
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  // Fast path: the same offset 14 h either side means no clock change nearby, so one reading.
  const before = zoneOffset(zone, wall - 14 * 3600_000);
  if (before === zoneOffset(zone, wall + 14 * 3600_000)) {
    const t = wall - before;
    return { ok: true, iso: isoFromMs(t), ms: t, alternative: null };
  }
  const readings = new Set<number>();
  for (const probe of [wall - 14 * 3600_000, wall, wall + 14 * 3600_000]) {
    const cand = wall - zoneOffset(zone, probe);
    if (cand + zoneOffset(zone, cand) === wall) readings.add(cand);
  }
  const sorted = [...readings].sort((a, b) => a - b);
  if (sorted.length === 0) {
    return { ok: false, reason: 'dst_gap', message: `${y}-${pad(mo)}-${pad(d)} ${pad(h)}:${pad(mi)} does not exist in ${zone} (clocks go forward)` };
  }
  const first = sorted[0]!;
  const later = sorted.length > 1 ? sorted[sorted.length - 1]! : null;
  return { ok: true, iso: isoFromMs(first), ms: first, alternative: later === null ? null : { iso: isoFromMs(later), ms: later } };
}

interface LastParse {
  text: string | null;
  result: DateParse | null;
}
const lastParse = new Map<string, Map<string, LastParse>>();

/**
 * Parses `text` in `format` (or ISO 8601 when format is 'iso') as a wall-clock time in `zone`.
 * Consecutive rows mostly repeat their time stamp (one row per variable of a vitals time), so the
 * last result per format and zone is kept; a result is never changed by its callers.
 */
export function parseDateTime(text: string, format: string, zone: string): DateParse {
  let byZone = lastParse.get(format);
  if (!byZone) lastParse.set(format, (byZone = new Map()));
  let last = byZone.get(zone);
  if (!last) byZone.set(zone, (last = { text: null, result: null }));
  if (text === last.text) return last.result!;
  const r = parseDateTimeUncached(text, format, zone);
  last.text = text;
  last.result = r;
  return r;
}

/** parseDateTime through the format's regex only (no fixed-width reading, no cache): the reference the tests hold the fast reading to. */
export function parseDateTimeByRegex(text: string, format: string, zone: string): DateParse {
  return parseDateTimeUncached(text, format, zone, false);
}

function parseDateTimeUncached(text: string, format: string, zone: string, fast = true): DateParse {
  if (format === 'iso') return parseIso(text, zone, fast);
  const { re, groups, fixed } = compileFormat(format);
  if (fast && fixed !== null && text.length === fixed.length) {
    const r = readFixed(text, fixed, zone);
    if (r !== null) return r;
  }
  const m = re.exec(text);
  if (!m) return { ok: false, reason: 'unparseable', message: `${JSON.stringify(text)} does not match the date format ${format}` };
  let y = 0, mo = 1, d = 1, h = 0, mi = 0, s = 0;
  let ampm: string | null = null;
  groups.forEach((g, i) => {
    const v = m[i + 1];
    if (v === undefined) return;
    const n = Number(v);
    if (g === 'yyyy') y = n;
    else if (g === 'yy') y = 2000 + n;
    else if (g === 'MM' || g === 'M') mo = n;
    else if (g === 'dd' || g === 'd') d = n;
    else if (g === 'HH' || g === 'H' || g === 'hh' || g === 'h') h = n;
    else if (g === 'mm') mi = n;
    else if (g === 'ss') s = n;
    else if (g === 'a') ampm = v.toLowerCase();
  });
  if (ampm !== null) {
    if (h < 1 || h > 12) return { ok: false, reason: 'impossible', message: `${JSON.stringify(text)}: hour ${h} with AM/PM` };
    h = (h % 12) + (ampm === 'pm' ? 12 : 0);
  }
  return fromWallClock(y, mo, d, h, mi, s, zone);
}

function readFixed(text: string, fixed: NonNullable<Compiled['fixed']>, zone: string): DateParse | null {
  for (const l of fixed.literals) if (text.charCodeAt(l.at) !== l.code) return null;
  let y = 0, mo = 1, d = 1, h = 0, mi = 0, s = 0;
  for (const f of fixed.fields) {
    const n = digits(text, f.at, f.width);
    if (n < 0) return null;
    const g = f.group;
    if (g === 'yyyy') y = n;
    else if (g === 'yy') y = 2000 + n;
    else if (g === 'MM') mo = n;
    else if (g === 'dd') d = n;
    else if (g === 'HH' || g === 'hh') h = n;
    else if (g === 'mm') mi = n;
    else if (g === 'ss') s = n;
  }
  return fromWallClock(y, mo, d, h, mi, s, zone);
}

/** ISO 8601 reduced precision without a day: a year ('2003') or a month ('2003-07'). */
const ISO_PARTIAL = /^\s*(\d{4})(?:-(\d{2}))?\s*$/;

export type { DatePrecision } from '../../schemas/fields.js';

/**
 * How precisely a text gave its instant: for ISO 8601 by its shape ('2003' year, '2003-07' month, '2003-07-15' day,
 * with a time minute); for other formats by whether the format has an hour.
 * @example datePrecision('2003-07', 'iso') // 'month'
 */
export function datePrecision(text: string, format: string): 'year' | 'month' | 'day' | 'minute' {
  if (format !== 'iso') return /[Hh]/.test(format) ? 'minute' : 'day';
  const t = text.trim();
  if (t.length === 4) return 'year';
  if (t.length === 7) return 'month';
  return t.length === 10 ? 'day' : 'minute';
}

const ISO = /^\s*(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?\s*$/;

/** ISO 8601: with Z or an offset it is an instant; without, a wall-clock time in `zone`. */
export function parseIso(text: string, zone: string, fast = true): DateParse {
  const quick = fast ? readIsoFixed(text, zone) : null;
  if (quick !== null) return quick;
  const partial = ISO_PARTIAL.exec(text);
  if (partial) return fromWallClock(Number(partial[1]), partial[2] === undefined ? 1 : Number(partial[2]), 1, 0, 0, 0, zone);
  const m = ISO.exec(text);
  if (!m) return { ok: false, reason: 'unparseable', message: `${JSON.stringify(text)} is not an ISO 8601 date-time` };
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'].map(Number) as [number, number, number, number, number, number];
  if (!m[7]) return fromWallClock(y, mo, d, h, mi, s, zone);
  const local = fromWallClock(y, mo, d, h, mi, s, 'UTC');
  if (!local.ok) return local;
  const off = m[7] === 'Z' ? 0 : (m[7][0] === '-' ? -1 : 1) * (Number(m[7].slice(1, 3)) * 60 + Number(m[7].slice(-2))) * 60_000;
  const ms = local.ms - off;
  return { ok: true, iso: isoFromMs(ms), ms, alternative: null };
}

/**
 * The common ISO shapes read without the regex: 'yyyy-MM-ddTHH:mm:ss' (T or a space), alone, with
 * Z, or with ±HH:MM. They give the same fields as the regex; null sends any other text to it.
 */
function readIsoFixed(text: string, zone: string): DateParse | null {
  const n = text.length;
  if (n !== 19 && n !== 20 && n !== 25) return null;
  const sep = text.charCodeAt(10);
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || (sep !== 84 && sep !== 32) || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58)
    return null;
  const y = digits(text, 0, 4), mo = digits(text, 5, 2), d = digits(text, 8, 2), h = digits(text, 11, 2), mi = digits(text, 14, 2), s = digits(text, 17, 2);
  if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || s < 0) return null;
  if (n === 19) return fromWallClock(y, mo, d, h, mi, s, zone);
  let off = 0;
  if (n === 20) {
    if (text.charCodeAt(19) !== 90) return null; // Z
  } else {
    const sign = text.charCodeAt(19);
    const oh = digits(text, 20, 2), om = digits(text, 23, 2);
    if ((sign !== 43 && sign !== 45) || text.charCodeAt(22) !== 58 || oh < 0 || om < 0) return null;
    off = (sign === 45 ? -1 : 1) * (oh * 60 + om) * 60_000;
  }
  const local = fromWallClock(y, mo, d, h, mi, s, 'UTC');
  if (!local.ok) return local;
  const ms = local.ms - off;
  return { ok: true, iso: isoFromMs(ms), ms, alternative: null };
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
