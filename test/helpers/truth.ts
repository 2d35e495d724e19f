// Reading the simulator's truth (data-samples/_truth), which the pipeline never ingests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A truth CSV (plain commas, no quoting) as rows of strings. */
export function truthCsv(path: string): Record<string, string>[] {
  const [head, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  const h = head!.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [h[i]!, v])));
}

/** The id an export links records by: harbour's FHIR export links by Patient.id, its truth by MRN. */
export function exportId(samplesDir: string, centre: string): (local: string) => string {
  if (centre !== 'harbour') return (x) => x;
  const byMrn = new Map<string, string>();
  for (const line of readFileSync(join(samplesDir, 'harbour/Patient.ndjson'), 'utf8').trim().split('\n')) {
    const p = JSON.parse(line) as { id: string; identifier: { value: string }[] };
    byMrn.set(p.identifier[0]!.value, p.id);
  }
  return (x) => byMrn.get(x) ?? `missing:${x}`;
}
