// A human-readable rendering of a mapping spec (markdown), so clinicians can review what
// each exported column becomes without reading YAML.
import { fieldObject } from './spec-load.js';
import { fieldPaths } from './expr.js';
import type { CodeMap, FieldMap, MappingSpec } from '../../schemas/mapping-spec.js';

function describe(fm: FieldMap): string {
  const f = fieldObject(fm);
  const parts: string[] = [];
  if (f.value !== undefined) parts.push(`constant \`${JSON.stringify(f.value)}\``);
  if (f.from !== undefined) parts.push(typeof f.from === 'string' ? `column \`${f.from}\`` : `columns ${f.from.map((c) => `\`${c}\``).join(' + ')}`);
  if (f.first_of !== undefined) parts.push(`the first of ${f.first_of.map((c) => `\`${c}\``).join(', ')} with a value`);
  if (f.codings !== undefined)
    parts.push(
      `a coding of \`${f.codings.from}\`${
        f.codings.system === undefined
          ? ''
          : ` in ${[f.codings.system]
              .flat()
              .map((s) => `\`${s}\``)
              .join(' or ')}`
      } (any coding)`,
    );
  if (f.regex) parts.push(`regex \`${f.regex}\`${f.optional_match ? ' (no match = no value)' : ''}`);
  if (f.multiply !== undefined) parts.push(`× ${f.multiply}`);
  if (f.split) parts.push(`part ${f.split.index + 1} of split on \`${f.split.sep}\``);
  if (f.codes) parts.push(`coded (${codeCount(f.codes)} rules${f.codes.list ? ', all matches' : ''}; unmapped → ${f.codes.unmapped})`);
  if (f.date) parts.push(`date \`${f.date}\`${f.time_zone ? ` in ${f.time_zone}` : ''}`);
  if (f.number) parts.push('number');
  if (f.unit) parts.push(`unit \`${f.unit}\``);
  if (f.unit_from) parts.push(`unit from \`${f.unit_from}\``);
  if (f.default !== undefined) parts.push(`default \`${JSON.stringify(f.default)}\``);
  return parts.join(', ');
}

function codeCount(c: CodeMap): number {
  return Object.keys(c.exact).length + Object.keys(c.ci).length + c.regex.length;
}

function codeTable(c: CodeMap): string[] {
  const rows = [
    ...Object.entries(c.exact).map(([k, v]) => `| exact | \`${k}\` | \`${String(v)}\` |`),
    ...Object.entries(c.ci).map(([k, v]) => `| any case | \`${k}\` | \`${String(v)}\` |`),
    ...c.regex.map((r) => `| regex | \`${r.pattern.replace(/\|/g, '\\|')}\` | \`${String(r.code)}\` |`),
  ];
  return rows.length ? ['| match | export value | code |', '|---|---|---|', ...rows] : [];
}

export function renderSpecMarkdown(spec: MappingSpec): string {
  const out: string[] = [
    `# Mapping spec \`${spec.id}\` v${spec.version}`,
    '',
    spec.title,
    '',
    `Centre **${spec.centre.name}** (\`${spec.centre.centre_id}\`, ${spec.centre.country}), local times in **${spec.centre.time_zone}**; ` +
      `regimen ${spec.centre.dose_iu_per_kg.toLocaleString('en')} IU/kg, up to ${spec.centre.max_doses_per_cycle} doses a cycle. Default date format ` +
        `\`${spec.date_format}\`.`,
    '',
    `Slot grid: ${spec.slots.slots_per_cycle} q8h slots a cycle; a gap over ${spec.slots.cycle_gap_hours} h starts a new cycle and over ` +
      `${spec.slots.course_gap_days} days a new course; log entries more than ${spec.slots.slot_tolerance_hours} h off the grid are quarantined.`,
    '',
  ];
  for (const src of spec.sources) {
    out.push(`## Source \`${src.id}\`: \`${src.file}\` (${src.format})`, '');
    const dialect =
      src.format === 'csv'
        ? `delimiter \`${src.delimiter === '\t' ? '\\t' : src.delimiter}\`, decimal \`${src.decimal}\`, encoding ${src.encoding}`
        : src.format === 'xlsx'
          ? `sheet \`${src.sheet}\`, header on row ${src.header_row}`
          : 'one JSON resource per line';
    out.push(`- Read as: ${dialect}${src.date_format ? `; dates \`${src.date_format}\`` : ''}${src.time_zone ? ` in ${src.time_zone}` : ''}`);
    out.push(`- Patient: ${describe(src.patient_id)} → keyed hash (the local id is never stored)`);
    if (src.identifiers.length) out.push(`- Dropped as identifiers: ${src.identifiers.map((c) => `\`${c}\``).join(', ')}`);
    if (src.ignore_columns.length) out.push(`- Not used: ${src.ignore_columns.map((c) => `\`${c}\``).join(', ')}`);
    if (src.skip)
      out.push(
        `- Rows skipped on purpose where ${describe(src.skip.field)} is one of ${src.skip.in.map((v) => `\`${String(v)}\``).join(', ')}: ${src.skip.reason}`,
      );
    out.push('');
    for (const tm of src.tables) {
      out.push(`### → \`${tm.table}\``, '');
      if (tm.when) out.push(`Only rows where ${describe(tm.when.field)} is one of ${tm.when.in.map((v) => `\`${String(v)}\``).join(', ')}.`, '');
      out.push('| field | from |', '|---|---|');
      for (const [name, fm] of Object.entries(tm.fields)) out.push(`| \`${name}\` | ${describe(fm)} |`);
      for (const m of tm.melt ?? []) {
        out.push(`| \`value\` of \`${m.variable}\` | ${describe(m.value)}${m.period_hours ? `, over ${m.period_hours} h` : ''} |`);
        if (m.value_absent_reason !== undefined) out.push(`| \`value_absent_reason\` of \`${m.variable}\` | ${describe(m.value_absent_reason)} |`);
      }
      out.push('');
      if (tm.ignore_codes.length) out.push(`Left out on purpose: ${tm.ignore_codes.map((c) => `\`${c}\``).join(', ')}.`, '');
      if (Object.keys(tm.units).length) out.push(`Units by variable: ${Object.entries(tm.units).map(([v, u]) => `${v} \`${u}\``).join(', ')}.`, '');
      if (tm.rate_events) out.push('Rows are rate events: each rate lasts until the next event for the same patient and agent; a stop event has rate 0.', '');
      for (const [name, fm] of Object.entries(tm.fields)) {
        const f = fieldObject(fm);
        if (f.codes && codeCount(f.codes) > 0) out.push(`Codes for \`${name}\`:`, '', ...codeTable(f.codes), '');
      }
    }
  }
  return out.join('\n');
}

/** Columns a source's mapping reads (for spotting unmapped, possibly identifying columns). */
export function referencedColumns(src: MappingSpec['sources'][number]): Set<string> {
  return new Set<string>([...src.identifiers, ...src.ignore_columns, ...referencedPaths(src)]);
}

/** Every column or JSON path the source's field maps read (patient id, skip, when, fields, pivots, melts), in spec order. */
export function referencedPaths(src: MappingSpec['sources'][number]): string[] {
  const out = new Set<string>();
  const add = (fm: FieldMap | undefined) => {
    if (fm === undefined) return;
    const f = fieldObject(fm);
    // Tabular sources name whole columns (a name may contain dots); JSON paths only matter for NDJSON, which has no header.
    for (const c of fieldPaths(f)) out.add(c);
  };
  add(src.patient_id);
  add(src.skip?.field);
  add(src.flag?.field);
  for (const tm of src.tables) {
    add(tm.when?.field);
    Object.values(tm.fields).forEach(add);
    if (tm.pivot) add(tm.pivot.name), add(tm.pivot.value);
    tm.melt?.forEach((m) => (add(m.value), add(m.value_absent_reason)));
  }
  return [...out];
}
