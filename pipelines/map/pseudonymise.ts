// Local patient ids become keyed hashes at the ingest boundary; the key never enters the repo.
import { createHmac } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';

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

/*/** A key that cannot be used (a key file missing, empty, a folder, too short; an environment key too short): exit 2. */
export class KeyError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

/** The shortest key accepted, from a file or the environment. */
export const MIN_KEY_CHARS = 16;

/** Where the key comes from, without reading it: --key-file first, then IL2KIT_PSEUDONYM_KEY, then IL2KIT_KEY_FILE, then the samples default. */
export function keyChoice(opts: { keyFile?: string; env?: NodeJS.ProcessEnv }): { kind: 'flag' | 'env' | 'env-file' | 'none'; file?: string; label: string } {
  const env = opts.env ?? process.env;
  if (opts.keyFile) return { kind: 'flag', file: opts.keyFile, label: `--key-file ${opts.keyFile}` };
  if (env.IL2KIT_PSEUDONYM_KEY?.trim()) return { kind: 'env', label: 'IL2KIT_PSEUDONYM_KEY' };
  if (env.IL2KIT_KEY_FILE) return { kind: 'env-file', file: env.IL2KIT_KEY_FILE, label: `IL2KIT_KEY_FILE ${env.IL2KIT_KEY_FILE}` };
  return { kind: 'none', label: 'none' };
}

/** Finds the key (see keyChoice for the order); the samples default only if allowed. */
export function resolveKey(opts: { keyFile?: string; allowSampleKey: boolean; env?: NodeJS.ProcessEnv }): KeySource {
  const env = opts.env ?? process.env;
  const choice = keyChoice(opts);
  if (choice.kind === 'env') {
    const k = env.IL2KIT_PSEUDONYM_KEY!.trim();
    if (k.length < MIN_KEY_CHARS)
      throw new KeyError(`IL2KIT_PSEUDONYM_KEY holds fewer than ${MIN_KEY_CHARS} characters; set it to a long random key (e.g. \`openssl rand -hex 32\`)`);
    return { key: k, origin: 'env' };
  }
  if (choice.file !== undefined) return { key: readKeyFile(choice.file, choice.label), origin: 'file' };
  if (opts.allowSampleKey) return { key: SAMPLE_KEY, origin: 'samples-default' };
  throw new MissingKeyError();
}

function readKeyFile(file: string, label: string): string {
  const fix = 'give a file holding a long random key (e.g. `openssl rand -hex 32 > ~/.il2kit-key`)';
  const via = label.split(' ')[0]; // --key-file or IL2KIT_KEY_FILE
  let text: string;
  try {
    if (statSync(file).isDirectory()) throw new KeyError(`key file ${file} (${via}) is a folder, not a file; ${fix}`);
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof KeyError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const what = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'cannot be read (permission denied)' : `cannot be read (${code ?? 'error'})`;
    throw new KeyError(`key file ${file} (${via}) ${what}; ${fix}`);
  }
  const k = text.trim();
  if (k.length === 0) throw new KeyError(`key file ${file} (${via}) is empty; ${fix}`);
  if (k.length < MIN_KEY_CHARS) throw new KeyError(`key file ${file} (${via}) holds fewer than ${MIN_KEY_CHARS} characters; ${fix}`);
  return k;
}

/** Keys already worked out for one (key, centre): a patient's id recurs in every piece of every source. */
let memo: { key: string; centreId: string; keys: Map<string, string> } | null = null;
/** A bound on the remembered ids (they are the process's own memory, never written anywhere). */
const MEMO_IDS = 1 << 18;

/** 16 hex digits of HMAC-SHA256(key, centre_id NUL local_id). Whitespace and case of the local id are normalised. */
export function patientKey(key: string, centreId: string, localId: string): string {
  if (memo === null || memo.key !== key || memo.centreId !== centreId) memo = { key, centreId, keys: new Map() };
  let k = memo.keys.get(localId);
  if (k === undefined) {
    k = createHmac('sha256', key).update(`${centreId}\u0000${localId.trim().toUpperCase()}`).digest('hex').slice(0, 16);
    if (memo.keys.size >= MEMO_IDS) memo.keys.clear();
    memo.keys.set(localId, k);
  }
  return k;
}
