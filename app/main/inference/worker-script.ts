import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** What `new Worker(entry, { eval })` needs to start the inference worker. */
export interface WorkerScript {
  readonly entry: string;
  readonly eval: boolean;
}

/**
 * Where the inference worker lives. In the build it is `out/main/inference-worker.js`, beside the
 * entry bundles or one level above the shared chunk that holds this module. From source (tsx,
 * vitest) it is the `.ts` beside this file;
 * Node 20 does not apply `--import tsx` to a worker's own entry module, so a two-line bootstrap
 * registers tsx inside the worker and then imports the source. Paths are assembled at run time so
 * the bundler does not try to inline the worker.
 */
export function inferenceWorkerScript(): WorkerScript {
  const here = dirname(fileURLToPath(import.meta.url));
  const built = [join(here, 'inference-worker.js'), join(here, '..', 'inference-worker.js')].find((path) => existsSync(path));
  if (built) return { entry: built, eval: false };
  const source = join(here, 'inference-worker.ts');
  if (!existsSync(source)) {
    throw new Error(`inference worker not found beside ${here} (looked for inference-worker.js and inference-worker.ts)`);
  }
  const tsx = pathToFileURL(tsxEsmApi()).href;
  const entry = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(pathToFileURL(source).href)}); });`;
  return { entry, eval: true };
}

/** tsx's ESM loader API; `require.resolve` would give its CommonJS twin, which cannot register ESM hooks. */
function tsxEsmApi(): string {
  const manifest = createRequire(import.meta.url).resolve('tsx/package.json');
  const exportsMap = JSON.parse(readFileSync(manifest, 'utf8')).exports as Record<string, { import: { default: string } }>;
  return join(dirname(manifest), exportsMap['./esm/api'].import.default);
}
