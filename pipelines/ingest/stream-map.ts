// A source read piece by piece through mapSource (the row path), for either phase: each piece's counts join the
// source's entry, the first piece's columns are inspected (unused columns, suspected identifiers), and the piece's
// candidates and raw rows go to the phase's `onPiece`.
import type { SourceSpec } from '../../schemas/mapping-spec.js';
import { streamSource, type SourceData } from '../read/source.js';
import { mapSource, type Candidate } from '../map/records.js';
import { mergeCounts } from './source-counts.js';
import type { IngestRun } from './run.js';

/** Streams `src` and maps the table maps in `wanted`; `rowsToo`: the pieces' row counts are new (not read by the other phase already). */
export async function streamMapped(
  run: IngestRun, src: SourceSpec, wanted: SourceSpec['tables'], opts: { countUnused: boolean; rowsToo: boolean },
  onPiece: (candidates: Candidate[], data: SourceData) => void,
): Promise<void> {
  const stream = await streamSource(src, run.dir);
  let first = true;
  for await (const rows of stream.chunks) {
    const data: SourceData = { file: stream.file, path: stream.path, sha256: stream.sha256, bytes: stream.bytes, columns: stream.columns, rows };
    if (first) run.inspectColumns(src, data);
    first = false;
    const { candidates, counts } = mapSource(src, data, run.ctx, new Set(wanted), opts.countUnused);
    const existing = run.sources.find((x) => x.source === src.id);
    if (existing) mergeCounts(existing, counts, opts.rowsToo);
    else run.sources.push({ ...counts, sha256: data.sha256, bytes: data.bytes, path: data.path });
    onPiece(candidates, data);
  }
  if (first) run.inspectColumns(src, { file: stream.file, path: stream.path, sha256: stream.sha256, bytes: stream.bytes, columns: stream.columns, rows: [] });
}
