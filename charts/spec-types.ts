// Pieces of vega-lite specs the chart builders share, derived from the public TopLevelSpec type
// (vega-lite exports no names for them). Label limits are generous: without a canvas, vega estimates text at
// about 0.8 em a character and would cut labels that fit.
import type { TopLevelSpec } from 'vega-lite';

type LayerTop = Extract<TopLevelSpec, { layer: unknown }>;
/** One layer of a layered spec (a unit or a nested layer). */
export type ChartLayer = LayerTop['layer'][number];

/** vega-lite 5's published schema URL, put on every top-level spec. */
export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

/** Fixed config of the analysis charts: DejaVu Sans (what the PNG rasteriser has), no view frame, legend swatches opaque (bands are drawn faint). */
export const ANALYSIS_CONFIG = {
  font: 'DejaVu Sans',
  view: { stroke: null },
  legend: { labelLimit: 800, titleLimit: 800, symbolOpacity: 1 },
  axis: { labelLimit: 800 },
} as const;

/** Okabe–Ito colours (safe for colour-blind readers), assigned to centres in sorted order; the all-centres row is black. */
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#999999'] as const;

/** Colour scale of centres: the same centre keeps the same colour in every chart drawn from one result. */
export function centreScale(centres: readonly string[], allLabel = 'ALL'): { domain: string[]; range: string[] } {
  const named = [...new Set(centres)].filter((c) => c !== allLabel).sort();
  const domain = centres.includes(allLabel) ? [...named, allLabel] : named;
  return { domain, range: domain.map((c, i) => (c === allLabel ? '#000000' : PALETTE[i % PALETTE.length]!)) };
}

/** Splits a long sentence into lines of at most `width` characters (for titles and subtitles). */
export function wrapText(text: string, width = 110): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** A percentage label, e.g. 0.953 → '95.3%', 0.998 → '99.8%', 0.95 → '95%'. */
export const percentLabel = (p: number) => `${Number((p * 100).toFixed(1))}%`;
