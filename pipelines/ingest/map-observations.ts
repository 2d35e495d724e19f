// Phase map_observations: observations, infusions and clinical events (large), streamed source by source
// once the slot grid exists; each record gets its cycle, is validated and staged.
import { join } from 'node:path';
import type { SourceSpec } from '../../schemas/mapping-spec.js';
import { streamMapped } from './stream-map.js';
import { mapSource, type Candidate } from '../map/records.js';
import type { ColumnarPlan } from '../map/columnar.js';
import type { CycleInfo } from '../map/slots.js';
import { attachCycle, closeRateEvents, finishInfusion } from '../map/finish.js';
import { mapColumnarSource } from './columnar-source.js';
import { rowPathWriter } from './columnar-staging.js';
import { candidateRows, combineCounts, mergeCounts } from './source-counts.js';
import type { DoseLog } from './map-dose-log.js';
import type { IngestRun } from './run.js';
import { inDoseLog, type Parked, type SourceSchedule } from './schedule.js';

type Cycles = Map<string, CycleInfo[]>;

/** Maps the observation-phase tables of every source, in spec order. */
export async function mapObservations(run: IngestRun, sched: SourceSchedule, doseLog: DoseLog): Promise<void> {
  const cycles = doseLog.grid.cycleIndex;
  for (const src of run.spec.sources) {
    const wanted = src.tables.filter((t) => !inDoseLog(t));
    if (wanted.length === 0) continue;
    const rateEvents = wanted.some((t) => t.table === 'infusion' && t.rate_events);
    const rateBuffer: Candidate[] = [];
    const finish = (candidates: Candidate[]) => {
      for (const c of candidates) {
        run.counts[c.table]!.read++;
        if (rateEvents && c.table === 'infusion' && c.problems.length === 0) {
          rateBuffer.push(c);
          continue;
        }
        if (c.problems.length === 0) attachCycle(c, cycles);
        if (c.table === 'infusion' && c.problems.length === 0) finishInfusion(c, cycles);
        run.stager.store(c);
      }
    };
    const park = sched.parked.get(src.id);
    const plan = sched.plans.get(src.id);
    if (plan) await columnarSource(run, sched, src, plan, wanted, cycles);
    else if (park) replayParked(run, sched, src, park, finish);
    else await streamRows(run, src, wanted, finish);
    for (const c of closeRateEvents(rateBuffer)) {
      if (c.problems.length === 0) attachCycle(c, cycles);
      if (c.problems.length === 0) finishInfusion(c, cycles);
      run.stager.store(c);
    }
  }
}

/** Column-wise (map/columnar.ts): one evaluation per distinct value; the rows it leaves take the row path. */
async function columnarSource(
  run: IngestRun,
  sched: SourceSchedule,
  src: SourceSpec,
  plan: ColumnarPlan,
  wanted: SourceSpec['tables'],
  cycles: Cycles,
): Promise<void> {
  const parkedCol = sched.columnarParked.get(src.id);
  const { res, info } = parkedCol ?? (await mapColumnarSource(run, sched, src, plan, sched.raws.get(src.id)));
  sched.columnarParked.delete(src.id);
  try {
    const rowsToo = !run.readInA.has(src.id);
    // The fallback rows carry their followed references already (columnar-source.ts): not followed (or counted) again.
    const fb = mapSource(src, { ...info, rows: res.fallback }, { ...run.ctx, references: null }, new Set(wanted), true);
    const both = combineCounts(await res.counts(new Set(wanted), true), fb.counts);
    const existing = run.sources.find((s) => s.source === src.id);
    if (existing) mergeCounts(existing, both, rowsToo);
    else run.sources.push({ ...both, sha256: info.sha256, bytes: info.bytes, path: info.path });
    run.counts.observation!.read += res.records;
    // The row path's records join the columnar ones in row order (__r: row, __s: place in the row).
    const fbPath = join(run.work, `fallback-${src.id}.csv`);
    const fbWriter = rowPathWriter(fbPath);
    let rowNo = 0;
    let sub = 0;
    const sink = (rec: Record<string, unknown>) => fbWriter.write({ ...rec, __r: rowNo, __s: sub++ });
    // Row of each candidate: mapSource keeps row order, and each row's candidates are consecutive.
    const rowOf = candidateRows(fb.candidates, res.fallback, src.format === 'ndjson');
    fb.candidates.forEach((c, i) => {
      run.counts[c.table]!.read++;
      if (rowOf[i] !== rowNo) {
        rowNo = rowOf[i]!;
        sub = 0;
      }
      if (c.problems.length === 0) attachCycle(c, cycles);
      run.stager.store(c, c.table === 'observation' ? sink : undefined);
    });
    fbWriter.close();
    const out = join(run.work, `columnar-${src.id}.parquet`);
    await res.write(cycles, fbWriter.count > 0 ? fbPath : null, out);
    run.stager.addObservationPart(out);
  } finally {
    res.close();
  }
}

/** Mapped in the dose-log phase (read once); its counts and unmapped codes join now, as a second read would have. */
function replayParked(run: IngestRun, sched: SourceSchedule, src: SourceSpec, park: Parked, finish: (c: Candidate[]) => void): void {
  for (const [field, m] of park.unmapped) {
    let seen = run.ctx.unmapped.get(field);
    if (!seen) run.ctx.unmapped.set(field, (seen = new Map()));
    for (const [k, n] of m) seen.set(k, (seen.get(k) ?? 0) + n);
  }
  if (park.counts) mergeCounts(run.sources.find((s) => s.source === src.id)!, park.counts, false);
  for (const candidates of park.spill.read()) finish(candidates);
  park.spill.dispose();
  sched.parked.delete(src.id);
  if (park.error) throw park.error.e;
}

/** Row by row through mapSource, piece by piece. */
async function streamRows(run: IngestRun, src: SourceSpec, wanted: SourceSpec['tables'], finish: (c: Candidate[]) => void): Promise<void> {
  await streamMapped(run, src, wanted, { countUnused: true, rowsToo: !run.readInA.has(src.id) }, (candidates) => finish(candidates));
}
