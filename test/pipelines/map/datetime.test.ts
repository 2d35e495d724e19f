import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromWallClock, parseDateTime, parseDateTimeByRegex, zoneOffset } from '../../../pipelines/map/datetime.js';

describe('local times to UTC', () => {
  it('converts ordinary times with the zone’s offset, summer and winter', () => {
    expect(parseDateTime('15-01-2024 08:00', 'dd-MM-yyyy HH:mm', 'Europe/Amsterdam')).toMatchObject({ ok: true, iso: '2024-01-15T07:00:00Z' });
    expect(parseDateTime('15-07-2024 08:00', 'dd-MM-yyyy HH:mm', 'Europe/Amsterdam')).toMatchObject({ ok: true, iso: '2024-07-15T06:00:00Z' });
    expect(parseDateTime('07/15/2024 08:00', 'MM/dd/yyyy HH:mm', 'America/New_York')).toMatchObject({ ok: true, iso: '2024-07-15T12:00:00Z' });
  });
  it('on the day clocks go forward: before, in the gap, after', () => {
    expect(fromWallClock(2024, 3, 31, 1, 30, 0, 'Europe/Amsterdam')).toMatchObject({ ok: true, iso: '2024-03-31T00:30:00Z' });
    expect(fromWallClock(2024, 3, 31, 2, 30, 0, 'Europe/Amsterdam')).toMatchObject({ ok: false, reason: 'dst_gap' });
    expect(fromWallClock(2024, 3, 31, 3, 30, 0, 'Europe/Amsterdam')).toMatchObject({ ok: true, iso: '2024-03-31T01:30:00Z' });
  });
  it('in the repeated hour when clocks go back: first reading, the other offered', () => {
    const r = fromWallClock(2024, 10, 27, 2, 30, 0, 'Europe/Amsterdam');
    expect(r).toMatchObject({ ok: true, iso: '2024-10-27T00:30:00Z', alternative: { iso: '2024-10-27T01:30:00Z' } });
    expect(fromWallClock(2024, 10, 27, 4, 0, 0, 'Europe/Amsterdam')).toMatchObject({ ok: true, iso: '2024-10-27T03:00:00Z', alternative: null });
  });
  it('offsets are right on both sides of a change, whatever was asked before', () => {
    const change = Date.UTC(2024, 2, 31, 1, 0, 0); // 02:00 CET → 03:00 CEST
    expect(zoneOffset('Europe/Amsterdam', change - 1)).toBe(3_600_000);
    expect(zoneOffset('Europe/Amsterdam', change)).toBe(7_200_000);
    expect(zoneOffset('America/Los_Angeles', Date.UTC(2024, 10, 3, 8, 59))).toBe(-7 * 3_600_000);
    expect(zoneOffset('America/Los_Angeles', Date.UTC(2024, 10, 3, 9, 0))).toBe(-8 * 3_600_000);
  });
  it('rejects impossible dates and text in another format', () => {
    expect(parseDateTime('31-02-2024 08:00', 'dd-MM-yyyy HH:mm', 'UTC')).toMatchObject({ ok: false, reason: 'impossible' });
    expect(parseDateTime('2024-02-10 08:00', 'dd-MM-yyyy HH:mm', 'UTC')).toMatchObject({ ok: false, reason: 'unparseable' });
    expect(parseDateTime('2024-03-04T08:00:00-05:00', 'iso', 'Europe/Amsterdam')).toMatchObject({ ok: true, iso: '2024-03-04T13:00:00Z' });
  });
});

describe('fixed-width reading', () => {
  // Texts near each format's shape: digits, separators, stray spaces, impossible and DST-gap times.
  const digit = fc.constantFrom(...'0123456789');
  const piece = fc.oneof({ arbitrary: digit, weight: 10 }, { arbitrary: fc.constantFrom('-', ':', ' ', '/', '.', 'T', 'Z', '+', 'a', 'P', 'M', '\t'), weight: 2 });
  const formats = ['yyyy-MM-dd HH:mm:ss', 'dd-MM-yyyy HH:mm', 'MM/dd/yyyy hh:mm a', 'd-M-yyyy H:mm', 'yyyy-MM-dd', 'dd.MM.yy HH:mm', 'yyyy-MM-dd[ HH:mm]', 'iso'];
  const zones = ['Europe/Amsterdam', 'America/Chicago', 'America/Los_Angeles', 'UTC'];
  const real = fc.tuple(fc.integer({ min: Date.UTC(2019, 0, 1), max: Date.UTC(2026, 0, 1) }), fc.constantFrom(...formats)).map(([ms, f]) => {
    const iso = new Date(ms - (ms % 60_000)).toISOString();
    const [y, mo, d, h, mi, s] = [iso.slice(0, 4), iso.slice(5, 7), iso.slice(8, 10), iso.slice(11, 13), iso.slice(14, 16), iso.slice(17, 19)];
    if (f === 'iso') return [`${y}-${mo}-${d}T${h}:${mi}:${s}${['', 'Z', '+02:00', '-05:00', '+0200'][ms % 5]}`, f] as const;
    return [f.replace('yyyy', y).replace('yy', y.slice(2)).replace('MM', mo).replace('dd', d).replace('HH', h).replace('hh', h).replace('mm', mi).replace('ss', s).replace(/\ba\b/, ms % 2 ? 'PM' : 'am'), f] as const;
  });
  const mutated = fc.tuple(real, fc.integer({ min: 0, max: 30 }), piece).map(([[t, f], at, ch]) => [at < t.length ? t.slice(0, at) + ch + t.slice(at + 1) : ` ${t}`, f] as const);
  const anyText = fc.tuple(fc.array(piece, { maxLength: 26 }).map((a) => a.join('')), fc.constantFrom(...formats));

  it('reads every text as the format regex does', () => {
    fc.assert(
      fc.property(fc.oneof(real, mutated, anyText), fc.constantFrom(...zones), ([text, format], zone) => {
        expect(parseDateTime(text, format, zone)).toEqual(parseDateTimeByRegex(text, format, zone));
      }),
      { numRuns: 20_000, seed: 5 },
    );
  });

  it('covers the repeated and skipped hours of DST changes', () => {
    for (const text of ['2024-03-31 02:30:00', '2024-10-27 02:30:00', '2024-03-10 02:30:00', '2024-11-03 01:30:00', '2024-02-30 08:00:00', '2024-13-01 08:00:00', '2024-02-29 24:00:00']) {
      for (const zone of zones) expect(parseDateTime(text, 'yyyy-MM-dd HH:mm:ss', zone)).toEqual(parseDateTimeByRegex(text, 'yyyy-MM-dd HH:mm:ss', zone));
    }
    for (const text of ['2024-03-31T02:30:00', '2024-03-31T02:30:00+01:00', '2024-02-30T08:00:00Z', '2024-03-31 02:30:00-00:00']) {
      for (const zone of zones) expect(parseDateTime(text, 'iso', zone)).toEqual(parseDateTimeByRegex(text, 'iso', zone));
    }
  });
});
