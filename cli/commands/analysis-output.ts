// Shared by `il2kit holds`, `doses` and `response`: open the store read-only, clear what an earlier
// run wrote, write row tables as CSV + Parquet through DuckDB COPY, figures as SVG + PNG, and a
// README with the notes. Rows reach DuckDB through an NDJSON file written in batches, never as one string.
import { closeSync, existsSync, mkdirSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { TopLevelSpec } from 'vega-lite';
import { withStoreReadOnly } from '../../pipelines/store/open.js';
import { createDuckDB } from '../../pipelines/store/engine.js';
import { sql } from '../../pipelines/store/sql.js';

/** Opens <store>/il2kit.duckdb read-only (TimeZone UTC) and runs `body`; a missing store is a user error (exit 2). */
export async function withStore<T>(storeDir: string, body: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
  return withStoreReadOnly(storeDir, body);
}

/** Rows per write of the NDJSON staging file: the largest string held is one batch, whatever the table's length. */
const BATCH = 5000;

/** Writes rows as NDJSON to `file`, BATCH rows per write. */
function writeNdjson(file: string, rows: readonly object[]): void {
  const fd = openSync(file, 'w');
  try {
    for (let at = 0; at < rows.length; at += BATCH) {
      const lines: string[] = [];
      for (let i = at; i < Math.min(rows.length, at + BATCH); i++) lines.push(JSON.stringify(rows[i]));
      writeSync(fd, lines.join('\n') + '\n');
    }
  } finally {
    closeSync(fd);
  }
}

/** Writes each non-empty table as <name>.csv and <name>.parquet; returns the names written. */
export async function writeTables(outDir: string, tables: Record<string, readonly object[]>): Promise<string[]> {
  mkdirSync(outDir, { recursive: true });
  const db = await createDuckDB(':memory:');
  const conn = db.conn;
  const written: string[] = [];
  try {
    for (const [name, rows] of Object.entries(tables)) {
      if (rows.length === 0) continue;
      const tmp = join(outDir, `.${name}.ndjson`);
      writeNdjson(tmp, rows);
      const src = `(SELECT * FROM read_json(${sql(tmp)}, format = 'newline_delimited', sample_size = -1))`;
      await conn.run(`COPY ${src} TO ${sql(join(outDir, `${name}.csv`))} (HEADER, DELIMITER ',')`);
      await conn.run(`COPY ${src} TO ${sql(join(outDir, `${name}.parquet`))} (FORMAT PARQUET)`);
      rmSync(tmp);
      written.push(name);
    }
  } finally {
    db.close();
  }
  return written;
}

/** Extensions of the files a command writes per output name. */
const OUTPUT_EXTENSIONS = ['csv', 'parquet', 'svg', 'png'] as const;

/**
 * Removes every file this command can write into `outDir` (its tables, figures, README and temp
 * files), so that a re-run leaves nothing stale from an earlier one; other files are left alone.
 */
export function clearOutputs(outDir: string, names: readonly string[]): void {
  if (!existsSync(outDir)) return;
  for (const name of names) {
    for (const ext of OUTPUT_EXTENSIONS) rmSync(join(outDir, `${name}.${ext}`), { force: true });
    rmSync(join(outDir, `.${name}.ndjson`), { force: true });
  }
  rmSync(join(outDir, 'README.md'), { force: true });
}

/** Renders each figure to <name>.svg and <name>.png (publication export: 300 dpi, resolution stamped); returns the names written. */
export async function writeFigures(outDir: string, figures: Record<string, TopLevelSpec | null>): Promise<string[]> {
  // vega, vega-lite and resvg load here, with the figures: a command's analysis and tables do not wait for them.
  const { PUBLICATION_DPI, renderSvg, svgToPngAsync } = await import('../../charts/render.js');
  mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  // Each PNG is rasterised on resvg's threads (byte-identical to svgToPng) while the next SVG is drawn on this one.
  const pngs: Promise<void>[] = [];
  for (const [name, spec] of Object.entries(figures)) {
    if (spec === null) continue;
    const svg = await renderSvg(spec);
    writeFileSync(join(outDir, `${name}.svg`), svg);
    const png = svgToPngAsync(svg, { dpi: PUBLICATION_DPI }).then((b) => writeFileSync(join(outDir, `${name}.png`), b));
    png.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
    pngs.push(png);
    written.push(name);
  }
  await Promise.all(pngs);
  return written;
}

export function writeReadme(outDir: string, title: string, lines: readonly string[], tables: readonly string[], figures: readonly string[] = []): void {
  const body = [`# ${title}`, '', ...lines, '', '## Tables (CSV and Parquet)', '', ...tables.map((t) => `- ${t}`), ''];
  if (figures.length > 0) body.push('## Figures (SVG and PNG)', '', ...figures.map((f) => `- ${f}`), '');
  writeFileSync(join(outDir, 'README.md'), body.join('\n'));
}
