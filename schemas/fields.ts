// Field builders that attach the metadata every column carries (description, unit,
// allowed values, identifier class). The JSON Schema and data dictionary read it back.
import { z } from 'zod';

/** How a field relates to patient identity. 'pseudonym' is a keyed hash; 'direct' must never pass ingest. */
export type IdentifierClass = 'none' | 'pseudonym' | 'direct';

export interface FieldMeta {
  description: string;
  /** UCUM unit of the stored value, if numeric with a unit. */
  unit?: string;
  identifier?: IdentifierClass;
}

/** Attach field metadata (zod's global registry; emitted into JSON Schema as description, x-unit, x-identifier). */
export function field<T extends z.ZodType>(schema: T, meta: FieldMeta): T {
  const stored: Record<string, unknown> = { description: meta.description, 'x-identifier': meta.identifier ?? 'none' };
  if (meta.unit !== undefined) stored['x-unit'] = meta.unit;
  return schema.meta(stored) as T;
}

/** Reads back what `field` attached. */
export function fieldMeta(schema: z.ZodType): FieldMeta {
  const m = (z.globalRegistry.get(schema) ?? {}) as Record<string, unknown>;
  const out: FieldMeta = {
    description: typeof m.description === 'string' ? m.description : '',
    identifier: (m['x-identifier'] as IdentifierClass | undefined) ?? 'none',
  };
  if (typeof m['x-unit'] === 'string') out.unit = m['x-unit'];
  return out;
}

export const CentreId = z.string().regex(/^[a-z][a-z0-9_-]{1,31}$/, 'centre id: lower-case letters, digits, - or _, 2–32 characters');
/** Pseudonymous patient key: hex HMAC-SHA256 of centre + local id, truncated to 16 hex digits. */
export const PatientKey = z.string().regex(/^[0-9a-f]{16}$/, 'patient key: 16 lower-case hex digits (keyed hash), never a local id');
/** UTC instant in ISO 8601 with a Z suffix; local times are converted at ingest. */
export const Instant = z.iso.datetime({ message: 'date-time: ISO 8601 in UTC, e.g. 2024-03-01T08:00:00Z' });
/**
 * How precisely the export gave an instant (ISO 8601 reduced precision: 2003, 2003-07, a date without a time). A
 * reduced-precision instant is stored as the start of its period in the centre's time zone (SDTM's convention for onsets).
 */
export const DatePrecision = z.enum(['year', 'month', 'day', 'minute']);
export type DatePrecision = z.infer<typeof DatePrecision>;
export const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'sha256: 64 lower-case hex digits');

/** Provenance every stored record carries (DESIGN.md: source file hash, row or JSON pointer, spec id and version). */
export const provenanceShape = {
  source_file: field(z.string().min(1), { description: 'Base name of the exported file the record came from' }),
  source_sha256: field(Sha256, { description: 'SHA-256 of the exported file' }),
  source_row: field(z.number().int().min(1).nullable(), { description: '1-based data row (header excluded) in a tabular source; null for JSON sources' }),
  source_pointer: field(z.string().nullable(), { description: 'JSON pointer or line:pointer in a JSON/NDJSON source; null for tabular sources' }),
  spec_id: field(z.string().min(1), { description: 'Mapping spec that produced the record' }),
  spec_version: field(z.string().min(1), { description: 'Version of that mapping spec' }),
} as const;
export const Provenance = z.strictObject(provenanceShape);
export type Provenance = z.infer<typeof Provenance>;

/** Column names that are direct identifiers and must never be stored (matched case-insensitively on the whole name). */
export const IDENTIFIER_FIELD_PATTERN = new RegExp(
  '^(' +
    [
      'name|first_?name|last_?name|surname|given_?name|family_?name|full_?name|patient_?name',
      'mrn|medical_?record(_?number)?|nhs_?(number|no)|ssn|social_?security(_?number)?',
      'dob|date_?of_?birth|birth_?date|birthdate',
      'phone|telephone|email|address|street|postcode|zip(_?code)?',
      'local_?patient_?id|patient_?id|hospital_?number',
    ].join('|') +
    ')$',
  'i',
);

export function isIdentifierFieldName(name: string): boolean {
  return IDENTIFIER_FIELD_PATTERN.test(name.trim());
}
