import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));
const repoRoot = fileURLToPath(new URL('../', import.meta.url));

/** Where and on what a result was measured, so a figure can be traced to the code that produced it. */
export interface BenchStamp {
  readonly commit: string;
  /** Uncommitted changes to tracked files outside bench/results when the bench ran. */
  readonly dirty: boolean;
  readonly date: string;
  readonly machine: { readonly cpus: number; readonly cpuModel: string; readonly memoryGiB: number; readonly node: string };
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

export function benchStamp(): BenchStamp {
  return {
    commit: git(['rev-parse', 'HEAD']) || 'unknown',
    dirty: git(['status', '--porcelain', '--untracked-files=no', '--', '.', ':(exclude)bench/results']) !== '',
    date: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
    },
  };
}

export function resultPath(name: string): string {
  return `${resultsDir}${name}.json`;
}

/**
 * Results are committed so a change in speed or quality shows up in review as a diff. `npm run bench`
 * passes the stamp it took when it started, so every file of one run names the same commit, machine
 * and date; a script run alone stamps its own file.
 */
export function writeBenchResult(name: string, result: object, stamp: BenchStamp = benchStamp()): string {
  mkdirSync(resultsDir, { recursive: true });
  const path = resultPath(name);
  writeFileSync(path, `${JSON.stringify({ stamp, ...result }, null, 2)}\n`);
  return path;
}

/** True when the module at `moduleUrl` is the script node was started with (a bench run alone). */
export function isEntryPoint(moduleUrl: string): boolean {
  return process.argv[1] !== undefined && moduleUrl === pathToFileURL(resolve(process.argv[1])).href;
}
