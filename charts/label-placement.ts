// Point labels that never overprint each other or a point: each label tries positions around its point (near first,
// then further out with a leader line) and takes the first whose box, in pixels, is inside the plot and clear of every
// point and every label placed before it. Text widths are DejaVu Sans advance widths (the face the kit renders with).

/** DejaVu Sans advance widths in em of the characters 32 … 126 (measured with resvg; docs: charts/label-placement.ts). */
const ADVANCE = [
  0.32, 0.4, 0.46, 0.84, 0.64, 0.95, 0.78, 0.27, 0.39, 0.39, 0.5, 0.84, 0.32, 0.36, 0.32, 0.34, 0.64, 0.64, 0.64, 0.64, 0.64, 0.64, 0.64, 0.64, 0.64, 0.64,
  0.34, 0.34, 0.84, 0.84, 0.84, 0.53, 1, 0.68, 0.69, 0.7, 0.77, 0.63, 0.58, 0.77, 0.75, 0.29, 0.29, 0.66, 0.56, 0.86, 0.75, 0.79, 0.6, 0.79, 0.69, 0.63, 0.61,
  0.73, 0.68, 0.99, 0.69, 0.61, 0.69, 0.39, 0.34, 0.39, 0.84, 0.5, 0.5, 0.61, 0.63, 0.55, 0.63, 0.62, 0.35, 0.63, 0.63, 0.28, 0.28, 0.58, 0.28, 0.97, 0.63,
  0.61, 0.63, 0.63, 0.41, 0.52, 0.39, 0.63, 0.59, 0.82, 0.59, 0.59, 0.52, 0.64, 0.34, 0.64, 0.84,
] as const;

/** Width of `text` in pixels at `fontSize` (a character outside ASCII counts as 1 em, never less than it draws). */
export function textWidth(text: string, fontSize: number): number {
  let em = 0;
  for (const ch of text) em += ADVANCE[(ch.codePointAt(0) ?? 0) - 32] ?? 1;
  return em * fontSize;
}

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface LabelInput {
  /** Point centre in pixels (origin top left). */
  px: number;
  py: number;
  text: string;
}

/** Where a label went: its left edge and vertical middle in pixels, and whether a leader line joins it to its point. */
export interface PlacedLabel {
  index: number;
  ax: number;
  ay: number;
  leader: boolean;
}

export interface PlacementOptions {
  width: number;
  height: number;
  fontSize: number;
  /** Radius of a point's symbol in pixels. */
  pointRadius: number;
}

const overlaps = (a: Box, b: Box) => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;

/** The label box for a text of width w whose left-middle anchor is (ax, ay): ink from 0.46 em above to 0.54 em below, 1 px spare. */
export function labelBox(ax: number, ay: number, w: number, fontSize: number): Box {
  return { x0: ax - 1, y0: ay - 0.55 * fontSize - 1, x1: ax + w + 1, y1: ay + 0.6 * fontSize + 1 };
}

/** Candidate anchors around a point at ring `ring` (1 near, 2–4 further out), in order of preference. */
function candidates(p: LabelInput, w: number, o: PlacementOptions, ring: number): [number, number][] {
  const g = (o.pointRadius + 3) * ring;
  const v = o.fontSize * 0.6 + o.pointRadius * (ring - 1);
  return [
    [p.px + g, p.py - g * 0.8], [p.px + g, p.py], [p.px + g, p.py + g * 0.8],
    [p.px - g - w, p.py - g * 0.8], [p.px - g - w, p.py], [p.px - g - w, p.py + g * 0.8],
    [p.px - w / 2, p.py - g - v], [p.px - w / 2, p.py + g + v],
  ];
}

/**
 * Places the labels in the order given (put the ones that matter most first); a label with no free position is left
 * out (its index is not in the result).
 * @example placeLabels([{ px: 10, py: 10, text: 'amstel' }], { width: 300, height: 200, fontSize: 10, pointRadius: 5 })
 */
export function placeLabels(labels: readonly LabelInput[], o: PlacementOptions): PlacedLabel[] {
  const r = o.pointRadius + 1;
  const taken: Box[] = labels.map((p) => ({ x0: p.px - r, y0: p.py - r, x1: p.px + r, y1: p.py + r }));
  const inside = (b: Box) => b.x0 >= 0 && b.y0 >= 0 && b.x1 <= o.width && b.y1 <= o.height;
  const out: PlacedLabel[] = [];
  labels.forEach((p, index) => {
    const w = textWidth(p.text, o.fontSize);
    for (let ring = 1; ring <= 4; ring++) {
      const spot = candidates(p, w, o, ring).find(([ax, ay]) => {
        const b = labelBox(ax, ay, w, o.fontSize);
        return inside(b) && !taken.some((t) => overlaps(t, b));
      });
      if (spot === undefined) continue;
      taken.push(labelBox(spot[0], spot[1], w, o.fontSize));
      out.push({ index, ax: spot[0], ay: spot[1], leader: ring > 1 });
      return;
    }
  });
  return out;
}
