import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { z } from 'zod';

export const KernelSpec = z.looseObject({
  argv: z.array(z.string()).min(1),
  display_name: z.string(),
  language: z.string().optional(),
  env: z.record(z.string(), z.string()).optional(),
});
export type KernelSpec = z.infer<typeof KernelSpec> & { dir: string };

/** Jupyter data directories searched for kernels, in Jupyter's order; the project's .jupyter first. */
export function jupyterDataDirs(projectRoot: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const fromEnv = (env.JUPYTER_PATH ?? '').split(delimiter).filter(Boolean);
  return [
    join(projectRoot, '.jupyter', 'share', 'jupyter'),
    ...fromEnv,
    join(homedir(), '.local', 'share', 'jupyter'),
    '/usr/local/share/jupyter',
    '/usr/share/jupyter',
  ];
}

/**
 * Finds and reads the kernelspec `name` (e.g. `tslab`), or throws saying how to register it.
 * @example const spec = findKernelSpec('tslab', projectRoot());
 */
export function findKernelSpec(name: string, projectRoot: string, env: NodeJS.ProcessEnv = process.env): KernelSpec {
  const dirs = jupyterDataDirs(projectRoot, env);
  for (const d of dirs) {
    const dir = join(d, 'kernels', name);
    const file = join(dir, 'kernel.json');
    if (!existsSync(file)) continue;
    const spec = KernelSpec.parse(JSON.parse(readFileSync(file, 'utf8')));
    return { ...spec, dir };
  }
  throw new Error(`Jupyter kernel "${name}" is not registered (looked in ${dirs.join(', ')}); run: bash scripts/setup-kernel.sh`);
}
