// Starting a worker thread from a module beside the caller, whether the kit runs compiled (dist/) or from its
// TypeScript sources (the tests, tsx): a worker takes no --import hooks here, so from the sources it loads the module
// through tsx's API.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';

/**
 * A worker running `<name>.js` beside `callerUrl` (its import.meta.url), or `<name>.ts` through tsx when no compiled file
 * is there.
 * @example const w = startModuleWorker(import.meta.url, 'implied-worker');
 */
export function startModuleWorker(callerUrl: string, name: string, resourceLimits?: ResourceLimits): Worker {
  const limits = resourceLimits === undefined ? {} : { resourceLimits };
  const js = new URL(`./${name}.js`, callerUrl);
  if (existsSync(js)) return new Worker(js, limits);
  const api = pathToFileURL(createRequire(callerUrl).resolve('tsx/esm/api')).href;
  const ts = new URL(`./${name}.ts`, callerUrl).href;
  return new Worker(`import(${JSON.stringify(api)}).then((m) => m.tsImport(${JSON.stringify(ts)}, ${JSON.stringify(ts)}))`, { eval: true, ...limits });
}
