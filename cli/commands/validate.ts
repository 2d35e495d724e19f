import type { Command } from 'commander';
import { TABLE_NAMES, isTableName } from '../../schemas/index.js';
import { UserError } from '../errors.js';

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description(
      'Check a file (.csv, .json, .ndjson, .parquet), or a folder of Parquet files such as a store table ' +
        '(out/store/parquet/<table>), against a table of the common schema; list every problem with row, field, value and rule',
    )
    .argument('<table>', `schema table: ${TABLE_NAMES.join(', ')}`)
    .argument('<file>', 'file (or folder of .parquet files) to check')
    .option('--json', 'print the problems as JSON')
    .option('--max-problems <n>', 'print at most n problems (all are counted)', '200')
    .action(async (table: string, path: string, opts: { json?: boolean; maxProblems: string }) => {
      if (!isTableName(table)) throw new UserError(`unknown table ${JSON.stringify(table)}; choose one of ${TABLE_NAMES.join(', ')}`);
      const max = Number(opts.maxProblems);
      if (!Number.isInteger(max) || max < 0) throw new UserError('--max-problems needs a whole number');
      const { formatProblem, readRecordFile, validateRecordFile } = await import('../../pipelines/index.js');
      const file = await readRecordFile(path);
      const result = validateRecordFile(table, file);
      const bad = result.invalidRows.length;
      const fileLevel = result.problems.filter((p) => p.row === null).length;
      if (opts.json) {
        const summary = { table, file: result.file, rows: result.rowsRead, valid: result.valid.length, invalid: bad, problems: result.problems };
        process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
      } else {
        for (const p of result.problems.slice(0, max)) process.stdout.write(formatProblem(p) + '\n');
        if (result.problems.length > max) process.stdout.write(`… ${result.problems.length - max} more problems (raise --max-problems or use --json)\n`);
        const fileProblems = fileLevel ? `, ${fileLevel} file-level problem(s)` : '';
        process.stdout.write(`${result.file}: ${result.rowsRead} rows, ${result.valid.length} valid, ${bad} invalid against ${table}${fileProblems}\n`);
      }
      if (bad > 0 || fileLevel > 0 || result.rowsRead === 0) process.exitCode = 1;
      if (result.rowsRead === 0) process.stderr.write(`il2kit: ${result.file} has a header but no data rows\n`);
    });
}
