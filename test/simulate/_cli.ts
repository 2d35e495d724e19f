import { Command } from 'commander';
import { registerSimulate } from '../../cli/commands/simulate.js';
const p = new Command('il2kit'); registerSimulate(p); await p.parseAsync(process.argv);
