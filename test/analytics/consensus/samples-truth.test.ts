// On the five bundled sample centres, the centre-level consensus figures show what the simulator's truth contains
// (data-samples/_truth/*/cycles.csv and patients.csv): the lymphocyte rebound after the last dose (figure 5) and the
// creatinine rise and recovery (figure 3).
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConsensusSummary, readStore, type ConsensusSummary } from '../../../analytics/index.js';
import { SAMPLE_CENTRES, sampleDataDir, sampleStore } from '../../../data-samples/sample-store.js';
import { truthCsv } from '../../helpers/truth.js';

const DATA = sampleDataDir();
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const hoursBetween = (a: string, b: string) => (Date.parse(b) - Date.parse(a)) / 3_600_000;

/** Per centre, from the truth: median hours from first slot to last dose, rebound ratio, creatinine peak ratio and peak time. */
function truth(centre: string) {
  const cycles = truthCsv(join(DATA, '_truth', centre, 'cycles.csv')).filter((c) => c.last_dose_at);
  const patients = new Map(truthCsv(join(DATA, '_truth', centre, 'patients.csv')).map((p) => [p.patient_local_id!, p]));
  return {
    lastDoseHours: median(cycles.map((c) => hoursBetween(c.first_slot_at!, c.last_dose_at!))),
    rebound: median(cycles.map((c) => Number(c.true_lymphocyte_max_24_96h_after_last_dose) / Number(c.true_lymphocyte_nadir))),
    creatininePeak: median(cycles.map((c) => Number(c.true_creatinine_peak) / Number(patients.get(c.patient_local_id!)!.baseline_creatinine))),
    creatininePeakHours: median(cycles.map((c) => hoursBetween(c.first_slot_at!, c.last_dose_at!) + Number(c.true_creatinine_peak_hours_after_last_dose))),
  };
}

let summary: ConsensusSummary;
beforeAll(async () => {
  summary = await readStore(await sampleStore(), (conn) => loadConsensusSummary(conn));
}, 300_000);

const daily = (centre: string, series: string) => summary.rows.filter((r) => r.centre_id === centre && r.series === series && r.bin_width_hours === 24);

describe.each(SAMPLE_CENTRES)('%s: centre-level figures against the simulator’s truth', (centre) => {
  const t = truth(centre);

  it('the centre is in the sample store', () => {
    expect(summary.centres.map((c) => c.centre_id)).toContain(centre);
  });

  it('figure 5: lymphocytes fall during dosing and rebound after the last dose, as the truth does', () => {
    const rows = daily(centre, 'lymphocytes');
    const during = rows.filter((r) => r.bin_hours >= 0 && r.bin_hours + 24 <= t.lastDoseHours);
    const after = rows.filter((r) => r.bin_hours >= t.lastDoseHours);
    const nadir = Math.min(...during.map((r) => r.median));
    const peak = after.reduce((a, r) => (r.median > a.median ? r : a));
    const baseline = rows.find((r) => r.bin_hours === -24)!.median;
    expect(t.rebound).toBeGreaterThan(2);
    expect(nadir).toBeLessThan(baseline / 2);
    // the rebound the truth has (max 24–96 h after the last dose over the nadir) within a factor 2
    expect(peak.median / nadir).toBeGreaterThan(t.rebound / 2);
    expect(peak.median / nadir).toBeLessThan(t.rebound * 2);
    expect(peak.bin_hours + 12 - t.lastDoseHours).toBeGreaterThan(0);
    // by day of cycle, cycles that stopped early and late are mixed: the centre-level peak lies after the median
    // last dose, within the ten days after. Weekly clinic labs after each course put the day-7 draws of cycles that
    // stopped late (more doses, larger rebound) in the second week's bins (lakeshore, stopping earliest: 236 h)
    expect(peak.bin_hours + 12 - t.lastDoseHours).toBeLessThan(264);
  });

  it('figure 3: creatinine rises during dosing to about the truth’s peak, then recovers', () => {
    const rows = daily(centre, 'creatinine');
    const baseline = rows.find((r) => r.bin_hours === -24)!.median;
    const peak = rows.reduce((a, r) => (r.median > a.median ? r : a));
    const last = rows[rows.length - 1]!;
    expect(t.creatininePeak).toBeGreaterThan(1.5);
    expect(peak.median / baseline).toBeGreaterThan(1.5);
    // the median of per-cycle daily means sits below the median of per-cycle peaks, but not far
    expect(peak.median / baseline).toBeGreaterThan(t.creatininePeak * 0.6);
    expect(peak.median / baseline).toBeLessThan(t.creatininePeak * 1.2);
    expect(Math.abs(peak.bin_hours + 12 - t.creatininePeakHours)).toBeLessThanOrEqual(48);
    expect(last.bin_hours).toBeGreaterThan(t.creatininePeakHours);
    expect(last.median - baseline).toBeLessThan((peak.median - baseline) / 2);
  });
});
