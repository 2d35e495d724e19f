// Finishing touches on mapped candidates that need more than one row: patient attributes merged into
// the main record, courses assigned to responses, rate events closed into segments, cycles attached,
// infusion units converted. Pure functions on candidates; no IO.
import { INFUSION_AGENTS, type TableCounts } from '../../schemas/index.js';
import type { Candidate } from './records.js';
import { cycleAt, type CycleInfo } from './slots.js';
import { ConversionError, spelledUnit, toCanonical, unknownUnitMessage } from './units.js';

/**
 * Attribute rows (merge: true) fill the empty fields of the patient's main record, first
 * source first; they are counted as merged. Attributes of a patient with no main record, or
 * rows with problems, are quarantined.
 */
export function mergePatients(list: Candidate[], n: TableCounts, quarantine: (c: Candidate, p?: Candidate['problems']) => void): Candidate[] {
  const main = new Map<string, Candidate>();
  for (const c of list) if (!c.extra.__merge && c.values.patient_key) main.set(String(c.values.patient_key), c);
  const out = list.filter((c) => !c.extra.__merge);
  for (const c of list) {
    if (!c.extra.__merge) continue;
    const target = main.get(String(c.values.patient_key));
    if (c.problems.length > 0) quarantine(c);
    else if (!target)
      quarantine(c, [{ field: 'patient_key', raw: null, check: 'orphan', message: 'attributes of a patient with no patient record in the export' }]);
    else {
      for (const [k, v] of Object.entries(c.values))
        if (v !== null && v !== undefined && (target.values[k] === null || target.values[k] === undefined)) target.values[k] = v;
      for (const [k, v] of Object.entries(c.extra)) if (k !== '__merge' && target.extra[k] === undefined) target.extra[k] = v;
      n.merged++;
    }
  }
  return out;
}

/** A response without a course number belongs to the last course that started before the assessment. */
export function assignCourse(c: Candidate, index: Map<string, CycleInfo[]>): void {
  const t = Date.parse(String(c.values.assessed_at));
  const before = (index.get(String(c.values.patient_key)) ?? []).filter((i) => i.startMs < t);
  if (before.length === 0) {
    c.problems.push({
      field: 'course_number',
      raw: c.values.assessed_at,
      check: 'no_course',
      message: 'the assessment precedes every cycle of the patient, so no course can be assigned',
    });
    return;
  }
  c.values.course_number = Math.max(...before.map((i) => i.course_number));
}

/** Rate events → segments: each event's rate lasts until the next event of the same patient and agent. */
export function closeRateEvents(list: Candidate[]): Candidate[] {
  const groups = new Map<string, Candidate[]>();
  for (const c of list) {
    if (INFUSION_AGENTS[String(c.values.agent) as keyof typeof INFUSION_AGENTS]?.kind === 'fluid_bolus') continue; // boluses are instants
    const k = `${String(c.values.patient_key)}|${String(c.values.agent)}`;
    let g = groups.get(k);
    if (!g) groups.set(k, (g = []));
    g.push(c);
  }
  for (const g of groups.values()) {
    g.sort((a, b) => String(a.values.start_at).localeCompare(String(b.values.start_at)) || (a.where.row ?? 0) - (b.where.row ?? 0));
    g.forEach((c, i) => {
      const next = g[i + 1];
      if (c.values.end_at === undefined || c.values.end_at === null) c.values.end_at = next ? next.values.start_at : null;
      if (c.values.rate === null || c.values.rate === undefined) c.values.rate = 0; // a stop event: rate 0 from then on
    });
  }
  return list;
}

function timeOf(c: Candidate): string | null {
  const v = c.values.observed_at ?? c.values.start_at ?? c.values.onset_at;
  return typeof v === 'string' ? v : null;
}

export function attachCycle(c: Candidate, index: Map<string, CycleInfo[]>): void {
  const patient = String(c.values.patient_key);
  const co = c.extra.course_number;
  const cy = c.extra.cycle_number;
  if (co !== undefined && co !== null && cy !== undefined && cy !== null) {
    const id = `${patient}-c${Number(co)}.${Number(cy)}`;
    c.values.cycle_id = (index.get(patient) ?? []).some((i) => i.cycle_id === id) ? id : null;
  } else {
    const t = typeof c.extra.__ms === 'number' ? c.extra.__ms : timeOf(c) === null ? null : Date.parse(timeOf(c)!);
    c.values.cycle_id = t === null ? null : (cycleAt(index, patient, t)?.cycle_id ?? null);
  }
}

/** Infusion rates and volumes to canonical units; mcg/min needs the cycle's dosing weight. */
export function finishInfusion(c: Candidate, index: Map<string, CycleInfo[]>): void {
  const agent = String(c.values.agent) as keyof typeof INFUSION_AGENTS;
  const def = INFUSION_AGENTS[agent];
  c.values.value_raw = c.extra.rate__raw ?? c.extra.volume_ml__raw ?? null;
  c.values.value_raw = c.values.value_raw === null ? null : String(c.values.value_raw);
  if (!def) return; // the schema reports the unknown agent
  if (c.values.end_at === undefined) c.values.end_at = null;
  if (def.kind === 'fluid_bolus') {
    const unit = c.extra.volume_ml__unit ?? c.extra.rate__unit ?? 'mL';
    c.values.unit_raw = String(unit);
    const v = c.values.volume_ml ?? c.values.rate;
    c.values.rate = null;
    c.values.rate_unit = null;
    c.values.volume_ml = convert(c, 'fluid_volume', v, String(unit), {}, agent);
    return;
  }
  const unit = c.extra.rate__unit;
  c.values.unit_raw = unit === undefined || unit === null ? null : String(unit);
  c.values.volume_ml = null;
  c.values.rate_unit = def.unit;
  if (unit === undefined || unit === null) {
    c.problems.push({
      field: 'rate',
      raw: c.values.rate,
      check: 'unit_missing',
      message: `no unit for the ${agent} rate; give unit: or unit_from: in the spec`,
    });
    return;
  }
  const t = Date.parse(String(c.values.start_at));
  const weight =
    typeof c.extra.dosing_weight_kg === 'number' ? c.extra.dosing_weight_kg : (cycleAt(index, String(c.values.patient_key), t)?.dosing_weight_kg ?? null);
  c.values.rate = convert(c, def.kind === 'vasopressor' ? 'vasopressor' : 'fluid_rate', c.values.rate, String(unit), { weight_kg: weight }, agent);
}

/** Converts an infusion's rate or volume from the export's unit (through the spec's unit_spellings) to the canonical unit. */
function convert(c: Candidate, domain: string, v: unknown, unit: string, ctx: { weight_kg?: number | null }, agent: string): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v.replace(',', '.')) : null;
  if (n === null) return null;
  if (!Number.isFinite(n)) {
    c.problems.push({ field: 'rate', raw: v, check: 'number_format', message: `${JSON.stringify(v)} is not a number` });
    return null;
  }
  try {
    return Math.round(toCanonical(domain, n, spelledUnit(c.extra.__spellings as Map<string, string> | undefined, unit), ctx) * 1e4) / 1e4;
  } catch (e) {
    if (!(e instanceof ConversionError)) throw e;
    const noWeight = ctx.weight_kg === null && /needs/.test(e.message);
    const message = noWeight ? `${e.message}: the infusion falls in no cycle with a dosing weight` : unknownUnitMessage(agent, e.message);
    c.problems.push({ field: 'rate', raw: `${String(v)} ${unit}`, check: noWeight ? 'weight_missing' : 'unknown_unit', message });
    return null;
  }
}

export function ageAt(birth: string, atMs: number): number | null {
  const b = Date.parse(birth);
  if (Number.isNaN(b)) return null;
  const d = new Date(b);
  const a = new Date(atMs);
  let age = a.getUTCFullYear() - d.getUTCFullYear();
  if (a.getUTCMonth() < d.getUTCMonth() || (a.getUTCMonth() === d.getUTCMonth() && a.getUTCDate() < d.getUTCDate())) age--;
  return age;
}
