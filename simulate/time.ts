// Time helpers: instants are epoch milliseconds (UTC); local wall-clock times are derived per IANA
// zone with a per-hour cache (zones used here change offset only on whole hours).

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

const offsetCache = new Map<string, Map<number, [number, number][]>>();
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(tz, f);
  }
  return f;
}

function intlOffset(tz: string, utcMs: number): number {
  const parts = formatter(tz).formatToParts(new Date(utcMs));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? '0');
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(utcMs / 1000) * 1000) / 60_000);
}

/**
 * Offset segments of one UTC year: [start ms, offset min] pairs, found by sampling Intl daily and
 * bisecting each change to the minute. Built once per zone and year, so lookups are cheap.
 */
function yearSegments(tz: string, year: number): [number, number][] {
  const start = Date.UTC(year, 0, 1);
  const end = Date.UTC(year + 1, 0, 1);
  const segs: [number, number][] = [[start, intlOffset(tz, start)]];
  let prevT = start;
  let prevOff = segs[0]?.[1] ?? 0;
  for (let t = start + DAY_MS; t <= end; t += DAY_MS) {
    const off = intlOffset(tz, Math.min(t, end - 1));
    if (off !== prevOff) {
      let lo = prevT;
      let hi = Math.min(t, end - 1);
      while (hi - lo > 60_000) {
        const mid = lo + Math.floor((hi - lo) / 2 / 60_000) * 60_000;
        if (intlOffset(tz, mid) === prevOff) lo = mid;
        else hi = mid;
      }
      segs.push([hi, off]);
      prevOff = off;
    }
    prevT = t;
  }
  return segs;
}

/** Offset of `tz` from UTC at instant `utcMs`, in minutes (local = UTC + offset). */
export function tzOffsetMinutes(tz: string, utcMs: number): number {
  if (tz === 'UTC') return 0;
  let cache = offsetCache.get(tz);
  if (cache === undefined) {
    cache = new Map();
    offsetCache.set(tz, cache);
  }
  const year = new Date(utcMs).getUTCFullYear();
  let segs = cache.get(year);
  if (segs === undefined) {
    segs = yearSegments(tz, year);
    cache.set(year, segs);
  }
  let off = segs[0]?.[1] ?? 0;
  for (const [t, o] of segs) {
    if (utcMs >= t) off = o;
    else break;
  }
  return off;
}

/** Wall-clock fields of an instant in a zone. */
export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  offsetMinutes: number;
}

export function localParts(tz: string, utcMs: number): LocalParts {
  const off = tzOffsetMinutes(tz, utcMs);
  const d = new Date(utcMs + off * 60_000);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    offsetMinutes: off,
  };
}

/** The instant at which the wall clock in `tz` shows the given time (first occurrence if ambiguous). */
export function localToUtc(tz: string, year: number, month: number, day: number, hour: number, minute = 0): number {
  const naive = Date.UTC(year, month - 1, day, hour, minute);
  let guess = naive - tzOffsetMinutes(tz, naive) * 60_000;
  guess = naive - tzOffsetMinutes(tz, guess) * 60_000;
  return guess;
}

const p2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

export function isoUtc(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** ISO 8601 with the zone's offset, e.g. 2021-03-04T08:00:00-08:00. */
export function isoLocal(tz: string, ms: number): string {
  const l = localParts(tz, ms);
  const off = l.offsetMinutes;
  const sign = off < 0 ? '-' : '+';
  const a = Math.abs(off);
  return `${l.year}-${p2(l.month)}-${p2(l.day)}T${p2(l.hour)}:${p2(l.minute)}:${p2(l.second)}${sign}${p2(Math.floor(a / 60))}:${p2(a % 60)}`;
}

/** Local time formatted by a simple pattern: YYYY MM DD HH mm ss. */
export function formatLocal(tz: string, ms: number, pattern: string): string {
  const l = localParts(tz, ms);
  return pattern
    .replace('YYYY', String(l.year))
    .replace('MM', p2(l.month))
    .replace('DD', p2(l.day))
    .replace('HH', p2(l.hour))
    .replace('mm', p2(l.minute))
    .replace('ss', p2(l.second));
}

/** Calendar date (no zone) formatted by pattern. */
export function formatDate(year: number, month: number, day: number, pattern: string): string {
  return pattern.replace('YYYY', String(year)).replace('MM', p2(month)).replace('DD', p2(day));
}

/** A Date whose UTC fields equal the local wall-clock time (what spreadsheet date cells store). */
export function localAsUtcDate(tz: string, ms: number): Date {
  return new Date(ms + tzOffsetMinutes(tz, ms) * 60_000);
}
