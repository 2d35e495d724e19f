// Spec → vega → SVG / PNG, headless. vega 5 and vega-lite 5 only: v6 does not load inside tslab (platform-notes F3).
import { Resvg } from '@resvg/resvg-js';
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
  /** Pixel density: 2 gives a PNG twice the SVG's size (default 2). */
  scale?: number;
}

/**
 * Rasterises an SVG document to PNG with resvg, in DejaVu Sans (otherwise sans-serif falls back to a serif face).
 * @example const png = svgToPng(await renderSvg(spec), { scale: 2 });
 */
export function svgToPng(svg: string, options: PngOptions = {}): Buffer {
  const { scale = 2 } = options;
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    font: { defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans', loadSystemFonts: true },
  });
  return resvg.render().asPng();
}

/**
 * Renders a vega-lite spec to PNG.
 * @example writeFileSync('swimmer.png', await renderPng(swimmerSpec(slots)));
 */
export async function renderPng(spec: TopLevelSpec, options: PngOptions = {}): Promise<Buffer> {
  return svgToPng(await renderSvg(spec), options);
}
