// A source's counts: combined over the columnar and row paths, merged over a source's pieces, in fixed key order.
import type { SourceData } from '../read/source.js';
import type { Candidate, SourceCounts } from '../map/records.js';

/** Entries in key order (code-unit order, not locale). */
export const byKey = (a: [string, unknown], b: [string, unknown]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

export function sortedKeys(o: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(o).sort(byKey));
}

/** Counts of two disjoint sets of a source's rows (columnar and row path) as one mapSource over all of them would give. */
export function combineCounts(a: SourceCounts, b: SourceCounts): SourceCounts {
  const sum = (x: Record<string, number>, y: Record<string, number>) => {
    const out = { ...x };
    for (const [k, v] of Object.entries(y)) out[k] = (out[k] ?? 0) + v;
    return out;
  };
  return {
    ...a,
    rows: a.rows + b.rows,
    skipped: a.skipped + b.skipped,
    outsideCohort: a.outsideCohort + b.outsideCohort,
    flagged: a.flagged + b.flagged,
    unresolvedReferences: sum(a.unresolvedReferences, b.unresolvedReferences),
    unresolvedExamples: [...a.unresolvedExamples, ...b.unresolvedExamples].slice(0, 5),
    routed: sum(a.routed, b.routed),
    ignoredCodes: sum(a.ignoredCodes, b.ignoredCodes),
    emptyWideCells: a.emptyWideCells + b.emptyWideCells,
    unusedRows: a.unusedRows + b.unusedRows,
    unusedExamples: [...a.unusedExamples, ...b.unusedExamples].sort((x, y) => x - y).slice(0, 5),
  };
}

export function mergeCounts(into: SourceCounts, from: SourceCounts, rowsToo: boolean): void {
  if (rowsToo) {
    into.rows += from.rows;
    into.skipped += from.skipped;
    into.outsideCohort += from.outsideCohort;
    into.flagged += from.flagged;
    for (const [k, v] of Object.entries(from.unresolvedReferences)) into.unresolvedReferences[k] = (into.unresolvedReferences[k] ?? 0) + v;
    for (const x of from.unresolvedExamples) if (into.unresolvedExamples.length < 5) into.unresolvedExamples.push(x);
  }
  into.unusedRows += from.unusedRows;
  for (const r of from.unusedExamples) if (into.unusedExamples.length < 5) into.unusedExamples.push(r);
  for (const [k, v] of Object.entries(from.routed)) into.routed[k] = (into.routed[k] ?? 0) + v;
  for (const [k, v] of Object.entries(from.ignoredCodes)) into.ignoredCodes[k] = (into.ignoredCodes[k] ?? 0) + v;
  into.emptyWideCells += from.emptyWideCells;
}

/** The source row of each candidate, for merging row-path records with columnar ones in row order. */
export function candidateRows(candidates: Candidate[], rows: SourceData['rows'], ndjson: boolean): number[] {
  if (!ndjson) return candidates.map((c) => c.where.row ?? 0);
  // NDJSON candidates are located by pointer ("line N"), the row number of their line.
  const byPointer = new Map(rows.map((r) => [r.pointer, r.row]));
  return candidates.map((c) => byPointer.get(c.where.pointer) ?? 0);
}
