// A hospital-wide bulk FHIR export made from a simulated harbour export (issue 27's bench): the IL-2 patients as the
// simulator wrote them, plus `ratio` times as many patients outside the cohort, every resource type split over `parts`
// files (as bulk exports split large types), and a spec that declares the cohort and reads each type by a glob.
// Outside patients are made from the simulator's own lines (the writers' shapes), their ids rewritten: a Patient, a
// diagnosis Condition, an Encounter, `obsPerPatient` Observations on average (drawn from the IL-2 patients' lines, so
// every code and unit the spec maps occurs), and for every other one three MedicationAdministrations of a drug that is not
// aldesleukin (a Medication of its own, referenced like the IL-2 ones; its Encounter referenced as the context).
// [ASSUMPTION] ratio 4 and 50 observations: a hospital's export holds many more patients than its IL-2 ones, most of
// them seen a few times (vitals and labs of a handful of visits), where an IL-2 patient is monitored every few hours for
// days per cycle (about 700 observations each here). Seeded: the same inputs give the same export, byte for byte.
import { closeSync, createReadStream, openSync, readFileSync, readSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Rng } from '../simulate/prng.js';

export interface BulkOptions {
  /** Patients outside the cohort per IL-2 patient. */
  ratio: number;
  /** Observations per outside patient, on average. */
  obsPerPatient: number;
  /** Files per resource type. */
  parts: number;
  /** Names the random stream (simulate/prng.ts). */
  seed: number;
}

export const BULK_DEFAULTS: BulkOptions = { ratio: 4, obsPerPatient: 50, parts: 4, seed: 27 };

const TYPES = ['Patient', 'Condition', 'Encounter', 'Medication', 'MedicationAdministration', 'Observation'] as const;
type Type = (typeof TYPES)[number];

/** Part files of one type, written in turn as the bytes written pass each 1/parts of the expected total. */
class Parts {
  private fds: number[];
  private written = 0;
  private bufs: string[];
  constructor(dir: string, type: Type, private readonly parts: number, private readonly expected: number) {
    this.fds = Array.from({ length: parts }, (_, i) => openSync(join(dir, `${type}.${String(i).padStart(3, '0')}.ndjson`), 'w'));
    this.bufs = this.fds.map(() => '');
  }
  write(line: string): void {
    const k = Math.min(this.parts - 1, Math.floor((this.written * this.parts) / this.expected));
    this.written += line.length + 1;
    this.bufs[k] += line + '\n';
    if (this.bufs[k]!.length > 1 << 20) {
      writeSync(this.fds[k]!, this.bufs[k]!);
      this.bufs[k] = '';
    }
  }
  close(): void {
    this.fds.forEach((fd, k) => {
      if (this.bufs[k]) writeSync(fd, this.bufs[k]!);
      closeSync(fd);
    });
  }
}

/** A UUID-shaped id (DuckDB's bare read types the simulator's ids as UUIDs): kind 1 a patient, 2 its Encounter, 3+ others. */
const uuid = (kind: number, n: number) => `${kind.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const idOf = (j: number) => uuid(1, j);
/** The Medication of the outside patients' administrations (not aldesleukin). */
const OTHER_DRUG = uuid(4, 0);
const KIND: Record<Type, number> = { Patient: 1, Encounter: 2, Condition: 3, Medication: 4, MedicationAdministration: 5, Observation: 6 };
const SUBJECT = /"subject":\{"reference":"Patient\/[^"]+"\}/;
const FIRST_ID = /"id":"[^"]+"/;

/** The line with its own id, subject and (when given) context Encounter and drug rewritten for outside patient j. */
function rewrite(line: string, type: Type, j: number, n: number): string {
  // One per patient (n = 0): numbered by the patient; others by their running number n within the type.
  let s = line.replace(FIRST_ID, `"id":"${uuid(KIND[type], n === 0 ? j : n)}"`);
  if (type === 'Patient') return s.replace(/"value":"[^"]+"/, `"value":"X${j}"`);
  s = s.replace(SUBJECT, `"subject":{"reference":"Patient/${idOf(j)}"}`);
  if (type === 'MedicationAdministration') {
    s = s.replace(/"medicationReference":\{"reference":"[^"]+"\}/, `"medicationReference":{"reference":"Medication/${OTHER_DRUG}"}`);
    s = s.replace(/"context":\{"reference":"Encounter\/[^"]+"\}/, `"context":{"reference":"Encounter/${uuid(KIND.Encounter, j)}"}`);
  }
  return s;
}

/** Line breaks in a file. */
function countLines(path: string): number {
  const fd = openSync(path, 'r');
  const buf = Buffer.allocUnsafe(8 << 20);
  let n = 0;
  try {
    for (let got = readSync(fd, buf, 0, buf.length, null); got > 0; got = readSync(fd, buf, 0, buf.length, null))
      for (let i = buf.indexOf(10); i !== -1 && i < got; i = buf.indexOf(10, i + 1)) n++;
  } finally {
    closeSync(fd);
  }
  return n;
}

/** Lines of a file, streamed. */
async function* linesOf(path: string): AsyncGenerator<string> {
  const rl = createInterface({ input: createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 }), crlfDelay: Infinity });
  for await (const line of rl) if (line !== '') yield line;
}

/** A template line of each type for the one-per-patient resources (the first that fits). */
async function template(dir: string, type: Type, fits: (l: string) => boolean): Promise<string> {
  for await (const l of linesOf(join(dir, `${type}.ndjson`))) if (fits(l)) return l;
  throw new Error(`no ${type} line to copy in ${dir}`);
}

/**
 * Writes the bulk export of `src` (a simulated harbour folder with its mapping.yaml) into `out`; returns the outside
 * patients and the lines written for them per type.
 */
export async function bulkExport(
  src: string, out: string, opts: BulkOptions = BULK_DEFAULTS,
): Promise<{ patients: number; outside: number; lines: Record<string, number> }> {
  const rng = new Rng(`bench-fhir/${opts.seed}/outside`);
  const r = () => rng.next();
  const cohort = readFileSync(join(src, 'Patient.ndjson'), 'utf8').split('\n').filter((l) => l !== '').length;
  const outside = Math.round(cohort * opts.ratio);
  const lines: Record<string, number> = {};
  const ma = await template(src, 'MedicationAdministration', (l) => l.includes('"status":"completed"') && l.includes('"context"'));
  const once: Partial<Record<Type, string>> = {
    Patient: await template(src, 'Patient', () => true),
    Condition: await template(src, 'Condition', (l) => l.includes('icd-10-cm')),
    Encounter: await template(src, 'Encounter', () => true),
  };
  for (const type of TYPES) {
    const file = join(src, `${type}.ndjson`);
    const size = statSync(file).size;
    const perCohortLine = type === 'Observation' ? (outside * opts.obsPerPatient) / Math.max(1, countLines(file)) : 0;
    const one = once[type];
    // Bytes expected, for the turn of each part file: the copied lines are about as long as their templates.
    const extra =
      type === 'Observation' ? size * perCohortLine : one ? outside * one.length : type === 'MedicationAdministration' ? 1.5 * outside * ma.length : 0;
    const parts = new Parts(out, type, opts.parts, size + extra);
    let n = 0;
    let acc = 0;
    for await (const line of linesOf(join(src, `${type}.ndjson`))) {
      parts.write(line);
      // Observations of outside patients drawn among the IL-2 patients' lines as they pass.
      for (acc += perCohortLine; acc >= 1; acc--) parts.write(rewrite(line, type, Math.floor(r() * outside), ++n));
    }
    if (type === 'Medication') {
      const atc = { system: 'http://www.whocc.no/atc', code: 'A04AA01', display: 'ondansetron' };
      const other = { resourceType: 'Medication', id: OTHER_DRUG, code: { coding: [atc] } };
      parts.write(JSON.stringify(other));
      n++;
    }
    for (let j = 0; one && j < outside; j++, n++) parts.write(rewrite(one, type, j, 0));
    for (let j = 0; type === 'MedicationAdministration' && j < outside; j += 2) for (let k = 1; k <= 3; k++) parts.write(rewrite(ma, type, j, ++n));
    parts.close();
    lines[type] = n;
  }
  writeFileSync(join(out, 'mapping.yaml'), bulkSpec(readFileSync(join(src, 'mapping.yaml'), 'utf8')));
  return { patients: cohort, outside, lines };
}

/** The harbour spec reading each type by a glob, with the IL-2 cohort declared (an aldesleukin administration). */
export function bulkSpec(text: string): string {
  let s = text;
  for (const t of TYPES) s = s.replaceAll(`file: ${t}.ndjson`, `file: '${t}.*.ndjson'`);
  const cohort =
    'cohort:\n  any_of:\n    # Patients with an aldesleukin administration: the Medication it references, coded by ATC.\n' +
    "    - source: medication\n      field: { codings: { from: '@drug.code', system: 'http://www.whocc.no/atc' } }\n      in: [L03AC01]\n";
  if (!/^date_format: iso\n/m.test(s)) throw new Error('the harbour spec has no "date_format: iso" line to put the cohort after');
  return s.replace(/^date_format: iso\n/m, (m) => m + cohort);
}
