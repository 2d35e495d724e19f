import { Command } from 'commander';
import { registerNotebooks } from '../../cli/commands/notebooks.js';
import { isUserError } from '../../cli/errors.js';
const p = new Command('il2kit');
registerNotebooks(p);
p.parseAsync(process.argv).catch((e) => { if (isUserError(e)) { console.error('il2kit: ' + e.message); process.exitCode = e.exitCode; } else { console.error(e); process.exitCode = 70; } });
