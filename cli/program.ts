import { Command } from 'commander';
import { registerBundle } from './commands/bundle.js';
import { registerDoses } from './commands/doses.js';
import { registerPool } from './commands/pool.js';
import { registerHolds } from './commands/holds.js';
import { registerIngest } from './commands/ingest.js';
import { registerReport } from './commands/report.js';
import { registerOutcomes } from './commands/outcomes.js';
import { registerResponse } from './commands/response.js';
import { registerNotebooks } from './commands/notebooks.js';
import { registerSimulate } from './commands/simulate.js';
import { registerValidate } from './commands/validate.js';
import { kitVersion } from '../project/index.js';

/** Builds the il2kit command tree. Each command lives in cli/commands/<name>.ts and registers itself here. */
export function buildProgram(): Command {
  const program = new Command('il2kit')
    .description('Compare how centres giving high-dose IL-2 apply hold criteria, how many doses they reach and what response signals appear.')
    .version(kitVersion())
    .showHelpAfterError('(run il2kit --help for usage)');
  registerValidate(program);
  registerIngest(program);
  registerSimulate(program);
  registerNotebooks(program);
  registerDoses(program);
  registerResponse(program);
  registerOutcomes(program);
  registerHolds(program);
  registerReport(program);
  registerBundle(program);
  registerPool(program);
  return program;
}
