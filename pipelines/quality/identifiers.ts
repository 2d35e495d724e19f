// Columns nobody mapped are looked at once more: do their names or values look like
// patient identifiers? Values are tested, never copied into the report.
import { isIdentifierFieldName } from '../../schemas/index.js';

const VALUE_PATTERNS: { kind: string; re: RegExp }[] = [
  { kind: 'medical record number', re: /^(MRN|PID|HN|NHS)?[-\s]?[A-Z]{0,3}\d{5,10}$/i },
  { kind: 'birth date', re: /^(19[0-9]{2}|200[0-9])-\d{2}-\d{2}$|^\d{1,2}[/.-]\d{1,2}[/.-](19[0-9]{2}|200[0-9])$/ },
  { kind: 'phone number', re: /^\+?\d[\d\s().-]{8,}\d$/ },
  { kind: 'e-mail address', re: /^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i },
  { kind: 'person name', re: /^[A-Z][a-z]+(?:[-'][A-Z][a-z]+)?,?\s+[A-Z][a-z]+(?:[-'][A-Z][a-z]+)?$/ },
];

export interface SuspectedIdentifier {
  source: string;
  column: string;
  reason: string;
}

/** Flags unused columns whose name or (≥ 50% of sampled) values look like identifiers. */
export function suspectIdentifiers(source: string, unused: string[], sample: (column: string) => unknown[]): SuspectedIdentifier[] {
  const out: SuspectedIdentifier[] = [];
  for (const column of unused) {
    if (isIdentifierFieldName(column.replace(/\s+/g, '_'))) {
      out.push({ source, column, reason: 'the column name is an identifier name' });
      continue;
    }
    const values = sample(column).filter((v) => v !== null && v !== undefined && String(v).trim() !== '').map((v) => String(v).trim());
    if (values.length === 0) continue;
    for (const p of VALUE_PATTERNS) {
      const hits = values.filter((v) => p.re.test(v)).length;
      if (hits / values.length >= 0.5) {
        out.push({ source, column, reason: `${hits} of ${values.length} sampled values look like a ${p.kind}` });
        break;
      }
    }
  }
  return out;
}
