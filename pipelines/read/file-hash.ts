// A file's SHA-256, worked out once per process: an ingest hashes each input for its stamp
// (ingest/incremental.ts) and again for the provenance every record carries (read/source.ts); at
// 20,000 patients that second pass read 2.9 GB again. The hash is remembered with the file's
// identity (device, inode, size, modification and change times, to the nanosecond): a file
// rewritten since changes at least one of them, and is hashed again.
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { resolve } from 'node:path';

const known = new Map<string, { id: string; sha256: string }>();

/** The identity a remembered hash is checked against; null when the file cannot be read. */
function identity(path: string): string | null {
  try {
    const s = statSync(path, { bigint: true });
    return `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
  } catch {
    return null;
  }
}

/** The remembered SHA-256 of `path` if the file is unchanged since it was hashed, else null. */
export function knownSha256(path: string): string | null {
  const k = known.get(resolve(path));
  return k !== undefined && k.id === identity(path) ? k.sha256 : null;
}

/** Remembers the SHA-256 of `path` as it is now (`id`: its identity taken before its bytes were read). */
function remember(path: string, id: string | null, sha256: string): void {
  if (id !== null && id === identity(path)) known.set(resolve(path), { id, sha256 });
}

/**
 * The remembered hash of `path` with the identity it was taken at, while the file still has it: handed to a reader
 * thread (each thread has its own memory), so a file the run's stamp hashed is not hashed again there.
 */
export function knownFileHash(path: string): { id: string; sha256: string } | null {
  const k = known.get(resolve(path));
  return k !== undefined && k.id === identity(path) ? { ...k } : null;
}

/** Remembers a hash worked out on another thread at identity `id`; kept only if the file still has that identity. */
export function rememberFileHash(path: string, id: string | null, sha256: string): void {
  remember(path, id, sha256);
}

/** SHA-256 (hex) of a file's bytes, streamed; remembered for the next caller while the file is unchanged. */
export async function fileSha256(path: string): Promise<string> {
  const cached = knownSha256(path);
  if (cached !== null) return cached;
  const id = identity(path);
  const hash = createHash('sha256');
  for await (const b of createReadStream(path, { highWaterMark: 4 << 20 })) hash.update(b as Buffer);
  const sha256 = hash.digest('hex');
  remember(path, id, sha256);
  return sha256;
}

/** SHA-256 of bytes already read from `path` (whole), through the same memory. `id`: identity(path) taken before the read. */
export function bytesSha256(path: string, bytes: Buffer, id: string | null): string {
  const cached = id !== null && known.get(resolve(path))?.id === id ? known.get(resolve(path))!.sha256 : null;
  if (cached !== null) return cached;
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  remember(path, id, sha256);
  return sha256;
}

export { identity as fileIdentity };
