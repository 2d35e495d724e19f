// The ingest's work folder holds raw cells (MRNs included) while a centre is mapped. It lives
// inside the store folder, `<store>/.work/ingest-<pid>-<random>/`, owner-only (0700), and is
// removed when the run ends, on Ctrl-C and SIGTERM; a run killed outright (SIGKILL, power loss)
// leaves it behind, and the next run sweeps it: every work folder whose process is gone.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export const WORK_DIR = '.work';
/** The prefix of work folders left beside the store by earlier versions of the kit (swept once an hour old: such a run may still be going). */
const LEGACY_PREFIX = '.il2kit-ingest-';
const LEGACY_AGE_MS = 3_600_000;

export interface WorkFolder {
  path: string;
  /** Removes the folder and stops watching for signals (idempotent). */
  remove(): void;
}

/** Whether a process with this id is running (on this machine). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes work folders of runs that are no longer running (and legacy ones beside the store); returns what it removed. */
export function sweepWorkFolders(storeDir: string): string[] {
  const removed: string[] = [];
  const base = join(resolve(storeDir), WORK_DIR);
  if (existsSync(base)) {
    for (const name of readdirSync(base)) {
      const m = /^ingest-(\d+)-/.exec(name);
      if (m && Number(m[1]) !== process.pid && alive(Number(m[1]))) continue;
      rmSync(join(base, name), { recursive: true, force: true });
      removed.push(join(base, name));
    }
  }
  const parent = dirname(resolve(storeDir));
  for (const name of existsSync(parent) ? readdirSync(parent) : []) {
    if (!name.startsWith(LEGACY_PREFIX)) continue;
    const p = join(parent, name);
    const st = statSync(p);
    if (st.isDirectory() && Date.now() - st.mtimeMs > LEGACY_AGE_MS) {
      rmSync(p, { recursive: true, force: true });
      removed.push(p);
    }
  }
  return removed;
}

const live = new Set<string>();
let hooked = false;

function removeAll(): void {
  for (const p of live) removeFolder(p);
  live.clear();
}

/** Removes a work folder, and `.work` with it when no other run's folder is left there. */
function removeFolder(path: string): void {
  rmSync(path, { recursive: true, force: true });
  try {
    rmdirSync(dirname(path));
  } catch {
    // another run's folder is still there
  }
}

/** On exit and on SIGINT/SIGTERM/SIGHUP: remove the live work folders, then let the signal end the process as it would have. */
function hookSignals(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', removeAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = () => {
      removeAll();
      process.removeListener(sig, onSignal);
      process.kill(process.pid, sig);
    };
    process.on(sig, onSignal);
  }
}

/** Removes a work folder made by openWorkFolder, by its path (idempotent). */
export function removeWorkFolder(path: string): void {
  removeFolder(path);
  live.delete(path);
}

/** Sweeps what earlier runs left, then makes this run's work folder inside the store, readable by its owner only. */
export function openWorkFolder(storeDir: string): WorkFolder {
  sweepWorkFolders(storeDir);
  const base = join(resolve(storeDir), WORK_DIR);
  mkdirSync(base, { recursive: true, mode: 0o700 });
  chmodSync(base, 0o700);
  const path = mkdtempSync(join(base, `ingest-${process.pid}-`));
  chmodSync(path, 0o700);
  writeFileSync(
    join(path, 'README'),
    'Work folder of a running il2kit ingest (raw cells): removed when the run ends; a later run removes it if this run was killed.\n',
    { mode: 0o600 },
  );
  live.add(path);
  hookSignals();
  return {
    path,
    remove() {
      removeFolder(path);
      live.delete(path);
    },
  };
}
