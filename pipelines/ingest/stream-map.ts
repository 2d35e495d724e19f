// A source read piece by piece through mapSource (the row path), for either phase: each piece's counts join the
// source's entry, the first piece's columns are inspected (unused columns, suspected identifiers), and the piece's
// candidates and raw rows go to the phase's `onPiece`. A source that also feeds the observation phase is mapped for
// both phases in the same pass over each piece (`also`), each phase's state kept apart (map/records.ts mapSourcePhases).
import type { SourceSpec } from '../../schemas/mapping-spec.js';
import { streamSource, type SourceData } from '../read/source.js';
import { mapSourcePhases, type Candidate, type MapOutput, type MapPhase, type PhaseOutput } from '../map/records.js';
import { mergeCounts } from './source-counts.js';
import type { IngestRun } from './run.js';

export interface StreamOptions {
  countUnused: boolean;
  /** The pieces' row counts are new (not read by the other phase already). */
  rowsToo: boolean;
  /** A second phase mapped in the same pass, asked before each piece (null: not for this piece); its output goes to `onAlso`. */
  also?: () => MapPhase | null;
  onAlso?: (out: PhaseOutput) => void;
}

/** Streams `src` and maps the table maps in `wanted` (and those of `opts.also`). */
export async function streamMapped(
  run: IngestRun, src: SourceSpec, wanted: SourceSpec['tables'], opts: StreamOptions,
  onPiece: (candidates: Candidate[], data: SourceData) => void,
): Promise<void> {
  const stream = await streamSource(src, run.dir);
  let first = true;
  for await (const rows of stream.chunks) {
    const data: SourceData = { file: stream.file, path: stream.path, sha256: stream.sha256, bytes: stream.bytes, columns: stream.columns, rows };
    if (first) run.inspectColumns(src, data);
    first = false;
    const also = opts.also?.() ?? null;
    const phases: MapPhase[] = [{ produce: new Set(wanted), countUnused: opts.countUnused }];
    if (also) phases.push(also);
    const out = mapSourcePhases(src, data, run.ctx, phases);
    const { candidates, counts } = out[0] as MapOutput;
    const existing = run.sources.find((x) => x.source === src.id);
    if (existing) mergeCounts(existing, counts, opts.rowsToo);
    else run.sources.push({ ...counts, sha256: data.sha256, bytes: data.bytes, path: data.path });
    onPiece(candidates, data);
    if (also) opts.onAlso?.(out[1]!);
  }
  if (first) run.inspectColumns(src, { file: stream.file, path: stream.path, sha256: stream.sha256, bytes: stream.bytes, columns: stream.columns, rows: [] });
}
