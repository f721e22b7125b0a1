/**
 * Scale-out on one machine through the cluster path: the same project analysed, then synthesized, by
 * one plain `likeness` process and by N shard workers started together (`--shard i/N --out`, as the
 * Kubernetes Indexed Job and the Slurm array run them) followed by `likeness merge`. Wall time from
 * the first worker's start to the merge's end, so the ratio is what a user waits, merge included.
 * Runs the built CLI (bin/likeness.js; `npm run build` first).
 *   npx tsx bench/shard-bench.ts [--photos <ImageFolder>] [--workers 1,2,4,8] [--variants 4]
 * Writes bench/results/shards.json.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { copyProject } from '../app/main/shards/testing/project-copy.ts';
import { benchOption } from './bench-options.ts';
import { isEntryPoint, writeBenchResult } from './bench-results.ts';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const cli = join(repoRoot, 'bin', 'likeness.js');

interface Run {
  readonly job: 'analyze' | 'synthesize';
  /** 0: the plain command, no shards. */
  readonly workers: number;
  readonly items: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly speedUp: number;
}

function likeness(env: NodeJS.ProcessEnv, ...argv: string[]): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [cli, ...argv], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let said = '';
    child.stderr.on('data', (chunk: Buffer) => (said = (said + chunk.toString()).slice(-4000)));
    child.on('error', fail);
    child.on('close', (code) => (code === 0 ? done() : fail(new Error(`likeness ${argv.join(' ')} exited ${code}: ${said.trim()}`))));
  });
}

function count(project: string, sql: string): number {
  const db = new Database(project, { readonly: true });
  try {
    return (db.prepare(sql).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

const ITEMS = {
  analyze: 'SELECT COUNT(*) AS n FROM faces',
  synthesize: 'SELECT COUNT(*) AS n FROM variants',
} as const;

async function timed(
  env: NodeJS.ProcessEnv,
  dir: string,
  job: Run['job'],
  from: string,
  workers: number,
  extra: string[],
): Promise<Omit<Run, 'speedUp'>> {
  const project = copyProject(from, join(dir, `${job}-${workers}.likeness`));
  const before = count(project, ITEMS[job]);
  const start = performance.now();
  if (workers === 0) {
    await likeness(env, job, project, ...extra);
  } else {
    const shards = Array.from({ length: workers }, (_, i) => join(dir, `${job}-${workers}-shard-${i}`));
    await Promise.all(shards.map((out, i) => likeness(env, job, project, ...extra, '--shard', `${i}/${workers}`, '--out', out)));
    await likeness(env, 'merge', project, ...shards);
  }
  const seconds = (performance.now() - start) / 1000;
  const items = count(project, ITEMS[job]) - before;
  return { job, workers, items, seconds, perSecond: items / seconds };
}

async function main(argv: string[]): Promise<void> {
  const photos = resolve(benchOption(argv, 'photos', join(repoRoot, '..', 'shared', 'faces', 'orl')));
  const variants = benchOption(argv, 'variants', '4');
  const workers = benchOption(argv, 'workers', [1, 2, 4, 8].filter((n) => n <= availableParallelism()).join(','))
    .split(',')
    .map(Number);
  if (!existsSync(photos)) throw new Error(`no photos at ${photos}; give an ImageFolder with --photos`);
  if (!existsSync(join(repoRoot, 'out', 'main', 'cli.js'))) throw new Error('the CLI is not built; run npm run build first');
  const dir = mkdtempSync(join(tmpdir(), 'likeness-shard-bench-'));
  const env = { ...process.env, LIKENESS_HOME: join(dir, 'settings') };
  try {
    process.stderr.write(`shard bench: preparing ${photos} (import, analysis, default generator)\n`);
    const imported = join(dir, 'imported.likeness');
    await likeness(env, 'import', photos, '--project', imported);
    const fitted = copyProject(imported, join(dir, 'fitted.likeness'));
    await likeness(env, 'analyze', fitted);
    await likeness(env, 'synthesize', fitted, '--fit-only');
    const runs: Run[] = [];
    const jobs: [Run['job'], string, string[]][] = [
      ['analyze', imported, []],
      ['synthesize', fitted, ['--variants', variants, '--seed', '1']],
    ];
    for (const [job, from, extra] of jobs) {
      let plain = 0;
      for (const n of [0, ...workers]) {
        process.stderr.write(`shard bench: ${job}, ${n === 0 ? 'one plain process' : `${n} shard workers + merge`}\n`);
        const run = await timed(env, dir, job, from, n, extra);
        if (n === 0) plain = run.perSecond;
        runs.push({ ...run, speedUp: Math.round((run.perSecond / plain) * 100) / 100 });
      }
    }
    console.table(runs.map((r) => ({ ...r, seconds: Math.round(r.seconds * 10) / 10, perSecond: Math.round(r.perSecond * 10) / 10 })));
    console.log(
      `written ${writeBenchResult('shards', { photos, variantsPerSource: Number(variants), cpus: availableParallelism(), runs })}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (isEntryPoint(import.meta.url)) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`shard bench: ${(error as Error).message}\n`);
    process.exitCode = 1;
  });
}
