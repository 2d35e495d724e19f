// Orchestration: for each centre, simulate patients one at a time and stream them into the centre's export
// writer and its truth writer; then write the run manifest. Memory is bounded by one patient (plus the
// spooled xlsx rows on disk), whatever the number of patients.
import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as parameters from './parameters.js';
import { simulatePatient } from './patient.js';
import { PROFILES, type CentreId, type ExportFormat, type PracticeProfile } from './profiles.js';
import { centrePractice } from './rulesets.js';
import { TruthWriter } from './truth.js';
import type { CentreWriter, WriterContext } from './writers/common.js';
import { ehrLongWriter } from './writers/ehr-long.js';
import { europeanWriter } from './writers/european-csv.js';
import { fhirWriter } from './writers/fhir-ndjson.js';
import { flowsheetWriter } from './writers/flowsheet-csv.js';
import { Imperfector } from './writers/table.js';
import { xlsxWriter } from './writers/xlsx-workbook.js';

export interface SimulateOptions {
  centres: readonly CentreId[];
  /** Patients per centre. */
  patients: number;
  seed: string;
  out: string;
  /** Apply the documented imperfections (default true). */
  imperfections?: boolean;
  /** Called after each patient (for progress reporting). */
  onPatient?: (centre: CentreId, index: number) => void;
}

export interface ManifestFile {
  path: string;
  bytes: number;
  sha256: string;
}

export interface SimulateSummary {
  centres: { id: CentreId; patients: number; cycles: number; slots: number; responders: number }[];
  files: ManifestFile[];
}

const WRITERS: Record<ExportFormat, (ctx: WriterContext, imp: Imperfector) => CentreWriter> = {
  flowsheet_csv: flowsheetWriter,
  ehr_long: ehrLongWriter,
  xlsx_workbook: xlsxWriter,
  european_csv: europeanWriter,
  fhir_ndjson: fhirWriter,
};

/** All model parameters in a fixed key order (a module namespace's key order differs between loaders). */
export function parameterSet(): Record<string, unknown> {
  const { REGIMEN, POPULATION, PHYSIOLOGY, EVENTS, SERIOUS_EVENTS, LATE_EVENTS, RESPONSE_MODEL, EXPORT_DEFAULTS, IMPERFECTIONS } = parameters;
  return { REGIMEN, POPULATION, PHYSIOLOGY, EVENTS, SERIOUS_EVENTS, LATE_EVENTS, RESPONSE_MODEL, EXPORT_DEFAULTS, IMPERFECTIONS };
}

/** The command line that reproduces a run (recorded in the manifest and README). */
export function commandFor(o: Pick<SimulateOptions, 'centres' | 'patients' | 'seed' | 'out' | 'imperfections'>): string {
  return (
    `il2kit simulate --centres ${o.centres.join(',')} --patients ${o.patients} --seed ${o.seed} --out ` +
    `${o.out}${o.imperfections === false ? ' --no-imperfections' : ''}`
  );
}

export async function simulate(o: SimulateOptions): Promise<SimulateSummary> {
  if (!Number.isInteger(o.patients) || o.patients < 1) throw new Error('patients must be a positive integer');
  mkdirSync(o.out, { recursive: true });
  const summary: SimulateSummary = { centres: [], files: [] };
  const written: string[] = ['_truth/model-parameters.json'];
  for (const id of o.centres) {
    const profile: PracticeProfile = PROFILES[id];
    const ruleset = centrePractice(id);
    const dir = join(o.out, id);
    const truthDir = join(o.out, '_truth', id);
    mkdirSync(dir, { recursive: true });
    mkdirSync(truthDir, { recursive: true });
    const truth = new TruthWriter(truthDir, profile);
    const imp = new Imperfector(`${o.seed}/${id}/imperfections`, truth.imperfections, o.imperfections !== false);
    const writer = WRITERS[profile.format]({ dir, profile, seed: o.seed }, imp);
    let cycles = 0;
    let slots = 0;
    let responders = 0;
    for (let i = 0; i < o.patients; i++) {
      const p = simulatePatient({ seed: o.seed, profile, ruleset }, i);
      writer.writePatient(p);
      truth.writePatient(p);
      for (const c of p.courses) {
        cycles += c.cycles.length;
        slots += c.cycles.reduce((a, x) => a + x.slots.length, 0);
      }
      if (p.courses.some((c) => c.response.category === 'CR' || c.response.category === 'PR')) responders++;
      o.onPatient?.(id, i);
    }
    await writer.close();
    for (const t of truth.close()) written.push(relative(o.out, t.file).split('\\').join('/'));
    for (const f of writer.files) written.push(`${id}/${f}`);
    written.push(`_truth/${id}/profile.json`);
    const profileTruth = {
      profile,
      ruleset_file: `rules/centres/${profile.rulesetId}.yaml`,
      ruleset_id: ruleset.id,
      ruleset_version: ruleset.version,
      ruleset_policies: ruleset.policies,
      seed: o.seed,
      patients: o.patients,
    };
    writeFileSync(join(truthDir, 'profile.json'), `${JSON.stringify(profileTruth, null, 2)}\n`);
    summary.centres.push({ id, patients: o.patients, cycles, slots, responders });
  }
  const modelParameters = {
    simulator_version: parameters.SIMULATOR_VERSION,
    seed: o.seed,
    patients_per_centre: o.patients,
    centres: o.centres,
    imperfections: o.imperfections !== false,
    parameters: parameterSet(),
  };
  writeFileSync(join(o.out, '_truth', 'model-parameters.json'), `${JSON.stringify(modelParameters, null, 2)}\n`);
  summary.files = await hashFiles(o.out, written);
  const manifest = {
    command: commandFor({ ...o, out: '<DIR>' }),
    simulator_version: parameters.SIMULATOR_VERSION,
    seed: o.seed,
    patients_per_centre: o.patients,
    centres: summary.centres,
    files: summary.files,
  };
  writeFileSync(join(o.out, '_truth', 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return summary;
}

/** Size and sha256 of the given files (paths relative to `root`), sorted by path. */
export async function hashFiles(root: string, paths: readonly string[]): Promise<ManifestFile[]> {
  const out: ManifestFile[] = [];
  for (const path of [...paths].sort()) out.push({ path, bytes: statSync(join(root, path)).size, sha256: await sha256File(join(root, path)) });
  return out;
}

/** Every file in the given folders under `root` (except the manifest itself), sorted, with size and sha256. */
export async function manifestFiles(root: string, folders: readonly string[]): Promise<ManifestFile[]> {
  const out: ManifestFile[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push({ path: relative(root, p).split('\\').join('/'), bytes: statSync(p).size, sha256: '' });
    }
  };
  for (const f of [...folders].sort()) walk(join(root, f));
  const files = out.filter((f) => f.path !== '_truth/manifest.json');
  for (const f of files) f.sha256 = await sha256File(join(root, f.path));
  return files;
}

export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(path)
      .on('data', (c) => h.update(c))
      .on('end', () => resolve(h.digest('hex')))
      .on('error', reject);
  });
}
