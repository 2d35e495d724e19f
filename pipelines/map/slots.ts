// Dose-log entries → cycles and the full q8h slot grid of each cycle. Slots the export never
// mentions are marked not_recorded (or not_reached after the cycle ended), never invented as
// given or held. Two entries for one slot: the later row is a correction, the earlier is
// quarantined as superseded (or as a duplicate when identical).
import { DOSE_INTERVAL_HOURS, HOLD_REASONS, type SlotStatus } from '../../schemas/index.js';
import type { Candidate } from './records.js';
import type { MappingSpec } from '../../schemas/mapping-spec.js';

const H = 3_600_000;

export interface CycleInfo {
  cycle_id: string;
  patient_key: string;
  course_number: number;
  cycle_number: number;
  startMs: number;
  /** End of the window observations are attached to this cycle in. */
  windowEndMs: number;
  dosing_weight_kg: number | null;
}

export interface GridResult {
  slots: Candidate[];
  cycles: Candidate[];
  /** Entries that could not be placed (quarantined with their reasons). */
  rejected: Candidate[];
  cycleIndex: Map<string, CycleInfo[]>;
  derivedSlots: number;
  derivedCycles: number;
  /** Given slots whose dose_iu was derived (IU/kg × dosing weight) because the spec sets slots.derive_dose_iu. */
  computedDoses: number;
}

type LogStatus = SlotStatus | 'stopped';

function ms(v: unknown): number | null {
  return typeof v === 'string' ? Date.parse(v) : null;
}
const iso = (t: number) => new Date(t).toISOString().replace('.000Z', 'Z');

export function buildGrid(spec: MappingSpec, entries: Candidate[], explicitCycles: Candidate[], baselineWeight: Map<string, number>): GridResult {
  const out: GridResult = { slots: [], cycles: [], rejected: [], cycleIndex: new Map(), derivedSlots: 0, derivedCycles: 0, computedDoses: 0 };
  const explicit = new Map<string, Candidate>();
  for (const c of explicitCycles) explicit.set(`${c.values.patient_key}|${c.values.course_number}|${c.values.cycle_number}`, c);
  for (const [patient, list] of [...entriesByPatient(entries, out)].sort(([a], [b]) => (a < b ? -1 : 1))) {
    list.sort((a, b) => (a.extra.__t as number) - (b.extra.__t as number) || (a.where.row ?? 0) - (b.where.row ?? 0));
    const infos: CycleInfo[] = [];
    for (const g of cycleGroups(spec, list, out)) {
      const info = buildCycle(spec, patient, g, explicit, baselineWeight, out);
      if (info !== null) infos.push(info);
    }
    out.cycleIndex.set(patient, infos);
  }
  // Explicit cycle rows with no dose-log entry are kept (a cycle where nothing was logged).
  for (const c of explicit.values()) {
    c.values.cycle_id = `${c.values.patient_key}-c${c.values.course_number}.${c.values.cycle_number}`;
    out.cycles.push(c);
  }
  return out;
}

interface CycleGroup {
  course: number;
  cycle: number;
  entries: Candidate[];
}

/** Entries by patient, each stamped with its time (`extra.__t`); an entry with no time is rejected. */
function entriesByPatient(entries: Candidate[], out: GridResult): Map<string, Candidate[]> {
  const byPatient = new Map<string, Candidate[]>();
  for (const e of entries) {
    const t = ms(e.values.scheduled_at) ?? ms(e.extra.time) ?? ms(e.values.given_at);
    if (t === null) {
      e.problems.push({ field: 'scheduled_at', raw: null, check: 'required', message: 'a dose-log entry needs a scheduled or given time' });
      out.rejected.push(e);
      continue;
    }
    e.extra.__t = t;
    const k = String(e.values.patient_key);
    let list = byPatient.get(k);
    if (!list) byPatient.set(k, (list = []));
    list.push(e);
  }
  return byPatient;
}

/** 1. A patient's cycles (entries in time order): explicit numbers when the export has them, else gaps between entries. */
function cycleGroups(spec: MappingSpec, list: Candidate[], out: GridResult): CycleGroup[] {
  const opts = spec.slots;
  const groups = new Map<string, CycleGroup>();
  let course = 1;
  let cycle = 1;
  let prev: number | null = null;
  const columns = keyColumns(spec, list[0]!);
  for (const e of list) {
    const t = e.extra.__t as number;
    let co = num(e.extra.course_number);
    let cy = num(e.extra.cycle_number);
    const bad = badKeyNumber(e, co, cy, columns);
    if (bad) {
      e.problems.push(bad);
      out.rejected.push(e);
      continue;
    }
    if (co === null || cy === null) {
      if (prev !== null && t - prev > opts.cycle_gap_hours * H) {
        if (t - prev > opts.course_gap_days * 24 * H) {
          course++;
          cycle = 1;
        } else cycle++;
      }
      co = course;
      cy = cycle;
    }
    prev = t;
    const key = `${co}.${cy}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { course: co, cycle: cy, entries: [] }));
    g.entries.push(e);
  }
  rejectKeyConflicts([...groups.values()], columns, opts.cycle_gap_hours * H, out.rejected);
  return [...groups.values()].filter((x) => x.entries.length > 0).sort((a, b) => a.course - b.course || a.cycle - b.cycle);
}

/** One cycle: its entries on the grid, every slot's status and the cycle record; null when no entry could be placed. */
function buildCycle(
  spec: MappingSpec,
  patient: string,
  g: CycleGroup,
  explicit: Map<string, Candidate>,
  baselineWeight: Map<string, number>,
  out: GridResult,
): CycleInfo | null {
  const opts = spec.slots;
  const cycleId = `${patient}-c${g.course}.${g.cycle}`;
  const ex = explicit.get(`${patient}|${g.course}|${g.cycle}`);
  const first = g.entries[0]!;
  const scheduled = g.entries.map((e) => ms(e.values.scheduled_at)).filter((x): x is number => x !== null);
  // The grid starts at the first scheduled slot; an explicit start (often the admission) only when nothing is scheduled.
  const startMs = scheduled.length > 0 ? Math.min(...scheduled) : (ms(ex?.values.start_at) ?? Math.round((first.extra.__t as number) / H) * H);
  const bySlot = placeOnGrid(spec, g, cycleId, startMs, out);
  if (bySlot.size === 0) return null;
  // 3. Statuses, doses and the cycle record.
  const doseIuPerKg = num(ex?.values.dose_iu_per_kg) ?? firstNum(g.entries, 'dose_iu_per_kg') ?? spec.centre.dose_iu_per_kg;
  let weight = num(ex?.values.dosing_weight_kg) ?? firstNum(g.entries, 'dosing_weight_kg');
  if (weight === null) {
    const givenIu = [...bySlot.values()].map((e) => num(e.values.dose_iu)).find((x) => x !== null);
    weight = givenIu !== undefined && givenIu !== null ? Math.round((givenIu / doseIuPerKg) * 10) / 10 : (baselineWeight.get(patient) ?? null);
  }
  const planned = num(ex?.values.planned_max_doses) ?? spec.centre.max_doses_per_cycle;
  const { stopped, stopCodes, given, lastSlot } = settleSlots(bySlot, doseIuPerKg, weight, opts.derive_dose_iu, out);
  const ended = stopped || given >= planned || [...bySlot.values()].some((e) => e.values.status === 'not_reached');
  fillGrid(spec, patient, cycleId, startMs, bySlot, lastSlot, ended, first, out);
  const endReason = ex?.values.end_reason ?? endReasonOf(stopped, stopCodes, given, planned, lastSlot, opts.slots_per_cycle);
  const cycleValues: Record<string, unknown> = {
    centre_id: spec.centre.centre_id,
    patient_key: patient,
    cycle_id: cycleId,
    course_number: g.course,
    cycle_number: g.cycle,
    start_at: iso(startMs),
    dose_iu_per_kg: doseIuPerKg,
    dosing_weight_kg: weight,
    dosing_weight_basis: ex?.values.dosing_weight_basis ?? 'actual_admission',
    planned_max_doses: planned,
    end_reason: endReason,
    ...admissionOf(g.entries),
  };
  if (ex) {
    ex.values = {
      ...cycleValues,
      ...Object.fromEntries(Object.entries(ex.values).filter(([, v]) => v !== null && v !== undefined)),
      cycle_id: cycleId,
      start_at: iso(startMs),
    };
    out.cycles.push(ex);
    explicit.delete(`${patient}|${g.course}|${g.cycle}`);
  } else {
    out.cycles.push({
      table: 'cycle',
      values: cycleValues,
      extra: { derived: true },
      where: { ...first.where, pointer: first.where.pointer ?? null },
      problems: [],
    });
    out.derivedCycles++;
  }
  const windowEndMs = startMs + (opts.slots_per_cycle * DOSE_INTERVAL_HOURS + 72) * H;
  return { cycle_id: cycleId, patient_key: patient, course_number: g.course, cycle_number: g.cycle, startMs, windowEndMs, dosing_weight_kg: weight };
}

/** 2. A cycle's entries placed on its q8h grid by slot; off-grid, out-of-grid and superseded entries are rejected. */
function placeOnGrid(spec: MappingSpec, g: CycleGroup, cycleId: string, startMs: number, out: GridResult): Map<number, Candidate> {
  const opts = spec.slots;
  const bySlot = new Map<number, Candidate>();
  for (const e of g.entries) {
    const t = e.extra.__t as number;
    let k = num(e.values.slot_number);
    if (k === null) {
      k = Math.round((t - startMs) / (DOSE_INTERVAL_HOURS * H)) + 1;
      const off = Math.abs(t - (startMs + (k - 1) * DOSE_INTERVAL_HOURS * H)) / H;
      if (off > opts.slot_tolerance_hours) {
        const message = `${iso(t)} is ${off.toFixed(1)} h from the nearest q8h slot of cycle ${g.course}.${g.cycle} (tolerance ${opts.slot_tolerance_hours} h)`;
        e.problems.push({ field: 'scheduled_at', raw: iso(t), check: 'off_grid', message });
        out.rejected.push(e);
        continue;
      }
    }
    if (k < 1 || k > opts.slots_per_cycle) {
      e.problems.push({
        field: 'slot_number',
        raw: k,
        check: 'beyond_grid',
        message: `slot ${k} is outside the ${opts.slots_per_cycle}-slot grid of cycle ${g.course}.${g.cycle}`,
      });
      out.rejected.push(e);
      continue;
    }
    e.values.slot_number = k;
    e.values.cycle_id = cycleId;
    if (e.values.scheduled_at === undefined || e.values.scheduled_at === null) e.values.scheduled_at = iso(startMs + (k - 1) * DOSE_INTERVAL_HOURS * H);
    const earlier = bySlot.get(k);
    if (earlier) {
      const same = sameEntry(earlier, e);
      const loser = same ? e : earlier;
      const winner = same ? earlier : e;
      loser.problems.push(
        same
          ? { field: null, raw: null, check: 'duplicate', message: `duplicate of ${where(winner)} (same slot ${k}, same content)` }
          : {
              field: 'status',
              raw: loser.values.status,
              check: 'superseded',
              message: `slot ${k} of cycle ${g.course}.${g.cycle} is recorded again at ${where(winner)}; the later entry is kept as the correction`,
            },
      );
      out.rejected.push(loser);
      bySlot.set(k, winner);
    } else bySlot.set(k, e);
  }
  return bySlot;
}

/** Each placed slot's status, dose and reasons settled (a 'stopped' entry is a held slot that ends the cycle). */
function settleSlots(
  bySlot: Map<number, Candidate>,
  doseIuPerKg: number,
  weight: number | null,
  deriveDoseIu: boolean,
  out: GridResult,
): { stopped: boolean; stopCodes: string[]; given: number; lastSlot: number } {
  let stopped = false;
  let stopCodes: string[] = [];
  let given = 0;
  let lastSlot = 0;
  for (const [k, e] of [...bySlot.entries()].sort(([a], [b]) => a - b)) {
    lastSlot = Math.max(lastSlot, k);
    const st = e.values.status as LogStatus;
    if (st === 'stopped') {
      stopped = true;
      stopCodes = Array.isArray(e.values.hold_reason_codes) ? (e.values.hold_reason_codes as string[]) : [];
      e.values.status = 'held';
    }
    if (e.values.status === 'given') {
      given++;
      // Only where the spec asks for it is a missing dose filled in, and it says so in the record.
      if (e.values.dose_iu === null || e.values.dose_iu === undefined) {
        e.values.dose_iu = null;
        e.values.dose_iu_source = null;
        if (deriveDoseIu && weight !== null) {
          e.values.dose_iu = Math.round(doseIuPerKg * weight);
          e.values.dose_iu_source = 'derived';
          out.computedDoses++;
        }
      } else e.values.dose_iu_source = 'recorded';
      if (e.values.given_at === null || e.values.given_at === undefined) e.values.given_at = e.values.scheduled_at;
    } else {
      e.values.given_at = null;
      e.values.dose_iu = null;
      e.values.dose_iu_source = null;
      const codes = Array.isArray(e.values.hold_reason_codes) ? (e.values.hold_reason_codes as string[]) : [];
      // A clinical reason on a slot logged as skipped means held; a held slot with only non-clinical reasons means skipped.
      if (e.values.status === 'skipped' && codes.some((c) => HOLD_REASONS[c as keyof typeof HOLD_REASONS]?.kind === 'clinical')) e.values.status = 'held';
      if (e.values.status === 'held' && codes.length === 0) e.values.hold_reason_codes = ['unspecified'];
    }
    if (e.values.status === 'given') e.values.hold_reason_codes = [];
    if (!Array.isArray(e.values.hold_reason_codes)) e.values.hold_reason_codes = [];
    if (e.values.hold_reason_text === undefined) e.values.hold_reason_text = null;
    out.slots.push(e);
  }
  return { stopped, stopCodes, given, lastSlot };
}

/** The grid's slots the export never mentions: not_reached after the cycle ended, else not_recorded (never invented). */
function fillGrid(
  spec: MappingSpec,
  patient: string,
  cycleId: string,
  startMs: number,
  bySlot: Map<number, Candidate>,
  lastSlot: number,
  ended: boolean,
  first: Candidate,
  out: GridResult,
): void {
  for (let k = 1; k <= spec.slots.slots_per_cycle; k++) {
    if (bySlot.has(k)) continue;
    const status: SlotStatus = k > lastSlot && ended ? 'not_reached' : 'not_recorded';
    out.slots.push({
      table: 'dose_slot',
      values: {
        centre_id: spec.centre.centre_id,
        patient_key: patient,
        cycle_id: cycleId,
        slot_number: k,
        scheduled_at: iso(startMs + (k - 1) * DOSE_INTERVAL_HOURS * H),
        status,
        given_at: null,
        dose_iu: null,
        dose_iu_source: null,
        hold_reason_codes: [],
        hold_reason_text: null,
      },
      extra: { derived: true },
      where: { ...first.where, row: null, pointer: `derived: q8h grid of ${first.where.file}` },
      problems: [],
    });
    out.derivedSlots++;
  }
}

/** Attaches each observation, infusion or event to the cycle whose window holds its time (24 h before start to 72 h after the grid). */
export function cycleAt(index: Map<string, CycleInfo[]>, patient: string, t: number): CycleInfo | null {
  for (const c of index.get(patient) ?? []) if (t >= c.startMs - 24 * H && t < c.windowEndMs) return c;
  return null;
}

/**
 * How a cycle ended, from its log: a stop whose reasons are only "per MD"-type is the clinician's,
 * a patient's request is the patient's, any clinical criterion makes it a toxicity stop; without a
 * stop, the maximum given, or the last slot of the window reached, or else unknown.
 */
function endReasonOf(stopped: boolean, codes: string[], given: number, planned: number, lastSlot: number, slots: number): string {
  if (stopped) {
    const clinical = codes.filter((c) => c !== 'clinical_other' && c !== 'patient_refusal' && c !== 'unspecified');
    if (clinical.length > 0) return 'toxicity_stop';
    if (codes.includes('patient_refusal')) return 'patient';
    if (codes.includes('clinical_other')) return 'clinician';
    return 'toxicity_stop';
  }
  if (given >= planned) return 'max_reached';
  if (lastSlot >= slots) return 'window_closed';
  return 'other';
}

/** The export's columns for the course and cycle numbers of an entry's source, for messages. */
function keyColumns(spec: MappingSpec, e: Candidate): { course: string; cycle: string } {
  const src =
    spec.sources.find((x) => e.where.file === x.file || e.where.file.endsWith(`/${x.file}`) || x.file.endsWith(`/${e.where.file}`)) ??
    spec.sources.find((x) => x.tables.some((t) => t.table === 'dose_slot'));
  const fields = src?.tables.find((t) => t.table === 'dose_slot')?.fields ?? {};
  const col = (f: unknown, name: string) =>
    typeof f === 'string' ? f : f && typeof f === 'object' && 'from' in f ? String((f as { from: unknown }).from) : name;
  return { course: col(fields.course_number, 'course_number'), cycle: col(fields.cycle_number, 'cycle_number') };
}

/** A course or cycle number the export gives but that is no whole number in the schema's range: the entry cannot be placed. */
function badKeyNumber(e: Candidate, co: number | null, cy: number | null, columns: { course: string; cycle: string }): Candidate['problems'][number] | null {
  const check = (raw: unknown, n: number | null, max: number, field: string, column: string) => {
    if (raw === undefined || raw === null || raw === '') return null;
    if (n !== null && Number.isInteger(n) && n >= 1 && n <= max) return null;
    return {
      field,
      raw,
      check: 'bad_cycle_key',
      message: `${field.replace('_', ' ')} ${JSON.stringify(raw)} in column ${column} is not a whole number from 1 to ${max}, so the entry cannot be placed ` +
        `in a cycle; correct it in the export`,
    };
  };
  return check(e.extra.course_number, co, 20, 'course_number', columns.course) ?? check(e.extra.cycle_number, cy, 4, 'cycle_number', columns.cycle);
}

/**
 * An entry whose course/cycle number puts it in a cycle other than the one whose doses surround it
 * (a typo: cycle 3 among cycle 2's doses) would make a phantom cycle, or land on a slot of another
 * cycle, and pull good rows with it. It is rejected, naming the column: an entry with no other entry
 * of its own cycle within the cycle gap, lying between the first and last dose of another cycle.
 */
function rejectKeyConflicts(
  groups: { course: number; cycle: number; entries: Candidate[] }[],
  columns: { course: string; cycle: string },
  gapMs: number,
  rejected: Candidate[],
): void {
  const spans = groups.map((g) => {
    const ts = g.entries.map((e) => e.extra.__t as number);
    return { g, first: Math.min(...ts), last: Math.max(...ts) };
  });
  for (const { g } of spans) {
    const kept: Candidate[] = [];
    for (const e of g.entries) {
      const t = e.extra.__t as number;
      const explicit = num(e.extra.course_number) !== null && num(e.extra.cycle_number) !== null;
      const isolated = !g.entries.some((o) => o !== e && Math.abs((o.extra.__t as number) - t) <= gapMs);
      const host = explicit && isolated ? spans.find((h) => h.g !== g && h.g.entries.length >= 2 && h.first <= t && t <= h.last) : undefined;
      if (!host) {
        kept.push(e);
        continue;
      }
      const field = host.g.course !== g.course ? 'course_number' : 'cycle_number';
      const column = field === 'course_number' ? columns.course : columns.cycle;
      e.problems.push({
        field,
        raw: `${g.course}.${g.cycle}`,
        check: 'cycle_key_conflict',
        message: `course ${g.course}, cycle ${g.cycle} (columns ${columns.course}, ${columns.cycle}) puts this ${iso(t)} entry among the doses of cycle ` +
          `${host.g.course}.${host.g.cycle} (${iso(host.first)} to ${iso(host.last)}); the ${field.replace('_', ' ')} in column ${column} is likely wrong: ` +
            `correct it in the export`,
      });
      rejected.push(e);
    }
    g.entries = kept;
  }
}

function sameEntry(a: Candidate, b: Candidate): boolean {
  const keys = ['status', 'given_at', 'dose_iu', 'hold_reason_text'];
  return (
    keys.every((k) => JSON.stringify(a.values[k] ?? null) === JSON.stringify(b.values[k] ?? null)) &&
    JSON.stringify(a.values.hold_reason_codes ?? []) === JSON.stringify(b.values.hold_reason_codes ?? [])
  );
}

function where(c: Candidate): string {
  return `${c.where.file} ${c.where.pointer ?? `row ${c.where.row}`}`;
}

function num(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
}

/** The admission a cycle's doses were given in (their admitted_at, discharged_at): the earliest start and the latest end. */
function admissionOf(list: Candidate[]): { admitted_at: string | null; discharged_at: string | null } {
  let start: number | null = null;
  let end: number | null = null;
  for (const e of list) {
    const s = ms(e.extra.admitted_at);
    const t = ms(e.extra.discharged_at);
    if (s !== null && !Number.isNaN(s) && (start === null || s < start)) start = s;
    if (t !== null && !Number.isNaN(t) && (end === null || t > end)) end = t;
  }
  return { admitted_at: start === null ? null : iso(start), discharged_at: end === null ? null : iso(end) };
}

function firstNum(list: Candidate[], key: string): number | null {
  for (const e of list) {
    const n = num(e.extra[key]);
    if (n !== null) return n;
  }
  return null;
}
