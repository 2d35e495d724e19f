// Spec → vega → SVG / PNG, headless. vega 5 and vega-lite 5 only: v6 does not load inside tslab (platform-notes F3).
import { crc32 } from 'node:zlib';
import { Resvg, renderAsync, type ResvgRenderOptions } from '@resvg/resvg-js';
import { View, parse, type Spec as VegaSpec } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** What vega-lite's compiler said while compiling a spec. */
export interface CompileMessages {
  warnings: string[];
  errors: string[];
}

export interface CompiledChart {
  vega: VegaSpec;
  messages: CompileMessages;
}

type Logger = NonNullable<NonNullable<Parameters<typeof compile>[1]>['logger']>;

/** A vega-lite logger that records warnings and errors instead of printing them. */
function capturingLogger(messages: CompileMessages): Logger {
  let current = 2; // vega-util's Warn level
  const text = (args: readonly unknown[]) => args.map(String).join(' ');
  const logger = {
    level(level?: number) {
      if (level === undefined) return current;
      current = level;
      return logger;
    },
    error(...args: readonly unknown[]) {
      messages.errors.push(text(args));
      return logger;
    },
    warn(...args: readonly unknown[]) {
      messages.warnings.push(text(args));
      return logger;
    },
    info: () => logger,
    debug: () => logger,
  };
  return logger as Logger;
}

/**
 * Compiles a vega-lite spec to vega, capturing the compiler's warnings instead of printing them.
 * @example const { vega, messages } = compileChart(swimmerSpec(slots)); messages.warnings.length === 0
 */
export function compileChart(spec: TopLevelSpec): CompiledChart {
  const messages: CompileMessages = { warnings: [], errors: [] };
  const { spec: vega } = compile(spec, { logger: capturingLogger(messages) });
  return { vega, messages };
}

/**
 * Renders a vega-lite spec to an SVG document (vega View with renderer 'none'; deterministic).
 * @example const svg = await renderSvg(swimmerSpec(slots));
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const { vega } = compileChart(spec);
  const view = new View(parse(vega), { renderer: 'none', logLevel: 0 });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export interface PngOptions {
  /** Pixel density: 2 gives a PNG twice the SVG's size (default 2). Ignored when `dpi` is given. */
  scale?: number;
  /** Print resolution: the SVG's CSS pixels (96 per inch) are rendered at this many dots per inch, and the PNG says so (pHYs). */
  dpi?: number;
}

/** Resolution of publication exports (`svgToPng(svg, { dpi: PUBLICATION_DPI })`). */
export const PUBLICATION_DPI = 300;

/**
 * Rasterises an SVG document to PNG with resvg, in DejaVu Sans (otherwise sans-serif falls back to a serif face).
 * With `dpi`, the image is the figure's size at that resolution (an 800-px-wide figure at 300 dpi is 2,500 px wide,
 * 8.47 inches) and carries the resolution in a pHYs chunk, so layout programs place it at its size.
 * @example writeFileSync('figure.png', svgToPng(await renderSvg(spec), { dpi: 300 }));
 */
export function svgToPng(svg: string, options: PngOptions = {}): Buffer {
  const png = new Resvg(svg, resvgOptions(options)).render().asPng();
  return options.dpi === undefined ? png : withPhys(png, options.dpi);
}

/**
 * svgToPng off the main thread (resvg on libuv's thread pool), byte-identical to it: a large figure's text layout
 * takes seconds in resvg, which the caller can overlap with its own work or other figures.
 * @example const pending = svgToPngAsync(svg, { scale: 1 }); …; writeFileSync('figure.png', await pending);
 */
export async function svgToPngAsync(svg: string, options: PngOptions = {}): Promise<Buffer> {
  const png = (await renderAsync(svg, resvgOptions(options))).asPng();
  return options.dpi === undefined ? png : withPhys(png, options.dpi);
}

function resvgOptions(options: PngOptions): ResvgRenderOptions {
  const zoom = options.dpi !== undefined ? options.dpi / 96 : (options.scale ?? 2);
  return {
    fitTo: { mode: 'zoom', value: zoom },
    font: { defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans', loadSystemFonts: true },
  };
}

/** The PNG with a pHYs chunk (pixels per metre, both axes) right after its IHDR chunk. */
function withPhys(png: Buffer, dpi: number): Buffer {
  const ppm = Math.round(dpi / 0.0254);
  const body = Buffer.alloc(13);
  body.write('pHYs', 0, 'latin1');
  body.writeUInt32BE(ppm, 4);
  body.writeUInt32BE(ppm, 8);
  body.writeUInt8(1, 12); // unit: metre
  const chunk = Buffer.alloc(21);
  chunk.writeUInt32BE(9, 0);
  body.copy(chunk, 4);
  chunk.writeUInt32BE(crc32(body), 17);
  const ihdrEnd = 8 + 4 + 4 + 13 + 4; // signature, IHDR length, type, data, CRC
  return Buffer.concat([png.subarray(0, ihdrEnd), chunk, png.subarray(ihdrEnd)]);
}

/**
 * Renders a vega-lite spec to PNG.
 * @example writeFileSync('swimmer.png', await renderPng(swimmerSpec(slots)));
 */
export async function renderPng(spec: TopLevelSpec, options: PngOptions = {}): Promise<Buffer> {
  return svgToPng(await renderSvg(spec), options);
}
