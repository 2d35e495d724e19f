// Columns nobody mapped are looked at once more: do their names or values look like
// patient identifiers? Values are tested, never copied into the report.
import { identifierReason } from '../../schemas/index.js';

export interface SuspectedIdentifier {
  source: string;
  column: string;
  reason: string;
}

/** Flags unused columns whose name or (≥ 50% of sampled) values look like identifiers. */
export function suspectIdentifiers(source: string, unused: string[], sample: (column: string) => unknown[]): SuspectedIdentifier[] {
  const out: SuspectedIdentifier[] = [];
  for (const column of unused) {
    // A name that says identifier is enough: its values are not sampled.
    const reason = identifierReason(column, []) ?? identifierReason(column, sample(column));
    if (reason) out.push({ source, column, reason });
  }
  return out;
}
