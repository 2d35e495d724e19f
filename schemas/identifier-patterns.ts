// What a direct identifier looks like, by column name and by value: one definition for the ingest (columns no
// field map reads) and for `il2kit validate` (columns that are not schema fields). Values are tested, never copied.
import { isIdentifierFieldName } from './fields.js';

/** Value shapes of direct identifiers, with the kind named in messages. */
export const IDENTIFIER_VALUE_PATTERNS: readonly { kind: string; re: RegExp }[] = [
  { kind: 'medical record number', re: /^(MRN|PID|HN|NHS)?[-\s]?[A-Z]{0,3}\d{5,10}$/i },
  { kind: 'birth date', re: /^(19[0-9]{2}|200[0-9])-\d{2}-\d{2}$|^\d{1,2}[/.-]\d{1,2}[/.-](19[0-9]{2}|200[0-9])$/ },
  { kind: 'phone number', re: /^\+?\d[\d\s().-]{8,}\d$/ },
  { kind: 'e-mail address', re: /^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i },
  { kind: 'person name', re: /^[A-Z][a-z]+(?:[-'][A-Z][a-z]+)?,?\s+[A-Z][a-z]+(?:[-'][A-Z][a-z]+)?$/ },
];

/**
 * Why a column looks like a direct identifier — its name, or at least half of its sampled non-empty values — or null.
 * @example identifierReason('BRTHDTC', ['1950-02-01', '1961-11-30']) // '2 of 2 sampled values look like a birth date'
 */
export function identifierReason(column: string, sample: readonly unknown[]): string | null {
  if (isIdentifierFieldName(column.replace(/\s+/g, '_'))) return 'the column name is an identifier name';
  const values = sample.filter((v) => v !== null && v !== undefined && String(v).trim() !== '').map((v) => String(v).trim());
  if (values.length === 0) return null;
  for (const p of IDENTIFIER_VALUE_PATTERNS) {
    const hits = values.filter((v) => p.re.test(v)).length;
    if (hits / values.length >= 0.5) return `${hits} of ${values.length} sampled values look like a ${p.kind}`;
  }
  return null;
}
