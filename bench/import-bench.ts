/**
 * Import throughput on the real photos in ../shared/faces (all three sets, imported as one folder),
 * beside what sharp alone does with the same files in the same run: read, decode, auto-orient,
 * raw output, with the same number of files in flight. The ratio says how much of the decode
 * rate the import keeps after hashing, thumbnails, SQLite and its crash-safe one-row commits.
 * Each concurrency from 1 to 4 is measured, best of two; the headline figures use the import's default.
 * Run: npx tsx bench/import-bench.ts   (writes bench/results/import.json)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { datasetHandlers } from '../app/main/dataset/dataset-api.ts';
import { IMPORT_CONCURRENCY, importJobHandler } from '../app/main/dataset/import-job.ts';
import { planImport } from '../app/main/dataset/import-plan.ts';
import { decodeOptions } from '../app/main/dataset/image-inspect.ts';
import { mapInOrder } from '../app/main/dataset/ordered-pool.ts';
import { EventBus } from '../app/main/core/event-bus.ts';
import { Workspace } from '../app/main/project/workspace.ts';
import { sharedFacesDir } from '../test/fixtures/shared-faces.ts';
import { isEntryPoint, writeBenchResult } from './bench-results.ts';

const CONCURRENCIES = [1, 2, 3, 4];
/** Each figure is the best of this many runs: other work on the machine only ever slows a run down. */
const REPEATS = 2;

export interface ImportBenchRun {
  readonly concurrency: number;
  readonly importImagesPerSecond: number;
  readonly decodeImagesPerSecond: number;
  /** import ÷ decode. */
  readonly ratio: number;
}

export interface ImportBenchResult {
  readonly machine: { readonly cpus: number; readonly cpuModel: string; readonly node: string; readonly libvips: string };
  readonly files: number;
  readonly sets: Record<
    string,
    { readonly identities: number; readonly ok: number; readonly duplicates: number; readonly problems: number }
  >;
  readonly concurrency: number;
  readonly importImagesPerSecond: number;
  readonly decodeImagesPerSecond: number;
  readonly ratio: number;
  readonly runs: readonly ImportBenchRun[];
}

export async function benchImport(): Promise<ImportBenchResult> {
  const root = sharedFacesDir;
  const files = (await planImport({ layout: 'imagefolder', root }, new AbortController().signal))
    .filter((item) => item.problem === null)
    .map((item) => join(root, item.relPath));
  // Both passes read the files; warm the page cache first so neither pays for the first read.
  for (const file of files) readFileSync(file);

  const runs: ImportBenchRun[] = [];
  let sets: ImportBenchResult['sets'] = {};
  for (const concurrency of CONCURRENCIES) {
    let decodeSeconds = Infinity;
    let importSeconds = Infinity;
    for (let repeat = 0; repeat < REPEATS; repeat += 1) {
      decodeSeconds = Math.min(decodeSeconds, await timeDecode(files, concurrency));
      const imported = await timeImport(root, concurrency);
      if (imported.rows !== files.length) throw new Error(`import wrote ${imported.rows} rows for ${files.length} files`);
      importSeconds = Math.min(importSeconds, imported.seconds);
      sets = imported.sets;
    }
    const importRate = files.length / importSeconds;
    const decodeRate = files.length / decodeSeconds;
    runs.push({
      concurrency,
      importImagesPerSecond: round(importRate),
      decodeImagesPerSecond: round(decodeRate),
      ratio: round(importRate / decodeRate, 3),
    });
  }
  const headline = runs.find((run) => run.concurrency === IMPORT_CONCURRENCY)!;
  return {
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version, libvips: sharp.versions.vips },
    files: files.length,
    sets,
    concurrency: IMPORT_CONCURRENCY,
    importImagesPerSecond: headline.importImagesPerSecond,
    decodeImagesPerSecond: headline.decodeImagesPerSecond,
    ratio: headline.ratio,
    runs,
  };
}

async function timeDecode(files: readonly string[], concurrency: number): Promise<number> {
  const decode = async (file: string) =>
    sharp(await readFile(file), decodeOptions)
      .autoOrient()
      .raw()
      .toBuffer();
  const start = performance.now();
  for await (const pixels of mapInOrder(files, concurrency, decode)) if (pixels.length === 0) throw new Error('empty decode');
  return (performance.now() - start) / 1000;
}

async function timeImport(root: string, concurrency: number): Promise<{ seconds: number; rows: number; sets: ImportBenchResult['sets'] }> {
  const dir = mkdtempSync(join(tmpdir(), 'likeness-import-bench-'));
  const events = new EventBus();
  const workspace = new Workspace({
    settingsDir: dir,
    events,
    jobHandlers: (session) => [importJobHandler(session, events, { concurrency })],
  });
  try {
    await workspace.open(join(dir, 'bench.likeness'), 'create');
    const session = workspace.require();
    const start = performance.now();
    await datasetHandlers(workspace)['dataset.import']({ layout: 'imagefolder', root });
    await session.jobs.idle();
    const seconds = (performance.now() - start) / 1000;
    const perSet = session.db
      .prepare(
        `SELECT substr(rel_path, 1, instr(rel_path, '/') - 1) AS name, count(DISTINCT identity_id) AS identities,
                sum(status = 'ok') AS ok, sum(status = 'duplicate') AS duplicates, sum(status = 'error') AS problems
         FROM images GROUP BY name ORDER BY name`,
      )
      .all() as { name: string; identities: number; ok: number; duplicates: number; problems: number }[];
    const rows = perSet.reduce((sum, set) => sum + set.ok + set.duplicates + set.problems, 0);
    return { seconds, rows, sets: Object.fromEntries(perSet.map(({ name, ...counts }) => [name, counts])) };
  } finally {
    await workspace.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function round(value: number, digits = 1): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

if (isEntryPoint(import.meta.url)) {
  const out = writeBenchResult('import', await benchImport());
  process.stdout.write(readFileSync(out, 'utf8'));
}
