import { describe, expect, it } from 'vitest';
import { fromWallClock, parseDateTime, zoneOffset } from '../../../pipelines/map/datetime.js';

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
