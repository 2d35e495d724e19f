// `il2kit validate` memory against file size: a dose_slot CSV made on the fly (one row in 50 invalid),
// checked by the CLI in a process of its own as a user runs it; its peak RSS (VmHWM) is read from
// /proc while it runs. Memory should stay flat with the file's size (target < 500 MiB at any size).
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../cli/main.js', import.meta.url));
const HEADER =
  'centre_id,patient_key,cycle_id,slot_number,scheduled_at,status,given_at,dose_iu,hold_reason_codes,hold_reason_text,' +
  'source_file,source_sha256,source_row,source_pointer,spec_id,spec_version\n';
const SHA = '9d1e2f3a4b5c6d7e8f9012345678901234567890abcdef1234567890abcdef12';

export interface ValidateMemoryRow {
  mib: number;
  rows: number;
  ms: number;
  peak_rss_mib: number;
  exit: number | null;
}

/** Writes a dose_slot CSV of about `mib` MiB (deterministic content); returns its row count. */
function writeCsv(path: string, mib: number): number {
  const fd = openSync(path, 'w');
  let rows = 0;
  try {
    writeSync(fd, HEADER);
    for (let bytes = 0; bytes < mib * 1048576; ) {
      const lines: string[] = [];
      for (let k = 0; k < 10_000; k++, rows++) {
        const p = (rows >>> 6).toString(16).padStart(16, '0');
        const slot = (rows % 15) + 1;
        const status = rows % 50 === 49 ? 'givn' : 'given'; // one row in 50 invalid: problems are printed too
        lines.push(
          `bench,${p},${p}-c1.1,${slot},2024-03-04T08:00:00Z,${status},2024-03-04T08:05:00Z,48000000,,,flowsheet.csv,${SHA},${rows + 1},,bench,1.0.0\n`,
        );
      }
      const text = lines.join('');
      writeSync(fd, text);
      bytes += Buffer.byteLength(text);
    }
  } finally {
    closeSync(fd);
  }
  return rows;
}

/** Runs `il2kit validate dose_slot <file> --json` (every problem printed) and samples the child's peak RSS. */
function runValidate(file: string): Promise<{ ms: number; peakKiB: number; exit: number | null }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['--max-semi-space-size=64', MAIN, 'validate', 'dose_slot', file, '--json'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    let peakKiB = 0;
    const sample = () => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKiB = Math.max(peakKiB, Number(m[1]));
      } catch {
        // the process has just ended
      }
    };
    const timer = setInterval(sample, 25);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(timer);
      resolve({ ms: performance.now() - t0, peakKiB, exit: code });
    });
  });
}

/** BENCH_VALIDATE_MIB: the sizes to check (default 50,470). */
export async function benchValidateMemory(log: (s: string) => void): Promise<ValidateMemoryRow[]> {
  const sizes = (process.env.BENCH_VALIDATE_MIB ?? '50,470').split(',').map(Number);
  const dir = mkdtempSync(join(tmpdir(), 'il2kit-bench-validate-'));
  const out: ValidateMemoryRow[] = [];
  try {
    for (const mib of sizes) {
      const file = join(dir, `dose_slot-${mib}.csv`);
      const rows = writeCsv(file, mib);
      const r = await runValidate(file);
      const row = { mib: Math.round(statSync(file).size / 1048576), rows, ms: Math.round(r.ms), peak_rss_mib: Math.round(r.peakKiB / 1024), exit: r.exit };
      log(
        `validate ${row.mib} MiB CSV (${rows.toLocaleString('en')} rows, --json): ${(row.ms / 1000).toFixed(1)} s, peak RSS ${row.peak_rss_mib} MiB, ` +
          `exit ${row.exit}`,
      );
      out.push(row);
      rmSync(file, { force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
