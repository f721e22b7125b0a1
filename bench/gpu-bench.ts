/**
 * CUDA against the CPU through the CLI's own code path: a project of real photos is imported,
 * analysed and given its default generator once; then, for each execution provider (LIKENESS_EP)
 * and inference batch (LIKENESS_BATCH), a fresh Node process analyses a copy of the imported project
 * and synthesizes on a copy of the fitted one, and the jobs' own start and end times give the
 * throughput. Analysis runs its models one photo at a time whatever the batch (detection and mesh
 * take one image), so it is timed once per provider; synthesis at every batch.
 * Beside the jobs, the batchable models (dlib's embedding, FaceMesh) are timed bare, one session per
 * provider, so the jobs' ratio can be read against what inference alone would gain.
 * Run on a GPU node with bench/gpu.sh, which installs the CUDA provider first.
 *   npx tsx bench/gpu-bench.ts [--providers cpu,cuda] [--batches 1,8,32] [--photos <folder>] [--variants 2]
 * Writes bench/results/gpu.json.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import ort from 'onnxruntime-node';
import { modelFile, type VisionModelName } from '../app/main/vision/model-files.ts';
import { runCli } from '../app/main/cli/run-cli.ts';
import { copyProject } from '../app/main/shards/testing/project-copy.ts';
import { benchOption } from './bench-options.ts';
import { isEntryPoint, writeBenchResult } from './bench-results.ts';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

interface Options {
  readonly providers: string[];
  readonly batches: number[];
  readonly photos: string;
  readonly variants: number;
}

interface Measurement {
  readonly provider: string;
  readonly batch: number;
  /** What the runtime reported using; a mismatch with `provider` fails the bench. */
  readonly active: string;
  readonly analysis: { readonly images: number; readonly seconds: number; readonly perSecond: number } | null;
  readonly synthesis: { readonly variants: number; readonly seconds: number; readonly perSecond: number };
}

function parseOptions(argv: string[]): Options {
  return {
    providers: benchOption(argv, 'providers', 'cpu,cuda').split(','),
    batches: benchOption(argv, 'batches', '1,8,32').split(',').map(Number),
    photos: resolve(benchOption(argv, 'photos', join(repoRoot, '..', 'shared', 'faces', 'johns'))),
    variants: Number(benchOption(argv, 'variants', '2')),
  };
}

async function likeness(...argv: string[]): Promise<string> {
  const lines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  let code: number;
  try {
    code = await runCli(argv);
  } finally {
    process.stdout.write = write;
  }
  if (code !== 0) throw new Error(`likeness ${argv.join(' ')} exited ${code}: ${lines.join('')}`);
  return lines.join('');
}

interface BareInference {
  readonly model: VisionModelName;
  readonly provider: string;
  readonly batch: number;
  readonly msPerFace: number;
}

/** Mean time of `session.run` per face after three warm-up runs, on random input of the model's size. */
async function bareInference(providers: string[], batches: number[]): Promise<BareInference[]> {
  const results: BareInference[] = [];
  for (const model of ['dlib', 'facemesh'] as const) {
    for (const provider of providers) {
      const session = await ort.InferenceSession.create(modelFile(model), { executionProviders: [provider], logSeverityLevel: 3 });
      const [, ...face] = session.inputMetadata[0].isTensor ? (session.inputMetadata[0].shape as number[]) : [];
      for (const batch of batches) {
        const dims = [batch, ...face];
        const data = Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => (i % 255) / 255);
        const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', data, dims) };
        for (let i = 0; i < 3; i++) await session.run(feeds);
        const runs = 10;
        const start = performance.now();
        for (let i = 0; i < runs; i++) await session.run(feeds);
        results.push({ model, provider, batch, msPerFace: (performance.now() - start) / runs / batch });
      }
      await session.release();
    }
  }
  return results;
}

/** The last job of a kind: how many items it did and how long it ran, from its own row. */
function jobTiming(project: string, kind: string): { items: number; seconds: number } {
  const db = new Database(project, { readonly: true });
  try {
    const row = db
      .prepare(
        `SELECT done, (julianday(finished_at) - julianday(started_at)) * 86400 AS seconds FROM jobs
         WHERE kind = ? AND state = 'done' ORDER BY id DESC LIMIT 1`,
      )
      .get(kind) as { done: number; seconds: number } | undefined;
    if (!row) throw new Error(`${project}: no finished ${kind} job`);
    return { items: row.done, seconds: row.seconds };
  } finally {
    db.close();
  }
}

/** One provider and batch, in this process (started with LIKENESS_EP and LIKENESS_BATCH set). */
async function measure(dir: string, provider: string, batch: number, withAnalysis: boolean, variants: number): Promise<Measurement> {
  const tag = `${provider}-${batch}`;
  const info = await likeness('info', join(dir, 'fitted.likeness'));
  const active = /runtime\s+onnxruntime (\S+)/.exec(info)?.[1] ?? 'unknown';
  if (active !== provider) {
    throw new Error(
      `asked for ${provider} (LIKENESS_EP=${provider}), the runtime uses ${active}: ${/fallback\s+(.*)/.exec(info)?.[1] ?? info}`,
    );
  }
  let analysis: Measurement['analysis'] = null;
  if (withAnalysis) {
    const project = copyProject(join(dir, 'imported.likeness'), join(dir, `analyse-${tag}.likeness`));
    await likeness('analyze', project);
    const { items, seconds } = jobTiming(project, 'analyze');
    analysis = { images: items, seconds, perSecond: items / seconds };
  }
  const project = copyProject(join(dir, 'fitted.likeness'), join(dir, `synthesize-${tag}.likeness`));
  await likeness('synthesize', project, '--variants', String(variants), '--seed', '1');
  const { items, seconds } = jobTiming(project, 'synthesize');
  return { provider, batch, active, analysis, synthesis: { variants: items, seconds, perSecond: items / seconds } };
}

async function prepare(dir: string, photos: string): Promise<void> {
  if (!existsSync(photos)) throw new Error(`no photos at ${photos}; give an ImageFolder with --photos`);
  const imported = join(dir, 'imported.likeness');
  await likeness('import', photos, '--project', imported);
  const fitted = copyProject(imported, join(dir, 'fitted.likeness'));
  await likeness('analyze', fitted);
  await likeness('synthesize', fitted, '--fit-only');
}

async function main(argv: string[]): Promise<void> {
  const child = argv.indexOf('--child');
  if (child >= 0) {
    const [dir, provider, batch, withAnalysis, variants] = argv.slice(child + 1);
    const result = await measure(dir, provider, Number(batch), withAnalysis === '1', Number(variants));
    process.stdout.write(`\n@@${JSON.stringify(result)}\n`);
    return;
  }
  const options = parseOptions(argv);
  const dir = mkdtempSync(join(tmpdir(), 'likeness-gpu-'));
  process.env.LIKENESS_HOME = join(dir, 'settings');
  try {
    process.stderr.write(`gpu bench: preparing ${options.photos} (import, analysis, default generator)\n`);
    await prepare(dir, options.photos);
    const results: Measurement[] = [];
    for (const provider of options.providers) {
      for (const [i, batch] of options.batches.entries()) {
        process.stderr.write(`gpu bench: ${provider}, batch ${batch}\n`);
        const run = spawnSync(
          process.execPath,
          [
            '--import',
            'tsx',
            fileURLToPath(import.meta.url),
            '--child',
            dir,
            provider,
            String(batch),
            i === 0 ? '1' : '0',
            String(options.variants),
          ],
          {
            cwd: repoRoot,
            encoding: 'utf8',
            env: { ...process.env, LIKENESS_EP: provider, LIKENESS_BATCH: String(batch), LIKENESS_HOME: join(dir, 'settings') },
            maxBuffer: 64 * 2 ** 20,
          },
        );
        const line = run.stdout.split('\n').find((l) => l.startsWith('@@'));
        if (run.status !== 0 || !line)
          throw new Error(`${provider} at batch ${batch} failed:\n${run.stderr.trim().split('\n').slice(-5).join('\n')}`);
        results.push(JSON.parse(line.slice(2)) as Measurement);
      }
    }
    process.stderr.write('gpu bench: bare inference\n');
    report(options, results, await bareInference(options.providers, options.batches));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function report(options: Options, results: Measurement[], bare: BareInference[]): void {
  const find = (provider: string, batch: number) => results.find((r) => r.provider === provider && r.batch === batch);
  const analysisOf = (provider: string) => results.find((r) => r.provider === provider && r.analysis)?.analysis ?? null;
  const baseline = 'cpu';
  const rows = options.batches.map((batch) => {
    const row: Record<string, number | string | null> = { batch };
    for (const provider of options.providers) row[`${provider} variants/s`] = round(find(provider, batch)?.synthesis.perSecond);
    for (const provider of options.providers.filter((p) => p !== baseline)) {
      const cpu = find(baseline, batch)?.synthesis.perSecond;
      const other = find(provider, batch)?.synthesis.perSecond;
      row[`${provider}/${baseline}`] = cpu && other ? round(other / cpu) : null;
    }
    return row;
  });
  const analysis = Object.fromEntries(options.providers.map((p) => [p, analysisOf(p)]));
  const cpuAnalysis = analysisOf(baseline)?.perSecond;
  const analysisRatio = Object.fromEntries(
    options.providers
      .filter((p) => p !== baseline)
      .map((p) => [`${p}/${baseline}`, cpuAnalysis && analysisOf(p) ? round(analysisOf(p)!.perSecond / cpuAnalysis) : null]),
  );
  console.log(
    `analysis (images/s, one photo per inference): ${JSON.stringify(Object.fromEntries(Object.entries(analysis).map(([p, a]) => [p, round(a?.perSecond)])))} ${JSON.stringify(analysisRatio)}`,
  );
  console.log('synthesis (variants/s by inference batch):');
  console.table(rows);
  const inference = bare
    .filter((b) => b.provider === 'cpu')
    .map((cpu) => {
      const row: Record<string, number | string | null> = { model: cpu.model, batch: cpu.batch, 'cpu ms/face': round(cpu.msPerFace) };
      for (const other of bare.filter((b) => b.provider !== 'cpu' && b.model === cpu.model && b.batch === cpu.batch)) {
        row[`${other.provider} ms/face`] = round(other.msPerFace);
        row[`${other.provider} speed-up`] = round(cpu.msPerFace / other.msPerFace);
      }
      return row;
    });
  console.log('bare inference (ms per face, random input):');
  console.table(inference);
  const path = writeBenchResult('gpu', {
    gpu: process.env.LIKENESS_GPU ?? null,
    photos: options.photos,
    variantsPerSource: options.variants,
    analysis,
    analysisRatio,
    synthesis: rows,
    inference,
    runs: results,
  });
  console.log(`written ${path}`);
}

function round(value: number | null | undefined): number | null {
  return value === null || value === undefined ? null : Math.round(value * 1000) / 1000;
}

if (isEntryPoint(import.meta.url)) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`gpu bench: ${(error as Error).message}\n`);
    process.exitCode = 1;
  });
}
