/** An error the user can cause and fix: the CLI prints its message (no stack trace) and exits with `exitCode`. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof Error && e.name === 'UserError';
}

/**
 * Errors from below that the user causes without a bug of ours, as UserErrors: a store held by
 * another process (DuckDB's lock; its message names that process). Anything else is left as it is.
 */
export function asUserError(e: unknown): UserError | null {
  if (isUserError(e)) return e;
  const msg = e instanceof Error ? e.message : '';
  const lock = /Could not set lock on file "([^"]+)"[^]*?Conflicting lock is held in ([^\n]*?)(?: \(PID (\d+)\))?(?: by user [^\n.]*)?(?:\.|$)/m.exec(msg);
  if (lock) {
    const who = lock[3] ? `process ${lock[3]} (${lock[2]})` : lock[2] ? `another process (${lock[2]})` : 'another process';
    return new UserError(`the store ${lock[1]} is in use by ${who}; wait for that run to finish (or stop it) and run again`, 2);
  }
  if (/Could not set lock on file/.test(msg))
    return new UserError(`the store is in use by another process (${msg.split('\n')[0]}); wait for that run to finish and run again`, 2);
  return null;
}
