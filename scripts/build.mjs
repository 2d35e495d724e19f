// Compiles the library with the pinned TypeScript (node_modules/.bin/tsc is tslab's 5.0, not ours).
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { chmodSync, existsSync } from 'node:fs';
const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { stdio: 'inherit' });
if (existsSync('dist/cli/main.js')) chmodSync('dist/cli/main.js', 0o755);
// The kit's rulesets validated once, for every command run from dist/ (rules/compiled.ts).
execFileSync(process.execPath, ['scripts/compile-rulesets.mjs'], { stdio: 'inherit' });
