// The period a report covers, as month and year only (no day: closer to the data than an investigator needs).
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** "March 2019" (UTC). */
export function monthYear(d: Date): string {
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/**
 * The span of a set of dates as "March 2019 – November 2023" (one month when they fall in it), or null when none.
 * @example periodLabel([new Date('2019-03-04'), new Date('2023-11-20')]) === 'March 2019 – November 2023'
 */
export function periodLabel(dates: readonly (Date | null)[]): string | null {
  const ts = dates.filter((d): d is Date => d !== null && !Number.isNaN(d.getTime())).map((d) => d.getTime());
  if (ts.length === 0) return null;
  const first = monthYear(new Date(Math.min(...ts)));
  const last = monthYear(new Date(Math.max(...ts)));
  return first === last ? first : `${first} – ${last}`;
}
