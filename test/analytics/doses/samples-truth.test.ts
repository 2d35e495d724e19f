// On the five bundled sample centres, the dose analyses read from the ingested store give exactly
// what they give on the simulator's truth (data-samples/_truth/*/cycles.csv): distributions,
// histograms and dose-survival / end-reason curves per centre, regimen and cycle number.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { doseDistribution, doseHistogram, doseSurvival, loadCycleDoses, readStore, regimenLabel, type CycleDoses } from '../../../analytics/index.js';
import { SAMPLE_CENTRES, sampleDataDir, sampleStore } from '../../../data-samples/sample-store.js';
import { exportId, truthCsv } from '../../helpers/truth.js';
import { SAMPLE_KEY, patientKey } from '../../../pipelines/map/pseudonymise.js';
import type { CycleEndReason } from '../../../schemas/index.js';

const DATA = sampleDataDir();


/** The truth's cycles in the analysis row shape (IU/kg given is not in the truth: 0, and not compared). */
function truthCycles(): CycleDoses[] {
  return SAMPLE_CENTRES.flatMap((centre) => {
    const id = exportId(DATA, centre);
    return truthCsv(join(DATA, '_truth', centre, 'cycles.csv')).map((c): CycleDoses => {
      const key = patientKey(SAMPLE_KEY, centre, id(c.patient_local_id!));
      return {
        centre_id: centre, patient_key: key, cycle_id: `${key}-c${c.course}.${c.cycle}`, course_number: Number(c.course), cycle_number: Number(c.cycle),
        dose_iu_per_kg: Number(c.dose_iu_per_kg), planned_max_doses: Number(c.planned_max_doses), end_reason: c.end_reason as CycleEndReason, doses_given: Number(c.doses_given), iu_per_kg_given: 0,
        doses_unknown_iu: 0, // every simulated given dose has its amount
      };
    });
  });
}

const byCycle = (xs: readonly CycleDoses[]) => [...xs].sort((a, b) => a.cycle_id.localeCompare(b.cycle_id));

let stored: CycleDoses[];
const truth = truthCycles();
beforeAll(async () => {
  const store = await sampleStore({ dir: join(mkdtempSync(join(tmpdir(), 'il2kit-doses-truth-')), 'store') });
  stored = (await readStore(store, (conn) => loadCycleDoses(conn))).map((c) => ({ ...c, iu_per_kg_given: 0 }));
}, 300_000);

describe('doses reached on the sample store match the simulator’s truth exactly', () => {
  it('the same cycles with the same regimen, cap, end reason and doses given', () => {
    expect(stored.length).toBe(truth.length);
    expect(byCycle(stored)).toEqual(byCycle(truth));
  });

  it.each(SAMPLE_CENTRES)('%s: distribution per regimen and cycle number, and the histogram of doses per cycle', (centre) => {
    // same order on both sides, so sums (mean, SD) are added in the same order and compare exactly
    const s = byCycle(stored.filter((c) => c.centre_id === centre));
    const t = byCycle(truth.filter((c) => c.centre_id === centre));
    expect(doseDistribution(s)).toEqual(doseDistribution(t));
    expect(doseHistogram(s)).toEqual(doseHistogram(t));
    // spelled out once, so a failure shows counts rather than two equal-looking summaries
    const counts = (xs: CycleDoses[]) => xs.reduce<Record<string, number>>((a, c) => ((a[`${regimenLabel(c)} c${c.cycle_number} ${c.doses_given}`] = (a[`${regimenLabel(c)} c${c.cycle_number} ${c.doses_given}`] ?? 0) + 1), a), {});
    expect(counts(s)).toEqual(counts(t));
  });

  it('dose-survival curves, end-reason cumulative incidence and log-rank tests over all centres', () => {
    expect(doseSurvival(byCycle(stored))).toEqual(doseSurvival(byCycle(truth)));
  });
});
