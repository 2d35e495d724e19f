#!/usr/bin/env -S node --max-semi-space-size=64
import { buildProgram } from './program.js';
import { isUserError } from './errors.js';

// A closed pipe (il2kit … | head) ends the output quietly.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

// Errors a user can cause print a message and an exit code, never a stack trace.
buildProgram()
  .parseAsync(process.argv)
  .catch((e: unknown) => {
    if (isUserError(e)) {
      process.stderr.write(`il2kit: ${e.message}\n`);
      process.exitCode = e.exitCode;
    } else {
      process.stderr.write(`il2kit: internal error (please report): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 70;
    }
  });
