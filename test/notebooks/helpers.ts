import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli.js';

export { ROOT };
export const NOTEBOOK_DIR = join(ROOT, 'notebooks');
export const FIXTURES = join(ROOT, 'test', 'fixtures', 'notebooks');

/** Every committed notebook in notebooks/, by name. */
export function committedNotebooks(): string[] {
  return readdirSync(NOTEBOOK_DIR)
    .filter((f) => f.endsWith('.ipynb'))
    .sort()
    .map((f) => f.replace(/\.ipynb$/, ''));
}

/** Notebooks import the built library: fail early with the fix when it or the kernel is missing. */
export function requireSetup(): void {
  const missing = [
    [join(ROOT, 'dist', 'index.js'), 'the build (dist/)'],
    [join(ROOT, 'node_modules', 'il2kit', 'package.json'), 'the node_modules/il2kit link'],
    [join(ROOT, '.jupyter', 'share', 'jupyter', 'kernels', 'tslab', 'kernel.json'), 'the project-local tslab kernel'],
  ].filter(([p]) => !existsSync(p as string));
  if (missing.length) throw new Error(`missing ${missing.map(([, what]) => what).join(', ')}: run \`bash scripts/setup.sh\` (npm test does it for you)`);
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `il2kit-${prefix}-`));
}
