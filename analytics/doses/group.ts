// Grouping helper shared by the dose and response verbs: keys in sorted order, rows kept in input order.

/** Groups rows by a string key; the map iterates keys in sorted order (numeric-aware). */
export function groupBy<T>(rows: readonly T[], key: (r: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const g = m.get(k);
    if (g) g.push(r);
    else m.set(k, [r]);
  }
  return new Map([...m.entries()].sort(([a], [b]) => compareLabels(a, b)));
}

// localeCompare(b, 'en', { numeric: true }) builds a collator on every call; one shared collator orders the same.
const LABEL_COLLATOR = new Intl.Collator('en', { numeric: true });

/** Sort order for labels: numbers numerically, ALL last, otherwise text order. */
export function compareLabels(a: string, b: string): number {
  if (a === b) return 0;
  if (a === 'ALL') return 1;
  if (b === 'ALL') return -1;
  return LABEL_COLLATOR.compare(a, b);
}

/** Centre groups followed by an all-centres group (labelled `all`). */
export function byCentreAndAll<T extends { centre_id: string }>(rows: readonly T[], all: string): [string, T[]][] {
  const groups = [...groupBy(rows, (r) => r.centre_id).entries()];
  return groups.length > 1 ? [...groups, [all, [...rows]]] : groups;
}
