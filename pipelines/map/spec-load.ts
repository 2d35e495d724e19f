// Loads a mapping spec from YAML or JSON and checks it: zod shape, then meaning (fields that
// exist, units that convert, time zones, regexes). Every error names the spec file and line.
import { readFileSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { LineCounter, isNode, parseDocument, type Document } from 'yaml';
import { OBSERVATION_VARIABLES, TABLES, describeFields, type TableName } from '../../schemas/index.js';
import { FieldMapObject, MappingSpec, type FieldMap, type MappingSpecIn } from '../../schemas/mapping-spec.js';
import { FIELD_UNITS, domainsOfUnit, fieldUnitProblem, isKnownUnit, knownUnits, normaliseUnit, spellingMap } from './units.js';
import { expandSourceFiles } from './spec-files.js';
import { specRegexProblem } from './safe-regex.js';

export class SpecError extends Error {
  readonly exitCode = 2;
  constructor(
    readonly file: string,
    readonly problems: { line: number | null; path: string; message: string }[],
  ) {
    super(
      `${file}: invalid mapping spec\n${problems.map((p) => `  ${file}${p.line !== null ? `:${p.line}` : ''} ${p.path} — ${p.message}`).join('\n')}\nFix the ` +
        `spec and run again.`,
    );
    this.name = 'UserError';
  }
}

/** Fields filled by the pipeline, never by the spec. */
export const AUTO_FIELDS = new Set(['centre_id', 'patient_key', 'source_file', 'source_sha256', 'source_row', 'source_pointer', 'spec_id', 'spec_version']);

/** Extra inputs some tables accept beyond their schema fields (used to build keys and the slot grid). */
export const VIRTUAL_FIELDS: Partial<Record<TableName, string[]>> = {
  // admitted_at, discharged_at: the admission a dose was given in (a FHIR Encounter), which its cycle takes.
  dose_slot: ['course_number', 'cycle_number', 'time', 'dosing_weight_kg', 'dose_iu_per_kg', 'admitted_at', 'discharged_at'],
  observation: ['course_number', 'cycle_number'],
  infusion: ['course_number', 'cycle_number', 'dosing_weight_kg'],
  clinical_event: ['course_number', 'cycle_number'],
  patient: ['birth_date'],
};

export function loadSpec(path: string): { spec: MappingSpec; text: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new SpecError(path, [{ line: null, path: '', message: 'cannot read the spec file; check the path' }]);
  }
  return { spec: parseSpec(text, path), text };
}

export function parseSpec(text: string, file: string): MappingSpec {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new SpecError(file, doc.errors.map((e) => ({ line: e.linePos?.[0]?.line ?? null, path: '', message: `YAML syntax: ${e.message.split('\n')[0]}` })));
  }
  const lineOf = (path: (string | number)[]) => nodeLine(doc, lc, path);
  let js: unknown;
  try {
    // Aliases expand at most 100 times: a small file of nested aliases (an "alias bomb") cannot fill memory.
    js = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new SpecError(file, [
      { line: null, path: '', message: `YAML: ${(e as Error).message.split('\n')[0]}; write the values out instead of repeating aliases (*name) of aliases` },
    ]);
  }
  const parsed = MappingSpec.safeParse(js);
  if (!parsed.success) {
    throw new SpecError(
      file,
      parsed.error.issues.map((i) => {
        const p = i.path.map((x) => (typeof x === 'symbol' ? String(x) : x));
        return { line: lineOf(p), path: p.join('.'), message: i.code === 'unrecognized_keys' ? `unknown key(s) ${i.keys.join(', ')}` : i.message };
      }),
    );
  }
  const expanded = expandSourceFiles(parsed.data, dirname(resolve(file)));
  // Problems found on the expanded spec point at the source as written.
  const written = (pp: (string | number)[]) => (pp[0] === 'sources' && typeof pp[1] === 'number' ? ['sources', expanded.origin[pp[1]]!, ...pp.slice(2)] : pp);
  const found = [
    ...checkMeaning(expanded.spec),
    ...checkIgnoreCodes(expanded.spec),
    ...checkUnitSpellings(expanded.spec),
    ...checkFiles(expanded.spec, file),
    ...checkPatterns(expanded.spec),
  ].map((p) => ({ ...p, pathParts: written(p.pathParts) }));
  const problems = [...expanded.problems, ...checkCohort(parsed.data), ...found].map((p) => ({ ...p, line: lineOf(p.pathParts), path: p.pathParts.join('.') }));
  if (problems.length > 0) throw new SpecError(file, dedupe(problems));
  return expanded.spec;
}

/** Each cohort criterion names a source of the spec (as written: a glob's files are all read). */
function checkCohort(spec: MappingSpecIn): { pathParts: (string | number)[]; message: string }[] {
  const ids = spec.sources.map((s) => s.id);
  return (spec.cohort?.any_of ?? []).flatMap((c, i) =>
    ids.includes(c.source)
      ? []
      : [{
        pathParts: ['cohort', 'any_of', i, 'source'],
        message: `no source has the id ${c.source} (the sources are ${ids.join(', ')}); name the source whose rows put a patient in the cohort`,
      }],
  );
}

/** A problem of a source of several files is told once, not once per file. */
function dedupe<T extends { path: string; message: string }>(problems: T[]): T[] {
  const seen = new Set<string>();
  return problems.filter((p) => !seen.has(p.path + '\u0000' + p.message) && !!seen.add(p.path + '\u0000' + p.message));
}

function nodeLine(doc: Document, lc: LineCounter, path: (string | number)[]): number | null {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) return lc.linePos(node.range[0]).line;
  }
  return null;
}

function checkMeaning(spec: MappingSpec): { pathParts: (string | number)[]; message: string }[] {
  const out: { pathParts: (string | number)[]; message: string }[] = [];
  const zoneOk = (z: string) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: z });
      return true;
    } catch {
      return false;
    }
  };
  const spellings = spellingMap(spec.unit_spellings);
  const known = (u: string) => spellings.get(normaliseUnit(u)) ?? u;
  spec.sources.forEach((src, si) => {
    if (src.time_zone && !zoneOk(src.time_zone)) out.push({ pathParts: ['sources', si, 'time_zone'], message: `unknown time zone ${src.time_zone}` });
    if (src.format === 'xlsx' && !src.sheet) out.push({ pathParts: ['sources', si, 'sheet'], message: 'an xlsx source needs the sheet name' });
    src.tables.forEach((tm, ti) => {
      const table = tm.table as TableName;
      const fields = new Set(describeFields(TABLES[table].schema).map((f) => f.name));
      const virtual = new Set(VIRTUAL_FIELDS[table] ?? []);
      for (const [name, fm] of Object.entries(tm.fields)) {
        const at = ['sources', si, 'tables', ti, 'fields', name];
        if (AUTO_FIELDS.has(name)) out.push({ pathParts: at, message: `${name} is filled by the pipeline; remove it from the spec` });
        else if (!fields.has(name) && !virtual.has(name))
          out.push({ pathParts: at, message: `${table} has no field ${name} (fields: ${[...fields].filter((f) => !AUTO_FIELDS.has(f)).join(', ')})` });
        const obj = typeof fm === 'string' ? null : fm;
        if (obj?.time_zone && !zoneOk(obj.time_zone)) out.push({ pathParts: [...at, 'time_zone'], message: `unknown time zone ${obj.time_zone}` });
        if (
          name === 'value' &&
          table === 'observation' &&
          obj?.unit &&
          tm.fields.variable &&
          typeof tm.fields.variable !== 'string' &&
          tm.fields.variable.value
        ) {
          checkUnit(String(tm.fields.variable.value), known(obj.unit), [...at, 'unit'], out);
        }
        if (obj !== null) checkFieldUnit(table, name, obj, spellings, at, out);
      }
      tm.melt?.forEach((m, mi) => {
        const at = ['sources', si, 'tables', ti, 'melt', mi];
        if (table !== 'observation') out.push({ pathParts: at, message: 'melt only makes observation rows' });
        if (!(m.variable in OBSERVATION_VARIABLES)) out.push({ pathParts: [...at, 'variable'], message: `unknown observation variable ${m.variable}` });
        else {
          const fm = typeof m.value === 'string' ? null : FieldMapObject.parse(m.value);
          if (fm?.unit) checkUnit(m.variable, known(fm.unit), [...at, 'value', 'unit'], out);
        }
      });
    });
  });
  return out;
}

/**
 * A field's unit (unit:, unit_from:) read through the spec's spellings: only observation values, infusion rates and
 * volumes convert; doses and weights (FIELD_UNITS) take their own unit only; any other field has no unit.
 */
function checkFieldUnit(
  table: string,
  name: string,
  obj: { unit?: string; unit_from?: unknown },
  spellings: ReadonlyMap<string, string>,
  at: (string | number)[],
  out: { pathParts: (string | number)[]; message: string }[],
): void {
  const fieldUnit = obj.unit ? fieldUnitProblem(name, obj.unit, spellings) : null;
  if (fieldUnit !== null) out.push({ pathParts: [...at, 'unit'], message: `${fieldUnit}; nothing is converted` });
  const converts = (table === 'observation' && name === 'value') || (table === 'infusion' && (name === 'rate' || name === 'volume_ml')) || name in FIELD_UNITS;
  if ((obj.unit || obj.unit_from) && !converts) {
    const what = 'units are read for observation values, infusion rates and volumes, doses and weights';
    out.push({ pathParts: at, message: `${table}.${name} has no unit to read: remove unit/unit_from (${what})` });
  }
  const rateUnit = obj.unit ? (spellings.get(normaliseUnit(obj.unit)) ?? obj.unit) : null;
  if (table === 'infusion' && name === 'rate' && rateUnit !== null && !isKnownUnit('vasopressor', rateUnit) && !isKnownUnit('fluid_rate', rateUnit)) {
    out.push({ pathParts: [...at, 'unit'], message: `unit ${obj.unit} cannot be converted to ug/kg/min or mL/h` });
  }
}

/** Each unit spelling stands for a unit the kit knows (so no new factor), and does not redefine one it knows already. */
function checkUnitSpellings(spec: MappingSpec): { pathParts: (string | number)[]; message: string }[] {
  const out: { pathParts: (string | number)[]; message: string }[] = [];
  for (const [from, to] of Object.entries(spec.unit_spellings)) {
    const at = ['unit_spellings', from];
    const known = domainsOfUnit(from);
    if (known.length > 0)
      out.push({ pathParts: at, message: `${from} is already a known unit (${known.join(', ')}); a spelling cannot redefine it: remove this line` });
    else if (domainsOfUnit(to).length === 0)
      out.push({
        pathParts: at,
        message: `${to} is not a unit the kit knows; a spelling must stand for a known unit (e.g. 10^9/L, 10^3/uL, mg/dL), never a new conversion`,
      });
    else if (normaliseUnit(from) === normaliseUnit(to)) out.push({ pathParts: at, message: `${from} and ${to} are the same spelling` });
  }
  return out;
}

/** `ignore_codes` leaves out codes an observation table's `variable` code map yields: on any other table it would do nothing, so it is an error. */
function checkIgnoreCodes(spec: MappingSpec): { pathParts: (string | number)[]; message: string }[] {
  const out: { pathParts: (string | number)[]; message: string }[] = [];
  spec.sources.forEach((src, si) =>
    src.tables.forEach((tm, ti) => {
      if (tm.ignore_codes.length === 0) return;
      const variable = tm.fields.variable;
      const coded = tm.table === 'observation' && variable !== undefined && typeof variable !== 'string' && variable.codes !== undefined;
      if (coded) return;
      const why =
        tm.table !== 'observation'
          ? `${tm.table} has no variable codes (ignore_codes applies to observation variables)`
          : 'this table has no code map on variable (codes:)';
      out.push({
        pathParts: ['sources', si, 'tables', ti, 'ignore_codes'],
        message: `ignore_codes would leave nothing out: ${why}; remove it, or leave rows out with the source's skip:`,
      });
    }),
  );
  return out;
}

/** Every regular expression of the spec (a field's `regex`, a code map's `regex` patterns) must be one the kit runs without catastrophic backtracking. */
function checkPatterns(spec: MappingSpec): { pathParts: (string | number)[]; message: string }[] {
  const out: { pathParts: (string | number)[]; message: string }[] = [];
  const walk = (v: unknown, at: (string | number)[]) => {
    if (Array.isArray(v)) return v.forEach((x, i) => walk(x, [...at, i]));
    if (typeof v !== 'object' || v === null) return;
    for (const [k, x] of Object.entries(v)) {
      if (k === 'regex' && typeof x === 'string') {
        const p = specRegexProblem(x);
        if (p) out.push({ pathParts: [...at, k], message: p });
      } else if (k === 'pattern' && typeof x === 'string' && at[at.length - 2] === 'regex') {
        const p = specRegexProblem(x);
        if (p) out.push({ pathParts: [...at, k], message: p });
      } else walk(x, [...at, k]);
    }
  };
  walk(spec.sources, ['sources']);
  return out;
}

/** Each source's file lies inside the spec's folder (after following links) unless the source allows otherwise. */
function checkFiles(spec: MappingSpec, specFile: string): { pathParts: (string | number)[]; message: string }[] {
  const out: { pathParts: (string | number)[]; message: string }[] = [];
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return p; // a missing file is reported when it is read
    }
  };
  const dir = real(dirname(resolve(specFile)));
  spec.sources.forEach((src, si) => {
    if (src.file_outside_spec_folder) return;
    const rel = relative(dir, real(resolve(dirname(resolve(specFile)), src.file)));
    if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
      out.push({
        pathParts: ['sources', si, 'file'],
        message: `${src.file} is outside the spec's folder ${dir}; move the file beside the spec, or add file_outside_spec_folder: true to this source if ` +
          `reading it from there is intended`,
      });
    }
  });
  return out;
}

function checkUnit(variable: string, unit: string, at: (string | number)[], out: { pathParts: (string | number)[]; message: string }[]): void {
  if (!(variable in OBSERVATION_VARIABLES)) {
    out.push({ pathParts: at, message: `unknown observation variable ${variable}` });
  } else if (!isKnownUnit(variable, unit)) {
    out.push({ pathParts: at, message: `unit ${unit} cannot be converted to ${variable}'s unit (known: ${knownUnits(variable).join(', ')})` });
  }
}

/** A field mapping in its object form. */
export function fieldObject(fm: FieldMap): FieldMapObject {
  return typeof fm === 'string' ? { from: fm } : fm;
}
