// Local patient ids become keyed hashes at the ingest boundary; the key never enters the repo.
import { createHmac } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';

/** Key used only for the bundled synthetic samples. Insecure by design: anyone can recompute the keys. */
export const SAMPLE_KEY = 'il2kit-synthetic-samples-not-secret';

export interface KeySource {
  key: string;
  origin: 'env' | 'file' | 'samples-default';
}

export class MissingKeyError extends Error {
  readonly exitCode = 2;
  constructor() {
    super(
      'no pseudonymisation key: set IL2KIT_PSEUDONYM_KEY, or IL2KIT_KEY_FILE to a file outside the repository holding the key ' +
        '(e.g. `openssl rand -hex 32 > ~/.il2kit-key`). Keep the same key for every run at a centre, or patient keys change.',
    );
    this.name = 'UserError';
  }
}

/** Finds the key: env IL2KIT_PSEUDONYM_KEY, then the file in IL2KIT_KEY_FILE (or `keyFile`), then the samples default if allowed. */
export function resolveKey(opts: { keyFile?: string; allowSampleKey: boolean; env?: NodeJS.ProcessEnv }): KeySource {
  const env = opts.env ?? process.env;
  const fromEnv = env.IL2KIT_PSEUDONYM_KEY?.trim();
  if (fromEnv) return { key: fromEnv, origin: 'env' };
  const file = opts.keyFile ?? env.IL2KIT_KEY_FILE;
  if (file) {
    if (!existsSync(file)) throw new Error(`key file ${file} does not exist`);
    const k = readFileSync(file, 'utf8').trim();
    if (k.length < 16) throw new Error(`key file ${file} holds fewer than 16 characters; use a long random key`);
    return { key: k, origin: 'file' };
  }
  if (opts.allowSampleKey) return { key: SAMPLE_KEY, origin: 'samples-default' };
  throw new MissingKeyError();
}

/** 16 hex digits of HMAC-SHA256(key, centre_id NUL local_id). Whitespace and case of the local id are normalised. */
export function patientKey(key: string, centreId: string, localId: string): string {
  return createHmac('sha256', key).update(`${centreId}\u0000${localId.trim().toUpperCase()}`).digest('hex').slice(0, 16);
}
