// Bench of the dose and response analyses at scale: simulate N patients (simulate/), write them to a
// DuckDB store with the columns the analyses read (not timed), then time loading the inputs from the
// store and each analysis; analysis times are also given as a ratio to the load time. Peak memory is
// the highest RSS sampled every 20 ms, and the heap after GC.
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyseDoses } from '../analytics/doses/analyse.js';
import { loadCaseMix, loadCycleDoses } from '../analytics/doses/load.js';
import { analyseResponse } from '../analytics/response/analyse.js';
import { loadResponseInputs } from '../analytics/response/load.js';
import { CENTRE_PRACTICE } from '../simulate/centre-rulesets.js';
import { simulatePatient } from '../simulate/patient.js';
import { PROFILES } from '../simulate/profiles.js';
import { tshDraws } from '../simulate/writers/common.js';
import { storeFile } from '../pipelines/store/paths.js';
import { createDuckDB } from '../pipelines/store/engine.js';
import { openStoreReadOnly } from '../pipelines/store/open.js';

export interface AnalyticsBenchResult {
  patients: number;
  cycles: number;
  /** Simulating the patients and writing the bench store (not part of the timed analyses). */
  buildStoreMs: number;
  loadMs: number;
  steps: { name: string; ms: number; ratioToLoad: number }[];
  peakRssMb: number;
  heapAfterMb: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Writes a bench store for `n` simulated patients into `dir`; returns the number of cycles. */
export async function buildBenchStore(dir: string, n: number, seed = 'bench'): Promise<number> {
  const rulesets: Record<string, (typeof CENTRE_PRACTICE)[keyof typeof CENTRE_PRACTICE]> = CENTRE_PRACTICE;
  const profiles = Object.entries(PROFILES);
  // Rows are streamed to one NDJSON file per table (a single string would exceed V8's limit at 20,000 patients).
  const tables = ['patient', 'cycle', 'dose_slot', 'observation', 'infusion', 'clinical_event', 'response'] as const;
  const fds = Object.fromEntries(tables.map((t) => [t, openSync(join(dir, `${t}.ndjson`), 'w')]));
  const buffers: Record<string, string[]> = Object.fromEntries(tables.map((t) => [t, []]));
  const flush = () => {
    for (const t of tables) {
      if (buffers[t]!.length > 0) writeSync(fds[t]!, buffers[t]!.join('\n') + '\n');
      buffers[t] = [];
    }
  };

  let cycles = 0;
  for (let i = 0; i < n; i++) {
    const [id, profile] = profiles[i % profiles.length]!;
    const p = simulatePatient({ seed, profile: profile as never, ruleset: rulesets[id]! }, Math.floor(i / profiles.length));
    const k = { centre_id: p.centreId, patient_key: p.localId };
    buffers.patient!.push(JSON.stringify({ ...k, disease: p.disease, age_at_first_dose: p.ageAtFirstDose, ecog: p.ecog }));
    for (const course of p.courses) {
      for (const c of course.cycles) {
        cycles++;
        const cycleId = `${p.localId}-c${c.courseNumber}.${c.cycleNumber}`;
        buffers.cycle!.push(
          JSON.stringify({
            ...k,
            cycle_id: cycleId,
            course_number: c.courseNumber,
            cycle_number: c.cycleNumber,
            start_at: iso(c.startAt),
            dose_iu_per_kg: c.doseIuPerKg,
            dosing_weight_kg: c.dosingWeightKg,
            planned_max_doses: c.plannedMaxDoses,
            end_reason: c.endReason,
          }),
        );
        for (const s of c.slots)
          buffers.dose_slot!.push(
            JSON.stringify({
              ...k,
              cycle_id: cycleId,
              slot_number: s.slotNumber,
              status: s.status,
              given_at: s.givenAt === null ? null : iso(s.givenAt),
              dose_iu: s.doseIu,
            }),
          );
        for (const d of c.labs)
          for (const [variable, value] of Object.entries(d.values))
            buffers.observation!.push(JSON.stringify({ ...k, variable, observed_at: iso(d.at), value }));
        for (const s of c.pressors) buffers.infusion!.push(JSON.stringify({ ...k, agent: 'phenylephrine', start_at: iso(s.startAt), rate: s.rate }));
      }
      for (const e of course.lateEvents) buffers.clinical_event!.push(JSON.stringify({ ...k, event_type: e.type, onset_at: iso(e.onsetAt) }));
      buffers.response!.push(
        JSON.stringify({
          ...k,
          course_number: course.courseNumber,
          best_overall_response: course.response.category,
          assessed_at: iso(course.response.assessedAt),
        }),
      );
    }
    for (const t of tshDraws(p, seed)) buffers.observation!.push(JSON.stringify({ ...k, variable: 'tsh', observed_at: iso(t.at), value: t.value }));
    if (i % 200 === 199) flush();
  }
  flush();
  for (const t of tables) closeSync(fds[t]!);
  const db = await createDuckDB(storeFile(dir));
  const conn = db.conn;
  try {
    const ts = (cols: string[]) => cols.map((c) => `${c}::TIMESTAMPTZ AS ${c}`).join(', ');
    const times: Record<string, string[]> = {
      cycle: ['start_at'],
      dose_slot: ['given_at'],
      observation: ['observed_at'],
      infusion: ['start_at'],
      clinical_event: ['onset_at'],
      response: ['assessed_at'],
      patient: [],
    };
    for (const table of tables) {
      const f = join(dir, `${table}.ndjson`);
      const cols = times[table]!;
      const replace = cols.length ? `REPLACE (${ts(cols)})` : '';
      await conn.run(`CREATE TABLE ${table} AS SELECT * ${replace} FROM read_json('${f}', format = 'newline_delimited', sample_size = -1)`);
      rmSync(f);
    }
  } finally {
    db.close();
  }
  return cycles;
}

/**
 * Times loading + every dose and response analysis at `patients` simulated patients (default 20,000).
 * @example console.table((await benchAnalytics({ patients: 2000 })).steps)
 */
export async function benchAnalytics(options: { patients?: number; dir?: string } = {}): Promise<AnalyticsBenchResult> {
  const n = options.patients ?? 20_000;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'il2kit-bench-analytics-'));
  let t = performance.now();
  const cycles = await buildBenchStore(dir, n);
  const buildStoreMs = performance.now() - t;
  (globalThis as { gc?: () => void }).gc?.();
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  try {
    const db = await openStoreReadOnly(dir);
    const conn = db.conn;
    t = performance.now();
    const doseCycles = await loadCycleDoses(conn);
    const mix = await loadCaseMix(conn);
    const inputs = await loadResponseInputs(conn);
    const loadMs = performance.now() - t;
    db.close();
    const steps: AnalyticsBenchResult['steps'] = [];
    const step = (name: string, f: () => unknown) => {
      const s = performance.now();
      f();
      const ms = performance.now() - s;
      steps.push({ name, ms, ratioToLoad: ms / loadMs });
    };
    step('doses: all analyses', () => analyseDoses(doseCycles, mix));
    step('response: all analyses (course 1)', () => analyseResponse(inputs));
    (globalThis as { gc?: () => void }).gc?.();
    return { patients: n, cycles, buildStoreMs, loadMs, steps, peakRssMb: peak / 2 ** 20, heapAfterMb: process.memoryUsage().heapUsed / 2 ** 20 };
  } finally {
    clearInterval(sampler);
    if (!options.dir) rmSync(dir, { recursive: true, force: true });
  }
}
