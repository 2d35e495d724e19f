// Phase map_dose_log: patients, cycles, the dose log and responses (small; the slot grid needs them whole).
// Reads each source that feeds these tables, maps its rows, builds the slot grid, and validates and stages
// the records. A source that also feeds the observation phase is read once: its observation-phase
// candidates are mapped here and parked (schedule.ts) until the grid exists.
import { join } from 'node:path';
import type { SourceSpec } from '../../schemas/mapping-spec.js';
import { TABLES } from '../../schemas/index.js';
import { streamMapped } from './stream-map.js';
import { mapSource, type Candidate, type PhaseOutput } from '../map/records.js';
import { RawWriter } from '../map/columnar.js';
import { CandidateSpill } from '../map/spill.js';
import { buildGrid, type GridResult } from '../map/slots.js';
import { ageAt, assignCourse, mergePatients } from '../map/finish.js';
import { checkAssessmentDate, courseStarts, deriveResponses, finishRecordedResponse, recordedSuperseded } from '../map/outcomes.js';
import { combineFollowUp } from '../map/follow-up.js';
import { mapColumnarSource } from './columnar-source.js';
import { combineCounts, mergeCounts } from './source-counts.js';
import type { IngestRun } from './run.js';
import { inDoseLog, type Parked, type SourceSchedule } from './schedule.js';

export interface DoseLog {
  grid: GridResult;
  /** Values filled in from other data, by `table.field` (e.g. patient.baseline_weight_kg from the first dosing weight). */
  derivedFields: Record<string, number>;
}

/** Maps the dose-log tables of every source, then builds the grid and stages cycles, slots, patients and responses. */
export async function mapDoseLog(run: IngestRun, sched: SourceSchedule): Promise<DoseLog> {
  const { spec } = run;
  const candidatesOf = new Map<string, Candidate[]>();
  // Sources being read by reader threads are taken last, so the main thread maps the others meanwhile;
  // what this phase gives is put back in spec order below.
  const order = [...spec.sources].sort((a, b) => Number(sched.onThreads(a.id)) - Number(sched.onThreads(b.id)));
  for (const src of order) {
    if (!src.tables.some(inDoseLog)) continue;
    candidatesOf.set(src.id, await readDoseLogSource(run, sched, src));
    run.readInA.add(src.id);
  }
  putInSpecOrder(run);
  return buildDoseLog(run, spec.sources.flatMap((x) => candidatesOf.get(x.id) ?? []));
}

/** One source's dose-log candidates: column-wise when its plan takes the dose-log maps too, else streamed row by row. */
async function readDoseLogSource(run: IngestRun, sched: SourceSchedule, src: SourceSpec): Promise<Candidate[]> {
  const { ctx } = run;
  const wanted = src.tables.filter(inDoseLog);
  const later = src.tables.filter((t) => !inDoseLog(t));
  const plan = sched.plans.get(src.id);
  const out: Candidate[] = [];
  if (plan && plan.early.length > 0) {
    // Read once, column-wise: the rows the dose-log maps take come back for the row path now;
    // the observations wait for the slot grid.
    const opened = await mapColumnarSource(run, sched, src, plan);
    sched.columnarParked.set(src.id, opened);
    // The fallback rows carry their followed references already (columnar-source.ts): not followed (or counted) again.
    const fbCtx = { ...ctx, references: null };
    const fb = mapSource(src, { ...opened.info, rows: opened.res.fallback }, fbCtx, new Set(wanted), src.tables.length === wanted.length);
    for (const c of fb.candidates) out.push(c);
    const both = combineCounts(await opened.res.counts(new Set(wanted), src.tables.length === wanted.length), fb.counts);
    run.sources.push({ ...both, sha256: opened.info.sha256, bytes: opened.info.bytes, path: opened.info.path });
    return out;
  }
  // The rows reach the writer after mapSource's gate followed their references: a patient id read through one is tested too.
  const raw = plan ? new RawWriter(plan.paths, join(run.work, `raw-${src.id}.csv`), sched.cohortOf(src, src.references.length > 0)) : null;
  if (raw) sched.raws.set(src.id, raw);
  const park: Parked | null =
    later.length > 0 && !raw
      ? { spill: new CandidateSpill(join(run.work, `parked-${sched.parked.size}.bin`)), counts: null, unmapped: new Map(), error: null }
      : null;
  if (park) sched.parked.set(src.id, park);
  // Streamed like the observation phase: the raw rows of a large dose log are released piece by piece. A parked
  // source's observation-phase maps are mapped in the same pass over each piece (until one of them fails).
  const laterMaps = new Set(later);
  const also = park ? () => (park.error ? null : { produce: laterMaps, countUnused: true, unmapped: park.unmapped }) : undefined;
  const opts = { countUnused: src.tables.length === wanted.length, rowsToo: true, also, onAlso: park ? (b: PhaseOutput) => parkPiece(park, b) : undefined };
  await streamMapped(run, src, wanted, opts, (candidates, data) => {
    for (const c of candidates) out.push(c);
    raw?.write(data.rows);
  });
  return out;
}

/**
 * The piece's observation-phase candidates, mapped exactly as that phase would map them (same table maps, same counts,
 * unmapped codes tallied aside), parked in a spill file. A mapping error is kept and thrown at the source's turn in the
 * observation phase; the pieces after it are not mapped for that phase.
 */
function parkPiece(park: Parked, b: PhaseOutput): void {
  if ('error' in b) {
    park.error = { e: b.error };
    return;
  }
  park.spill.write(b.candidates);
  if (park.counts) mergeCounts(park.counts, b.counts, true);
  else park.counts = b.counts;
}

/** Sources, suspected identifiers and unused columns back in spec order (threaded sources were read last). */
function putInSpecOrder(run: IngestRun): void {
  const specOrder = new Map(run.spec.sources.map((x, i) => [x.id, i]));
  const bySpec = (a: { source: string }, b: { source: string }) => specOrder.get(a.source)! - specOrder.get(b.source)!;
  run.sources.sort(bySpec);
  run.suspected.sort(bySpec);
  for (const id of run.spec.sources.map((x) => x.id).filter((id) => id in run.unusedColumns)) {
    const u = run.unusedColumns[id]!;
    delete run.unusedColumns[id];
    run.unusedColumns[id] = u;
  }
}

/** The slot grid from the dose log, then cycles, slots, patients (with derived fields) and responses validated and staged. */
function buildDoseLog(run: IngestRun, candidates: Candidate[]): DoseLog {
  const { counts, stager } = run;
  for (const c of candidates) counts[c.table]!.read++;
  const patients = mergePatients(candidates.filter((c) => c.table === 'patient'), counts.patient!, stager.quarantine);
  const baseline = new Map<string, number>();
  for (const p of patients) if (typeof p.values.baseline_weight_kg === 'number') baseline.set(String(p.values.patient_key), p.values.baseline_weight_kg);
  const entries = candidates.filter((c) => c.table === 'dose_slot');
  const explicitCycles = candidates.filter((c) => c.table === 'cycle' && c.problems.length === 0);
  const derivedFields: Record<string, number> = {};
  const badEntries = entries.filter((c) => c.problems.length > 0);
  const grid = buildGrid(run.spec, entries.filter((c) => c.problems.length === 0), explicitCycles, baseline);
  if (grid.computedDoses > 0) derivedFields['dose_slot.dose_iu'] = grid.computedDoses;
  counts.dose_slot!.derived += grid.derivedSlots;
  counts.cycle!.derived += grid.derivedCycles;
  for (const c of badEntries) stager.quarantine(c);
  for (const c of grid.rejected) stager.quarantine(c);
  for (const c of candidates.filter((c) => c.table === 'cycle' && c.problems.length > 0)) stager.quarantine(c);
  for (const c of grid.cycles) stager.store(c);
  for (const c of grid.slots) stager.store(c);
  const firstStart = new Map<string, number>();
  for (const [k, infos] of grid.cycleIndex) if (infos[0]) firstStart.set(k, infos[0].startMs);
  for (const p of patients) {
    const first = grid.cycleIndex.get(String(p.values.patient_key))?.[0];
    // No baseline weight in the export: the first cycle's dosing weight stands in (reported as derived).
    if (p.problems.length === 0 && (p.values.baseline_weight_kg === null || p.values.baseline_weight_kg === undefined) && first?.dosing_weight_kg) {
      p.values.baseline_weight_kg = first.dosing_weight_kg;
      derivedFields['patient.baseline_weight_kg'] = (derivedFields['patient.baseline_weight_kg'] ?? 0) + 1;
    }
    if (p.problems.length === 0 && p.extra.birth_date && p.values.age_at_first_dose === undefined) {
      const start = firstStart.get(String(p.values.patient_key));
      if (start !== undefined) p.values.age_at_first_dose = ageAt(String(p.extra.birth_date), start);
    }
    stager.store(p);
  }
  stageOutcomes(run, candidates, grid);
  return { grid, derivedFields };
}

/**
 * Responses, dated assessments and follow-up, once the grid gives each patient's courses: assessments are placed in
 * their course and stored; a course with assessments gets its best response derived from them (counted as derived),
 * in place of a recorded one; follow-up rows are combined per patient and checked against the first dose.
 */
function stageOutcomes(run: IngestRun, candidates: Candidate[], grid: GridResult): void {
  const { counts, stager } = run;
  const placed = (c: Candidate) => {
    checkAssessmentDate(c);
    if ((c.values.course_number === undefined || c.values.course_number === null) && c.problems.length === 0) assignCourse(c, grid.cycleIndex);
    return c;
  };
  const assessments = candidates.filter((c) => c.table === 'response_assessment').map(placed);
  for (const c of assessments) stager.store(c);
  // Only the assessments stored feed the derivation (store rebuilt their values in the table's shape).
  const valid = assessments.filter((c) => c.problems.length === 0 && TABLES.response_assessment.schema.safeParse(c.values).success);
  const derived = deriveResponses(valid, courseStarts(grid.cycleIndex));
  const derivedCourses = new Set(derived.map((c) => `${String(c.values.patient_key)}|${Number(c.values.course_number)}`));
  for (const c of candidates.filter((c) => c.table === 'response').map(placed)) {
    const superseded = c.problems.length === 0 ? recordedSuperseded(c, derivedCourses) : null;
    if (superseded) stager.quarantine(c, [superseded]);
    else {
      finishRecordedResponse(c);
      stager.store(c);
    }
  }
  counts.response!.derived += derived.length;
  for (const c of derived) stager.store(c);
  const firstDose = new Map<string, number>();
  for (const [k, infos] of grid.cycleIndex) firstDose.set(k, Math.min(...infos.map((i) => i.startMs)));
  for (const c of combineFollowUp(candidates.filter((c) => c.table === 'follow_up'), counts.follow_up!, firstDose, stager.quarantine)) stager.store(c);
}
