// Calendar quarters: the finest time a bundle carries.

/** The UTC calendar quarter of an instant (epoch ms), e.g. '2024-Q3'. @example quarterOf(Date.UTC(2024, 7, 1)) // '2024-Q3' */
export function quarterOf(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-Q${Math.floor(d.getUTCMonth() / 3) + 1}`;
}

/** Quarter as an ordinal (year × 4 + quarter − 1), for comparing periods. @example quarterIndex('2024-Q1') < quarterIndex('2024-Q2') */
export function quarterIndex(q: string): number {
  const [y, n] = q.split('-Q');
  return Number(y) * 4 + Number(n) - 1;
}

/** Whether two quarter ranges share a quarter. @example periodsOverlap({ first: '2024-Q1', last: '2024-Q4' }, { first: '2024-Q4', last: '2025-Q2' }) // true */
export function periodsOverlap(a: { first: string; last: string }, b: { first: string; last: string }): boolean {
  return quarterIndex(a.first) <= quarterIndex(b.last) && quarterIndex(b.first) <= quarterIndex(a.last);
}
