// Funnel labels never overprint each other or a point: checked on the rendered SVG, with each label's ink box measured
// in DejaVu Sans by resvg (not the placement's own width table), in a crowded funnel, the report's reaching funnel and
// a 100-centre panel funnel.
import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { responseRates, type CourseSignalRow } from '../../analytics/response/index.js';
import { reachingFunnelSpec, renderSvg, responseFunnelSpec } from '../../charts/index.js';
import { placeLabels, textWidth } from '../../charts/label-placement.js';
import type { TopLevelSpec } from 'vega-lite';
import { analyseDoses } from '../../analytics/doses/analyse.js';
import type { CycleDoses, PatientCaseMix } from '../../analytics/doses/types.js';

interface Box { x0: number; y0: number; x1: number; y1: number; what: string }

const inkCache = new Map<string, { x: number; y: number; width: number; height: number }>();
/** Ink box of a text at 10 px in DejaVu Sans, relative to its start point on the baseline. */
function ink(text: string) {
  let b = inkCache.get(text);
  if (b === undefined) {
    const esc = text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="600" height="100"><text x="100" y="50" font-family="DejaVu Sans" font-size="10px">${esc}</text></svg>`;
    const r = new Resvg(svg, { font: { defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans', loadSystemFonts: true } }).getBBox()!;
    b = { x: r.x - 100, y: r.y - 50, width: r.width, height: r.height };
    inkCache.set(text, b);
  }
  return b;
}

const groups = (svg: string, cls: string) => [...svg.matchAll(new RegExp(`<g class="${cls}"[^>]*>(.*?)</g>`, 'gs'))].map((m) => m[1]!);
const num = (s: string) => s.split(',').map(Number) as [number, number];

/** Per funnel panel: the label boxes and the point boxes, in the panel's coordinates. */
function panels(svg: string): { labels: Box[]; points: Box[] }[] {
  const labels = groups(svg, 'mark-text role-mark funnel_labels_marks');
  const points = groups(svg, 'mark-symbol role-mark funnel_points_marks');
  expect(labels.length).toBe(points.length);
  return labels.map((lg, i) => ({
    labels: [...lg.matchAll(/<text [^>]*text-anchor="start" transform="translate\(([^)]+)\)"[^>]*>([^<]*)<\/text>/g)].map((m) => {
      const [x, y] = num(m[1]!);
      const b = ink(m[2]!);
      return { x0: x + b.x, y0: y + b.y, x1: x + b.x + b.width, y1: y + b.y + b.height, what: m[2]! };
    }),
    points: [...points[i]!.matchAll(/transform="translate\(([^)]+)\)" d="M([\d.]+),0A/g)].map((m) => {
      const [x, y] = num(m[1]!);
      const r = Number(m[2]);
      return { x0: x - r, y0: y - r, x1: x + r, y1: y + r, what: `point at ${x.toFixed(0)},${y.toFixed(0)}` };
    }),
  }));
}

const overlap = (a: Box, b: Box) => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;

/** Renders the spec and checks every panel; returns the number of labels drawn. */
async function expectNoOverprint(spec: TopLevelSpec): Promise<number> {
  const svg = await renderSvg(spec);
  let drawn = 0;
  for (const p of panels(svg)) {
    drawn += p.labels.length;
    p.labels.forEach((a, i) => {
      for (const b of p.labels.slice(i + 1)) expect(overlap(a, b), `label ${a.what} overprints label ${b.what}`).toBe(false);
      for (const q of p.points) expect(overlap(a, q), `label ${a.what} overprints the ${q.what}`).toBe(false);
    });
  }
  return drawn;
}

/** Courses of `centres` centres with close sizes and rates: a crowded funnel. */
function crowded(centres: number, prefix = 'centre'): CourseSignalRow[] {
  const rows: CourseSignalRow[] = [];
  for (let c = 0; c < centres; c++) {
    const n = 20 + (c % 7);
    const x = Math.round(n * (0.18 + 0.02 * (c % 5)));
    for (let i = 0; i < n; i++) rows.push({ centre_id: `${prefix}-${String(c).padStart(2, '0')}`, disease: 'rcc', responder: i < x ? 1 : 0, response: i < x ? 'PR' : 'PD' } as CourseSignalRow);
  }
  return rows;
}

describe('funnel labels', () => {
  it('the width table is DejaVu Sans: the advance box holds the measured ink of centre names, within 3 px', () => {
    for (const t of ['amstel', 'riverside', 'lakeshore-s12-c3', 'HARBOUR 99', 'summit_x', 'WWW-MMM']) {
      const b = ink(t);
      expect(b.x).toBeGreaterThanOrEqual(-0.5);
      expect(b.x + b.width).toBeLessThanOrEqual(textWidth(t, 10) + 0.5);
      expect(textWidth(t, 10) - b.width).toBeLessThan(3);
    }
  });

  it('a crowded funnel (40 centres in a small corner): no label overprints another or a point, and the rest are named', async () => {
    const rates = responseRates(crowded(40));
    const spec = responseFunnelSpec(rates) as TopLevelSpec & { title: { subtitle: string[] } };
    const drawn = await expectNoOverprint(spec);
    expect(drawn).toBeGreaterThanOrEqual(12);
    expect(spec.title.subtitle.join(' ')).toMatch(/^.*Not labelled \(no free room beside the point\): centre-\d\d, .* and \d+ more; see the table\.$/);
  });

  it('the crowded case is a real test: labels at the old fixed offset (6 px right, 6 px up) overprint there', () => {
    const rates = responseRates(crowded(40));
    // Where the old fixed offset put each label: its box in pixels at the same scale, one per point.
    const placed = placeLabels(rates.funnel.map((r) => ({ px: r.n_assessed * 10, py: 240 - r.rate * 240, text: r.centre_id })), { width: 360, height: 260, fontSize: 10, pointRadius: 4.2 });
    const fixed = rates.funnel.map((r) => ({ x0: r.n_assessed * 10 + 6, y0: 240 - r.rate * 240 - 14, x1: r.n_assessed * 10 + 6 + textWidth(r.centre_id, 10), y1: 240 - r.rate * 240 - 4, what: r.centre_id }));
    expect(fixed.some((a, i) => fixed.slice(i + 1).some((b) => overlap(a, b)))).toBe(true);
    expect(placed.length).toBeLessThan(rates.funnel.length);
  });

  it('a 100-centre panel funnel and a sparse one (every centre labelled)', async () => {
    expect(await expectNoOverprint(responseFunnelSpec(responseRates(crowded(100, 'amstel-s1'))))).toBeGreaterThanOrEqual(5);
    const sparse = responseRates([...crowded(1, 'north'), ...crowded(3, 'south').filter((r) => r.centre_id !== 'south-00')]);
    expect(await expectNoOverprint(responseFunnelSpec(sparse))).toBe(sparse.funnel.length);
  });

  it("the report's reaching funnel (crude and adjusted panels)", async () => {
    const cycles: CycleDoses[] = [];
    const patients: PatientCaseMix[] = [];
    for (let c = 0; c < 24; c++) {
      const centre = `c${String(c).padStart(2, '0')}`;
      for (let i = 0; i < 30 + (c % 5) * 4; i++) {
        const doses = (i * 7 + c * 3) % 15;
        patients.push({ centre_id: centre, patient_key: `${centre}-${i}`, disease: i % 2 ? 'rcc' : 'melanoma', age_at_first_dose: 40 + (i % 30), ecog: i % 3 === 0 ? 1 : 0 });
        cycles.push({ centre_id: centre, patient_key: `${centre}-${i}`, cycle_id: `${centre}-${i}`, course_number: 1, cycle_number: 1, dose_iu_per_kg: 600_000, planned_max_doses: 14, end_reason: doses >= 14 ? 'max_reached' : 'toxicity_stop', doses_given: Math.min(doses, 14), iu_per_kg_given: 0 });
      }
    }
    expect(await expectNoOverprint(reachingFunnelSpec(analyseDoses(cycles, patients).reaching))).toBeGreaterThan(10);
  });
});
