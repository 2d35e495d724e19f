#!/usr/bin/env -S node --max-semi-space-size=64
import { buildProgram } from './program.js';
import { asUserError } from './errors.js';

// A closed pipe (il2kit … | head) ends the output quietly; the command runs on and keeps its exit status.
let stdoutClosed = false;
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE' && !stdoutClosed) throw e;
  stdoutClosed = true;
  process.stdout.write = (() => true) as typeof process.stdout.write;
});

// Errors a user can cause print a message and an exit code, never a stack trace.
buildProgram()
  .parseAsync(process.argv)
  .catch((e: unknown) => {
    const u = asUserError(e);
    if (u) {
      process.stderr.write(`il2kit: ${u.message}\n`);
      process.exitCode = u.exitCode;
    } else {
      process.stderr.write(`il2kit: internal error (please report): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 70;
    }
  });
