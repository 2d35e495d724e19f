// Local date-times in a centre's format and IANA time zone → UTC instants.
// Impossible dates (31 Feb) and times inside a daylight-saving gap are errors; times in the
// repeated hour of a fall-back change have two readings, returned for the caller to choose.

export type DateParse =
  | { ok: true; iso: string; ms: number; /** Later reading of a fall-back repeated hour. */ alternative: { iso: string; ms: number } | null }
  | { ok: false; reason: 'unparseable' | 'impossible' | 'dst_gap'; message: string };

interface Compiled {
  re: RegExp;
  groups: string[];
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
  const c = { re: new RegExp(`^\\s*${src}\\s*$`), groups };
  compiled.set(format, c);
  return c;
}

const offsetCache = new Map<string, Map<number, number>>();
const dayCache = new Map<string, Map<number, number | null>>();
const formatters = new Map<string, Intl.DateTimeFormat>();
const DAY = 86_400_000;

/**
 * Offset of `zone` from UTC at instant `ms`, in ms. Cached per UTC day when the offset is the same at
 * both ends of the day (nearly every day), else per quarter hour (zones change offset on quarter hours).
 */
export function zoneOffset(zone: string, ms: number): number {
  if (zone === 'UTC' || zone === 'Etc/UTC') return 0;
  let days = dayCache.get(zone);
  if (!days) dayCache.set(zone, (days = new Map()));
  const day = Math.floor(ms / DAY);
  let whole = days.get(day);
  if (whole === undefined) {
    const a = quarterOffset(zone, day * DAY);
    whole = a === quarterOffset(zone, (day + 1) * DAY - 1) ? a : null;
    days.set(day, whole);
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
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(zone, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(new Date(bucket * 900_000))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  const wall = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  const off = wall - bucket * 900_000;
  cache.set(bucket, off);
  return off;
}

export function isoFromMs(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** Wall-clock fields in a zone → the UTC instant(s) they denote. */
export function fromWallClock(y: number, mo: number, d: number, h: number, mi: number, s: number, zone: string): DateParse {
  const daysIn = new Date(Date.UTC(y, mo, 0)).getUTCDate();
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

/** Parses `text` in `format` (or ISO 8601 when format is 'iso') as a wall-clock time in `zone`. */
export function parseDateTime(text: string, format: string, zone: string): DateParse {
  if (format === 'iso') return parseIso(text, zone);
  const { re, groups } = compileFormat(format);
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

const ISO = /^\s*(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?\s*$/;

/** ISO 8601: with Z or an offset it is an instant; without, a wall-clock time in `zone`. */
export function parseIso(text: string, zone: string): DateParse {
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

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
