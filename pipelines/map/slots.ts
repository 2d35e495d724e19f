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
  computedDoses: number;
}

type LogStatus = SlotStatus | 'stopped';

function ms(v: unknown): number | null {
  return typeof v === 'string' ? Date.parse(v) : null;
}
const iso = (t: number) => new Date(t).toISOString().replace('.000Z', 'Z');

export function buildGrid(spec: MappingSpec, entries: Candidate[], explicitCycles: Candidate[], baselineWeight: Map<string, number>): GridResult {
  const opts = spec.slots;
  const out: GridResult = { slots: [], cycles: [], rejected: [], cycleIndex: new Map(), derivedSlots: 0, derivedCycles: 0, computedDoses: 0 };
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
  const explicit = new Map<string, Candidate>();
  for (const c of explicitCycles) explicit.set(`${c.values.patient_key}|${c.values.course_number}|${c.values.cycle_number}`, c);

  for (const [patient, list] of [...byPatient.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    list.sort((a, b) => (a.extra.__t as number) - (b.extra.__t as number) || (a.where.row ?? 0) - (b.where.row ?? 0));
    // 1. Cycles: explicit numbers when the export has them, else gaps between entries.
    const groups = new Map<string, { course: number; cycle: number; entries: Candidate[] }>();
    let course = 1;
    let cycle = 1;
    let prev: number | null = null;
    for (const e of list) {
      const t = e.extra.__t as number;
      let co = num(e.extra.course_number);
      let cy = num(e.extra.cycle_number);
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
    const infos: CycleInfo[] = [];
    for (const g of [...groups.values()].sort((a, b) => a.course - b.course || a.cycle - b.cycle)) {
      const cycleId = `${patient}-c${g.course}.${g.cycle}`;
      const ex = explicit.get(`${patient}|${g.course}|${g.cycle}`);
      const first = g.entries[0]!;
      const scheduled = g.entries.map((e) => ms(e.values.scheduled_at)).filter((x): x is number => x !== null);
      // The grid starts at the first scheduled slot; an explicit start (often the admission) only when nothing is scheduled.
      const startMs = scheduled.length > 0 ? Math.min(...scheduled) : (ms(ex?.values.start_at) ?? Math.round((first.extra.__t as number) / H) * H);
      // 2. Place entries on the grid.
      const bySlot = new Map<number, Candidate>();
      for (const e of g.entries) {
        const t = e.extra.__t as number;
        let k = num(e.values.slot_number);
        if (k === null) {
          k = Math.round((t - startMs) / (DOSE_INTERVAL_HOURS * H)) + 1;
          const off = Math.abs(t - (startMs + (k - 1) * DOSE_INTERVAL_HOURS * H)) / H;
          if (off > opts.slot_tolerance_hours) {
            e.problems.push({ field: 'scheduled_at', raw: iso(t), check: 'off_grid', message: `${iso(t)} is ${off.toFixed(1)} h from the nearest q8h slot of cycle ${g.course}.${g.cycle} (tolerance ${opts.slot_tolerance_hours} h)` });
            out.rejected.push(e);
            continue;
          }
        }
        if (k < 1 || k > opts.slots_per_cycle) {
          e.problems.push({ field: 'slot_number', raw: k, check: 'beyond_grid', message: `slot ${k} is outside the ${opts.slots_per_cycle}-slot grid of cycle ${g.course}.${g.cycle}` });
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
              : { field: 'status', raw: loser.values.status, check: 'superseded', message: `slot ${k} of cycle ${g.course}.${g.cycle} is recorded again at ${where(winner)}; the later entry is kept as the correction` },
          );
          out.rejected.push(loser);
          bySlot.set(k, winner);
        } else bySlot.set(k, e);
      }
      if (bySlot.size === 0) continue;
      // 3. Statuses, doses and the cycle record.
      const doseIuPerKg = num(ex?.values.dose_iu_per_kg) ?? firstNum(g.entries, 'dose_iu_per_kg') ?? spec.centre.dose_iu_per_kg;
      let weight = num(ex?.values.dosing_weight_kg) ?? firstNum(g.entries, 'dosing_weight_kg');
      if (weight === null) {
        const givenIu = [...bySlot.values()].map((e) => num(e.values.dose_iu)).find((x) => x !== null);
        weight = givenIu !== undefined && givenIu !== null ? Math.round((givenIu / doseIuPerKg) * 10) / 10 : (baselineWeight.get(patient) ?? null);
      }
      const planned = num(ex?.values.planned_max_doses) ?? spec.centre.max_doses_per_cycle;
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
          if ((e.values.dose_iu === null || e.values.dose_iu === undefined) && weight !== null) {
            e.values.dose_iu = Math.round(doseIuPerKg * weight);
            out.computedDoses++;
          }
          if (e.values.given_at === null || e.values.given_at === undefined) e.values.given_at = e.values.scheduled_at;
        } else {
          e.values.given_at = null;
          e.values.dose_iu = null;
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
      const ended = stopped || given >= planned || [...bySlot.values()].some((e) => e.values.status === 'not_reached');
      for (let k = 1; k <= opts.slots_per_cycle; k++) {
        if (bySlot.has(k)) continue;
        const status: SlotStatus = k > lastSlot && ended ? 'not_reached' : 'not_recorded';
        out.slots.push({
          table: 'dose_slot',
          values: {
            centre_id: spec.centre.centre_id, patient_key: patient, cycle_id: cycleId, slot_number: k,
            scheduled_at: iso(startMs + (k - 1) * DOSE_INTERVAL_HOURS * H), status, given_at: null, dose_iu: null, hold_reason_codes: [], hold_reason_text: null,
          },
          extra: { derived: true },
          where: { ...first.where, row: null, pointer: `derived: q8h grid of ${first.where.file}` },
          problems: [],
        });
        out.derivedSlots++;
      }
      const endReason = ex?.values.end_reason ?? endReasonOf(stopped, stopCodes, given, planned, lastSlot, opts.slots_per_cycle);
      const cycleValues: Record<string, unknown> = {
        centre_id: spec.centre.centre_id, patient_key: patient, cycle_id: cycleId, course_number: g.course, cycle_number: g.cycle, start_at: iso(startMs),
        dose_iu_per_kg: doseIuPerKg, dosing_weight_kg: weight, dosing_weight_basis: ex?.values.dosing_weight_basis ?? 'actual_admission', planned_max_doses: planned, end_reason: endReason,
      };
      if (ex) {
        ex.values = { ...cycleValues, ...Object.fromEntries(Object.entries(ex.values).filter(([, v]) => v !== null && v !== undefined)), cycle_id: cycleId, start_at: iso(startMs) };
        out.cycles.push(ex);
        explicit.delete(`${patient}|${g.course}|${g.cycle}`);
      } else {
        out.cycles.push({ table: 'cycle', values: cycleValues, extra: { derived: true }, where: { ...first.where, pointer: first.where.pointer ?? null }, problems: [] });
        out.derivedCycles++;
      }
      infos.push({ cycle_id: cycleId, patient_key: patient, course_number: g.course, cycle_number: g.cycle, startMs, windowEndMs: startMs + (opts.slots_per_cycle * DOSE_INTERVAL_HOURS + 72) * H, dosing_weight_kg: weight });
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

function sameEntry(a: Candidate, b: Candidate): boolean {
  const keys = ['status', 'given_at', 'dose_iu', 'hold_reason_text'];
  return keys.every((k) => JSON.stringify(a.values[k] ?? null) === JSON.stringify(b.values[k] ?? null)) && JSON.stringify(a.values.hold_reason_codes ?? []) === JSON.stringify(b.values.hold_reason_codes ?? []);
}

function where(c: Candidate): string {
  return `${c.where.file} ${c.where.pointer ?? `row ${c.where.row}`}`;
}

function num(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
}

function firstNum(list: Candidate[], key: string): number | null {
  for (const e of list) {
    const n = num(e.extra[key]);
    if (n !== null) return n;
  }
  return null;
}
