import type { Command } from 'commander';
import { TABLE_NAMES, isTableName } from '../../schemas/index.js';
import { UserError } from '../errors.js';

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description(
      'Check a file (.csv, .json, .ndjson, .parquet), or a folder of Parquet files such as a store table (out/store/parquet/<table>), against a table ' +
        'of the common schema; list every problem with row, field, value and rule',
    )
    .argument('<table>', `schema table: ${TABLE_NAMES.join(', ')}`)
    .argument('<file>', 'file (or folder of .parquet files) to check')
    .option('--json', 'print the problems as JSON')
    .option('--max-problems <n>', 'print at most n problems (all are counted)', '200')
    .action(async (table: string, path: string, opts: { json?: boolean; maxProblems: string }) => {
      if (!isTableName(table)) throw new UserError(`unknown table ${JSON.stringify(table)}; choose one of ${TABLE_NAMES.join(', ')}`);
      const max = Number(opts.maxProblems);
      if (!Number.isInteger(max) || max < 0) throw new UserError('--max-problems needs a whole number');
      const { formatProblem, streamRecordFile, validateRecordStream } = await import('../../pipelines/index.js');
      // Streamed: records are read, checked and printed batch by batch, so memory does not grow with the file.
      const stream = await streamRecordFile(path);
      const out = bufferedStdout();
      let printed = 0;
      if (opts.json) out.write(`{\n  "table": ${JSON.stringify(table)},\n  "file": ${JSON.stringify(stream.file)},\n  "problems": [`);
      const result = await validateRecordStream(
        table,
        stream,
        (p) => {
          if (opts.json) out.write(`${printed++ === 0 ? '' : ','}\n    ${JSON.stringify(p)}`);
          else if (printed++ < max) out.write(formatProblem(p) + '\n');
        },
        out.drain,
      );
      if (opts.json) {
        out.write(
          `${printed ? '\n  ' : ''}],\n  "rows": ${result.rowsRead},\n  "valid": ${result.valid},\n  "invalid": ${result.invalid}\n}\n`,
        );
      } else {
        if (result.problems > max) out.write(`… ${result.problems - max} more problems (raise --max-problems or use --json)\n`);
        const fileLevel = result.fileProblems ? `, ${result.fileProblems} file-level problem(s)` : '';
        out.write(`${result.file}: ${result.rowsRead} rows, ${result.valid} valid, ${result.invalid} invalid against ${table}${fileLevel}\n`);
      }
      await out.end();
      if (result.invalid > 0 || result.fileProblems > 0 || result.rowsRead === 0) process.exitCode = 1;
      if (result.rowsRead === 0) process.stderr.write(`il2kit: ${result.file} has a header but no data rows\n`);
    });
}

/** stdout in pieces of about 1 MB; `drain` waits until the pipe has taken them, so a slow reader does not make output pile up in memory. */
function bufferedStdout() {
  let buf: string[] = [];
  let size = 0;
  const flush = async () => {
    if (size === 0) return;
    const text = buf.join('');
    buf = [];
    size = 0;
    const so = process.stdout;
    if (so.write(text) || so.destroyed) return;
    // A closed pipe (EPIPE) ends the wait too: cli/main.ts then turns writes into no-ops.
    await new Promise<void>((r) => {
      so.once('drain', r);
      so.once('close', r);
      so.once('error', () => r());
    });
  };
  return {
    write(s: string) {
      buf.push(s);
      size += s.length;
    },
    drain: () => (size >= 1 << 20 ? flush() : Promise.resolve()),
    end: flush,
  };
}
