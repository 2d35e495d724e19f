// DuckDB's memory budget, and its out-of-memory error told as something the user can act on.

const DEFAULT_LIMIT = '3GB';

/**
 * DuckDB's memory budget per instance (the store, and each source mapped column-wise): IL2KIT_DUCKDB_MEMORY
 * (e.g. "6GB"), else 3GB. Bounded because the JS side needs room too; DuckDB spills to disk beyond it. At 2 GB the
 * ordered insert of 5.7 M observations (one centre of 4,000 patients) once failed to pin a block.
 */
export function duckdbMemoryLimit(env: NodeJS.ProcessEnv = process.env): string {
  const v = env.IL2KIT_DUCKDB_MEMORY?.trim();
  if (!v) return DEFAULT_LIMIT;
  if (!/^\d+(\.\d+)?\s*(MB|GB|MiB|GiB)$/i.test(v))
    throw new DuckDBMemoryError(
      `IL2KIT_DUCKDB_MEMORY=${JSON.stringify(v)} is not a size. Use a number with MB or GB, e.g. IL2KIT_DUCKDB_MEMORY=6GB`,
    );
  return v;
}

export class DuckDBMemoryError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

/**
 * DuckDB's "Out of Memory Error" as a message that says what to do (`what`: what was being done and what that
 * leaves behind); any other error as it is.
 */
export function explainOutOfMemory(e: unknown, what: string): unknown {
  if (!(e instanceof Error) || !/Out of Memory Error/i.test(e.message)) return e;
  const first = e.message.split('\n').find((l) => l.trim() !== '') ?? e.message;
  const limit = process.env.IL2KIT_DUCKDB_MEMORY?.trim() || DEFAULT_LIMIT; // as set (this runs on an error path: no second error)
  return new DuckDBMemoryError(
    `DuckDB ran out of its memory budget (${limit}) while ${what}. Set IL2KIT_DUCKDB_MEMORY to a larger size (e.g. IL2KIT_DUCKDB_MEMORY=6GB) or free ` +
      `memory on this machine, and run again. (DuckDB: ${first.trim()})`,
  );
}
