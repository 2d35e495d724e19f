// JSON Schema files and a markdown data dictionary generated from the zod schemas,
// for R and Python users. `npm run schemas` writes them; a test fails when they drift.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import {
  CLINICAL_EVENT_TYPES,
  CYCLE_END_REASONS,
  DEATH_CAUSES,
  RESPONSE_DERIVATIONS,
  RESPONSE_DERIVATION_RULES,
  DISEASES,
  DOSING_WEIGHT_BASES,
  HOLD_REASONS,
  INFUSION_AGENTS,
  OBSERVATION_VARIABLES,
  PanelBundle,
  RESPONSE_CATEGORIES,
  RESPONSE_CRITERIA,
  RISK_GROUPS,
  RULE_ACTIONS,
  RULE_VARIABLES,
  Ruleset,
  RunManifest,
  SEXES,
  SLOT_STATUSES,
  TABLES,
  VALUE_ABSENT_REASONS,
  VERIFICATION_STATUSES,
  describeFields,
  type FieldInfo,
} from '../schemas/index.js';

export const SCHEMA_DIR = 'schemas/json';
export const DICTIONARY_PATH = 'docs/data-dictionary.md';

/** File name → JSON text, for every table and configuration schema. */
export function jsonSchemaFiles(): Record<string, string> {
  const out: Record<string, string> = {};
  const all: Record<string, z.ZodType> = {
    ...Object.fromEntries(Object.entries(TABLES).map(([k, v]) => [k, v.schema])),
    ruleset: Ruleset,
    run_manifest: RunManifest,
    panel_bundle: PanelBundle,
  };
  for (const [name, schema] of Object.entries(all)) {
    const js = z.toJSONSchema(schema, { target: 'draft-2020-12', unrepresentable: 'any', io: 'input' }) as Record<string, unknown>;
    const doc = { $id: `https://il2kit.org/schemas/${name}.schema.json`, title: name, ...js };
    out[`${name}.schema.json`] = JSON.stringify(doc, null, 2) + '\n';
  }
  return out;
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function typeOf(f: FieldInfo): string {
  const base = f.kind === 'array' ? `array of ${f.itemKind ?? 'values'}` : f.kind;
  return f.nullable ? `${base} or null` : base;
}

function allowed(f: FieldInfo): string {
  const parts: string[] = [];
  if (f.values) parts.push(f.values.length > 8 ? `${f.values.slice(0, 8).join(', ')}, … (${f.values.length} codes)` : f.values.join(', '));
  if (f.min !== null || f.max !== null) parts.push(`${f.min ?? '−∞'} to ${f.max ?? '∞'}`);
  return parts.join('; ');
}

function vocabTable(title: string, rows: [string, string][]): string {
  return `### ${title}\n\n| code | meaning |\n|---|---|\n${rows.map(([c, m]) => `| \`${c}\` | ${cell(m)} |`).join('\n')}\n`;
}

/** The data dictionary: every table, field, type, unit, allowed values, description; then the vocabularies. */
export function renderDataDictionary(): string {
  const parts: string[] = [
    '# il2kit data dictionary',
    '',
    'Generated from the zod schemas by `npm run schemas`; do not edit by hand. JSON Schema files for every table are in `schemas/json/`.',
    'Times are UTC ISO 8601. Identifier column: `pseudonym` = keyed hash; no direct identifier (name, MRN, birth date) is ever stored.',
    '',
    '## Tables',
    '',
  ];
  for (const [name, def] of Object.entries(TABLES)) {
    parts.push(`### \`${name}\``, '', `Grain: ${def.grain}. Key: ${def.key.map((k) => `\`${k}\``).join(', ')}.`, '');
    parts.push('| field | type | unit | allowed values | identifier | description |', '|---|---|---|---|---|---|');
    for (const f of describeFields(def.schema)) {
      parts.push(
        `| \`${f.name}\` | ${typeOf(f)} | ${f.unit ?? ''} | ${cell(allowed(f))} | ${f.identifier === 'none' ? '' : f.identifier} | ${cell(f.description)} |`,
      );
    }
    parts.push('');
  }
  parts.push('## Controlled vocabularies', '');
  parts.push(
    '### Observation variables (canonical units, plausible ranges)',
    '',
    'Ranges are data-quality bounds, not clinical thresholds.',
    '',
    '| code | label | UCUM unit | plausible range | kind | LOINC |',
    '|---|---|---|---|---|---|',
    ...Object.entries(OBSERVATION_VARIABLES).map(
      ([c, v]) => `| \`${c}\` | ${v.label} | \`${v.unit}\` | ${v.range[0]}–${v.range[1]} | ${v.kind} | ${v.loinc} |`,
    ),
    '',
  );
  parts.push(
    '### Rule variables (slot features the hold rules read)',
    '',
    '| code | label | unit | window | derived from |',
    '|---|---|---|---|---|',
    ...Object.entries(RULE_VARIABLES).map(([c, v]) => `| \`${c}\` | ${cell(v.label)} | \`${v.unit}\` | ${v.window} | ${v.from.join(', ')} |`),
    '',
  );
  parts.push(
    '### Hold and skip reasons',
    '',
    '| code | label | kind | rule variables |',
    '|---|---|---|---|',
    ...Object.entries(HOLD_REASONS).map(([c, v]) => `| \`${c}\` | ${v.label} | ${v.kind} | ${v.variables.join(', ')} |`),
    '',
  );
  const simple: [string, Record<string, string>][] = [
    ['Slot statuses', SLOT_STATUSES],
    ['Cycle end reasons', CYCLE_END_REASONS],
    ['Diseases', DISEASES],
    ['Sexes', SEXES],
    ['Risk groups', RISK_GROUPS],
    ['Dosing weight bases', DOSING_WEIGHT_BASES],
    ['Response categories', RESPONSE_CATEGORIES],
    ['Response criteria', RESPONSE_CRITERIA],
    ['Response derivations', RESPONSE_DERIVATIONS],
    ['Best overall response from dated assessments, by criteria', RESPONSE_DERIVATION_RULES],
    ['Causes of death', DEATH_CAUSES],
    ['Clinical event types', CLINICAL_EVENT_TYPES],
    ['Rule actions', RULE_ACTIONS],
    ['Verification statuses', VERIFICATION_STATUSES],
    ['Value-absent reasons (FHIR data-absent-reason)', VALUE_ABSENT_REASONS],
  ];
  for (const [title, table] of simple) parts.push(vocabTable(title, Object.entries(table)));
  parts.push(vocabTable('Infusion agents', Object.entries(INFUSION_AGENTS).map(([c, v]) => [c, `${v.label} (${v.kind}, ${v.unit})`])));
  return parts.join('\n');
}

/** Writes the JSON Schema files and the data dictionary under `root`. */
export function writeSchemaArtefacts(root: string): string[] {
  const written: string[] = [];
  mkdirSync(join(root, SCHEMA_DIR), { recursive: true });
  for (const [name, text] of Object.entries(jsonSchemaFiles())) {
    writeFileSync(join(root, SCHEMA_DIR, name), text);
    written.push(join(SCHEMA_DIR, name));
  }
  mkdirSync(join(root, 'docs'), { recursive: true });
  writeFileSync(join(root, DICTIONARY_PATH), renderDataDictionary());
  written.push(DICTIONARY_PATH);
  return written;
}
