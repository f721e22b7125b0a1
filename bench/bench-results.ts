import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));

/** Results are committed so a change in speed or quality shows up in review as a diff. */
export function writeBenchResult(name: string, result: unknown): string {
  mkdirSync(resultsDir, { recursive: true });
  const path = `${resultsDir}${name}.json`;
  writeFileSync(path, `${JSON.stringify(result, null, 2)}\n`);
  return path;
}

/** True when the module at `moduleUrl` is the script node was started with (a bench run alone). */
export function isEntryPoint(moduleUrl: string): boolean {
  return process.argv[1] !== undefined && moduleUrl === pathToFileURL(resolve(process.argv[1])).href;
}
