// The mapping spec: how one centre's export becomes the common schema. Data, not code:
// YAML or JSON validated here; errors point at the spec line (see pipelines/map/spec-load.ts).
import { z } from 'zod';
import { Centre } from './centre.js';
import { TABLE_NAMES } from './tables.js';

const Scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

const RegexString = z.string().superRefine((s, ctx) => {
  try {
    new RegExp(s);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: `invalid regular expression ${JSON.stringify(s)}: ${(e as Error).message}` });
  }
});

/** Raw value → code: exact match, then case-insensitive, then the first matching regex (or all, for lists). */
export const CodeMap = z.strictObject({
  exact: z.record(z.string(), Scalar).default({}),
  ci: z.record(z.string(), Scalar).default({}),
  regex: z.array(z.strictObject({ pattern: RegexString, code: Scalar })).default([]),
  /** Collect every matching regex code (hold reasons: "HR 124, UO 90" → tachycardia, oliguria). */
  list: z.boolean().default(false),
  /** What an unmapped value does: quarantine the record (default) or become null (listed in the report either way). */
  unmapped: z.enum(['quarantine', 'null', 'keep']).default('quarantine'),
});
export type CodeMap = z.infer<typeof CodeMap>;

export const FieldMapObject = z.strictObject({
  /** Column name, or a dotted JSON path with [i] indexes (FHIR): code.coding[0].code. A list joins the columns' texts with a space (date + time columns). */
  from: z.union([z.string(), z.array(z.string()).min(1)]).optional(),
  /** The first of these columns or paths that has a value (FHIR: effectiveDateTime, else effectivePeriod.start, else issued). */
  first_of: z.array(z.string()).min(1).optional(),
  /**
   * A FHIR CodeableConcept's codings (`from` its path, e.g. `code`), of `system` when given: the value is the first
   * coding's code that `codes` maps (or, routing with `when`, that is in its list), else the first coding's code.
   */
  codings: z.strictObject({ from: z.string().min(1), system: z.union([z.string(), z.array(z.string()).min(1)]).optional() }).optional(),
  /** Constant value. */
  value: Scalar.optional(),
  /** Keep the first capture group of this regex (no match is an error unless optional_match). */
  regex: RegexString.optional(),
  /** A text the regex does not match means "no value" rather than an error. */
  optional_match: z.boolean().optional(),
  /** With a list in `from`: join the non-empty parts with this text (without it every part is required). */
  join: z.string().optional(),
  /** Multiply a number by this (e.g. MIU → IU: 1000000). */
  multiply: z.number().optional(),
  /** Split the text and keep one part: "112/68" with sep "/" index 1 → "68". */
  split: z.strictObject({ sep: z.string().min(1), index: z.number().int().min(0) }).optional(),
  codes: CodeMap.optional(),
  /** Parse as a date-time with this format ('iso' or tokens such as dd/MM/yyyy HH:mm). */
  date: z.string().optional(),
  time_zone: z.string().optional(),
  /** Parse as a number (decimal separator from the source). */
  number: z.boolean().optional(),
  /** Unit of the source value when fixed for the column (converted to the canonical unit). */
  unit: z.string().optional(),
  /** Column (or path) holding the unit of each value. */
  unit_from: z.string().optional(),
  /** Value when the source cell is empty. */
  default: Scalar.optional(),
  /** Hours from one instant of the row to another (e.g. effectivePeriod.start → end), for period_hours. */
  hours_between: z.strictObject({ start: z.string(), end: z.string() }).optional(),
});
export type FieldMapObject = z.infer<typeof FieldMapObject>;
/** A field mapping: a column name as shorthand, or the full object. */
export const FieldMap = z.union([z.string(), FieldMapObject]);
export type FieldMap = z.infer<typeof FieldMap>;

/** Wide → long: one observation per listed column of each row. */
export const MeltItem = z.strictObject({
  variable: z.string(),
  value: FieldMap,
  period_hours: z.number().positive().optional(),
  /** Why the item's value is absent (a component's dataAbsentReason): an empty value with a reason is a recorded absence. */
  value_absent_reason: FieldMap.optional(),
});
export type MeltItem = z.infer<typeof MeltItem>;

export const TableMap = z.strictObject({
  table: z.enum(TABLE_NAMES as [string, ...string[]]),
  /** Only rows where this field mapping yields a truthy value (e.g. a resourceType) feed the table; others are counted as routed elsewhere. */
  when: z.strictObject({ field: FieldMap, in: z.array(Scalar).min(1) }).optional(),
  fields: z.record(z.string(), FieldMap).default({}),
  melt: z.array(MeltItem).optional(),
  /** Codes of `variable` to leave out on purpose (counted in the report, never silently). */
  ignore_codes: z.array(z.string()).default([]),
  /** Observation units by variable, for long tables without a unit column. */
  units: z.record(z.string(), z.string()).default({}),
  /** Each row gives one attribute: `name` yields the field name (through codes), `value` its value (typed by the field). */
  pivot: z.strictObject({ name: FieldMap, value: FieldMap }).optional(),
  /** Rows are attributes of records made by another mapping of the table (same key): merged into them, counted as merged. */
  merge: z.boolean().default(false),
  /** Infusion rows are rate events (new bag, rate change, stop): each lasts until the patient's next event for the agent. */
  rate_events: z.boolean().default(false),
});
export type TableMap = z.infer<typeof TableMap>;

// --- References followed inside a FHIR export (#27 item 3; kept in a block of its own). ---
/**
 * A reference of each row followed to the resource it names, read in field maps as `@<name>.<path>`: a contained
 * resource (`#id`, looked up in the row's `contained`) or one of the export's files (`Medication/id`, `Encounter/id`).
 */
export const ReferenceSpec = z
  .strictObject({
    name: z.string().regex(/^[a-z][a-z0-9_]*$/),
    /** The row's reference text (FHIR: medicationReference.reference, encounter.reference). */
    from: z.string().min(1).optional(),
    /**
     * The other direction: the resource of `file` whose list at this path names the row (a DiagnosticReport's `result`
     * lists its Observations). A row no such resource lists has none (not counted as unresolved).
     */
    listed_in: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$/)
      .optional(),
    /** The export's files of the resources it may name (a glob or list, beside the spec); without it only contained resources. */
    file: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
  })
  .refine((r) => (r.from === undefined) !== (r.listed_in === undefined), {
    message: 'a reference takes either from (the row names the resource) or listed_in (the resource lists the row)',
  })
  .refine((r) => r.listed_in === undefined || r.file !== undefined, { message: 'a listed_in reference needs the file of the resources that list the rows' });
export type ReferenceSpec = z.infer<typeof ReferenceSpec>;
// --- end of the references block ---

export const SourceSpec = z.strictObject({
  id: z.string().regex(/^[a-z0-9_-]+$/),
  /** File relative to the spec's folder. In a spec, also a glob of file names or a list (SourceSpecInFile): read as one source per file. */
  file: z.string().min(1),
  /** The file may lie outside the spec's folder (an absolute path, `../`): only when the spec says so. */
  file_outside_spec_folder: z.boolean().default(false),
  format: z.enum(['csv', 'xlsx', 'ndjson']),
  delimiter: z.string().length(1).default(','),
  quote: z.string().length(1).default('"'),
  decimal: z.enum(['.', ',']).default('.'),
  encoding: z.enum(['utf-8', 'latin1']).default('utf-8'),
  max_field_chars: z.number().int().positive().default(1_000_000),
  /** xlsx: sheet name and the 1-based row holding the column names (rows above, e.g. merged group headers, are skipped). */
  sheet: z.string().optional(),
  header_row: z.number().int().min(1).default(1),
  date_format: z.string().optional(),
  time_zone: z.string().optional(),
  /** Field mapping giving the centre's local patient id (pseudonymised, never stored). */
  patient_id: FieldMap,
  /** Columns holding direct identifiers: read for nothing, dropped, and never reported by value. */
  identifiers: z.array(z.string()).default([]),
  /** Columns read on purpose by no table (listed in the report). */
  ignore_columns: z.array(z.string()).default([]),
  /** Rows left out on purpose (e.g. boluses charted twice), counted in the report with the reason. */
  skip: z.strictObject({ field: FieldMap, in: z.array(Scalar).min(1), reason: z.string().min(1) }).optional(),
  tables: z.array(TableMap).min(1),
  /** Rows kept but counted with the reason (FHIR status preliminary: a result that may still change), per source in the report. */
  flag: z.strictObject({ field: FieldMap, in: z.array(Scalar).min(1), reason: z.string().min(1) }).optional(),
  /** References followed to the resources they name (ReferenceSpec): NDJSON sources only. */
  references: z.array(ReferenceSpec).default([]),
});
export type SourceSpec = z.infer<typeof SourceSpec>;

/**
 * A source's `file` as a spec writes it: a file, a glob of file names (`Observation.*.ndjson`, as bulk FHIR
 * exports split large types) or a list of files. The loaded spec has one source per file (spec-files.ts).
 */
export const SourceSpecInFile = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);
const SourceSpecIn = SourceSpec.extend({ file: SourceSpecInFile });

// --- The IL-2 cohort of a whole-hospital export (#27 item 6; kept in a block of its own). ---
/** One way into the cohort: a row of `source` (a source id as the spec writes it: every file of a glob) whose `field` is in `in`. */
export const CohortCriterion = z.strictObject({
  source: z.string().regex(/^[a-z0-9_-]+$/),
  field: FieldMap,
  in: z.array(Scalar).min(1),
});
/**
 * The patients an export's rows are kept for: a patient is in the cohort when any criterion holds for one of their rows
 * (an aldesleukin MedicationAdministration, a listed condition). Rows of every other patient are counted as outside the
 * cohort, per source, and nothing else of them is kept.
 */
export const CohortSpec = z.strictObject({ any_of: z.array(CohortCriterion).min(1) });
export type CohortSpec = z.infer<typeof CohortSpec>;
// --- end of the cohort block ---

export const MappingSpec = z.strictObject({
  id: z.string().regex(/^[a-z0-9_-]+$/),
  version: z.string().min(1),
  title: z.string().min(1),
  /** Synthetic samples may use the documented insecure pseudonymisation key. */
  samples: z.boolean().default(false),
  centre: Centre,
  date_format: z.string().default('iso'),
  /** How dose slots become the q8h grid: cycles from explicit numbers or gaps between doses. */
  slots: z
    .strictObject({
      /** A gap longer than this between dose-log entries starts a new cycle. */
      cycle_gap_hours: z.number().positive().default(48),
      /** A gap longer than this starts a new course. */
      course_gap_days: z.number().positive().default(28),
      /** A log entry more than this from its grid slot is quarantined. */
      slot_tolerance_hours: z.number().positive().max(4).default(3),
      slots_per_cycle: z.number().int().min(1).max(15).default(15),
      /** A given slot with no dose in the export gets IU/kg × dosing weight, stored as dose_iu_source derived (else dose_iu stays null). */
      derive_dose_iu: z.boolean().default(false),
    })
    .default({ cycle_gap_hours: 48, course_gap_days: 28, slot_tolerance_hours: 3, slots_per_cycle: 15, derive_dose_iu: false }),
  sources: z.array(SourceSpecIn).min(1),
  /** Only these patients' rows are kept (a bulk export holds every patient of the hospital); see CohortSpec. */
  cohort: CohortSpec.optional(),
  /**
   * Unit spellings of this export for units the kit already knows: spelling → a known spelling (GI/L → 10^9/L).
   * Never a new conversion factor: the target must be in the unit table, and a spelling the kit knows cannot be redefined.
   */
  unit_spellings: z.record(z.string().min(1), z.string().min(1)).default({}),
});
/** A loaded spec: every source reads one file (a glob or list in `file` has become one source per file). */
export type MappingSpec = Omit<z.infer<typeof MappingSpec>, 'sources'> & { sources: SourceSpec[] };
/** A spec as written: a source's `file` may be a glob or a list. */
export type MappingSpecIn = z.infer<typeof MappingSpec>;
