import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
const MAIN = join(ROOT, 'dist', 'cli', 'main.js');

/** Runs the built il2kit command (npm test builds first; run `npm run build` when calling vitest directly). */
export function il2kit(
  args: string[], opts: { cwd?: string; env?: Record<string, string>; /** kill after this long (code null) */ timeoutMs?: number } = {},
) {
  if (!existsSync(MAIN)) throw new Error('dist/cli/main.js is missing: run `npm run build` (npm test does it for you)');
  const env = { ...process.env, TZ: 'UTC', ...opts.env };
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd: opts.cwd ?? ROOT, encoding: 'utf8', env, ...(opts.timeoutMs ? { timeout: opts.timeoutMs } : {}) });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
