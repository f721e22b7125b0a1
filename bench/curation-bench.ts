/**
 * Curation and export at scale, on real photos from ../shared/faces, at 10k and 100k variants:
 *  - decide + repaint in Chromium (bench/curation-repaint.ts): the real web host on the project, the
 *    built renderer, the curation keys pressed at the top of the grid and after jumps deep into it,
 *    each timed from the key press to the tile's DOM showing the decision and to the frame after it
 *    (p50/p95/max);
 *  - side by side, the service calls alone: a decision plus the re-query of what the grid shows, for
 *    the views a reviewer uses most (the page on screen; the group layout is reconciled lazily, at
 *    most once a second, and timed apart);
 *  - exporting 10k accepted variants, as a ratio to a plain `cp -r` of the same files.
 * The renderer is served from out/renderer: run `npm run build` first.
 * Run alone: npx tsx bench/curation-bench.ts [--sizes 10000,100000], or with the others: npm run bench
 * (writes bench/results/curation.json)
 */
import { seededUniform } from '../app/main/core/seeded-random.ts';
import { spawnSync } from 'node:child_process';
import { linkSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import type { PageSegment, VariantGroups, VariantViewInput } from '#api/curation.ts';
import { VariantView as VariantViewSchema } from '#api/curation.ts';
import { ExportSettings } from '#api/export.ts';
import { curationProgress } from '../app/main/curation/curation-progress.ts';
import { DecisionLog } from '../app/main/curation/decision-log.ts';
import { FIXTURE_EDITS, importSharedFaces, insertFixturePack, type FixtureImage } from '../app/main/curation/testing/variant-fixture.ts';
import { VariantQuery } from '../app/main/curation/variant-query.ts';
import { exportProject } from '../app/main/export/export-service.ts';
import { EventBus } from '../app/main/core/event-bus.ts';
import type { ProjectSession } from '../app/main/project/project-session.ts';
import { Workspace } from '../app/main/project/workspace.ts';
import { sharedFacesDir } from '../test/fixtures/shared-faces.ts';
import { isEntryPoint, writeBenchResult } from './bench-results.ts';
import { benchRepaint, summarize, type RepaintResult, type Timing } from './curation-repaint.ts';

const SIZES = [10_000, 100_000];
const EXPORT_FILES = 10_000;
const ITERATIONS = 200;
/** Decisions per place in Chromium (top, middle, deep), with an arrow key after every third. */
const DECISIONS_PER_PLACE = 40;
/** What one screen of the grid asks for: PagedWindow's page of 200 tiles. */
const PAGE = 200;

export interface CurationSizeResult {
  readonly variants: number;
  /** Giving every variant a file (real PNGs, see linkVariantFiles), before the runs. */
  readonly fixtureSeconds: number;
  /** Key press → the tile shows the decision, in Chromium through the web host. */
  readonly chromium: RepaintResult;
  /** The same decision as service calls alone: curation.decide's log write, then the re-query of the page on screen. */
  readonly decideAndRequery: Record<string, Timing>;
  /** The group layout alone; outside status-filtered views it is refreshed lazily (headers' counts). */
  readonly groupsMs: Record<string, Timing>;
  /** The progress counts, refreshed lazily after a burst of decisions. */
  readonly progressMs: Timing;
}

export interface CurationBenchResult {
  /** The headline numbers `npm run bench` prints. */
  readonly summary: {
    /** Page-side key press → tile painted with the decision, p95 ms, by variant count. */
    readonly keyToPaintP95Ms: Record<string, number>;
    /** Node-side keyboard.press → DOM shows it (CDP round trips included), p95 ms. */
    readonly pressToDomViaCdpP95Ms: Record<string, number>;
    /** Service calls alone, p95 ms in the grid's opening view (by source). */
    readonly decideAndRequeryP95Ms: Record<string, number>;
    readonly exportRatioToCopy: number;
    readonly exportFilesPerSecond: number;
  };
  readonly iterations: number;
  readonly sizes: readonly CurationSizeResult[];
  readonly export: {
    readonly files: number;
    readonly exportSeconds: number;
    readonly copySeconds: number;
    /** Median over five (copy, export) pairs of export time / copy time. */
    readonly ratioToCopy: number;
    readonly filesPerSecond: number;
  };
  readonly machine: { readonly cpus: number; readonly node: string };
}

const OPENING_VIEW = 'by source, synthesis order';
const views: Record<string, VariantViewInput> = {
  [OPENING_VIEW]: { groupBy: 'source' },
  'by identity, lowest identity score first': { groupBy: 'identity', sort: 'idToSource', direction: 'asc' },
  'undecided only, by source': { groupBy: 'source', filter: { statuses: ['unset'] } },
};

export async function benchCuration(sizes: readonly number[] = SIZES): Promise<CurationBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'likeness-curation-bench-'));
  try {
    const measured: CurationSizeResult[] = [];
    for (const size of sizes) measured.push(await benchSize(dir, size));
    const exported = await benchExport(dir);
    const bySize = (pick: (size: CurationSizeResult) => number) => Object.fromEntries(measured.map((s) => [s.variants, pick(s)]));
    return {
      summary: {
        keyToPaintP95Ms: bySize((s) => s.chromium.keyToPaint.p95),
        pressToDomViaCdpP95Ms: bySize((s) => s.chromium.pressToDomViaCdp.p95),
        decideAndRequeryP95Ms: bySize((s) => s.decideAndRequery[OPENING_VIEW].p95),
        exportRatioToCopy: exported.ratioToCopy,
        exportFilesPerSecond: exported.filesPerSecond,
      },
      iterations: ITERATIONS,
      sizes: measured,
      export: exported,
      machine: { cpus: cpus().length, node: process.version },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function openProject(dir: string, name: string): Promise<{ workspace: Workspace; session: ProjectSession }> {
  const workspace = new Workspace({ settingsDir: join(dir, 'settings'), events: new EventBus(), jobHandlers: () => [] });
  await workspace.open(join(dir, `${name}.likeness`), 'create');
  return { workspace, session: workspace.require() };
}

/**
 * Variant rows with spread scores, inserted directly (synthesising 100k variants takes hours on 2
 * cores; the grid reads the same tables either way), as bench/scale-bench.ts does.
 */
function insertVariantRows(
  session: ProjectSession,
  images: readonly FixtureImage[],
  count: number,
  fileKey: (i: number) => string,
): number[] {
  const packId = insertFixturePack(session.db);
  const insert = session.db.prepare(
    `INSERT INTO variants (source_image_id, identity_id, pack_id, ordinal, edit_kind, strength, seed, recipe, file_key,
       width, height, id_to_source, id_to_centroid, diversity, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 92, 112, ?, ?, ?, ?)`,
  );
  const random = seededUniform(7);
  const ids: number[] = [];
  const now = new Date().toISOString();
  session.db.transaction(() => {
    for (let i = 0; i < count; i += 1) {
      const image = images[i % images.length];
      const ordinal = Math.floor(i / images.length);
      const score = Math.round((0.1 + 0.85 * random()) * 1000) / 1000;
      ids.push(
        Number(
          insert.run(
            image.id,
            image.identityId,
            packId,
            ordinal,
            FIXTURE_EDITS[i % FIXTURE_EDITS.length],
            random(),
            i,
            '{}',
            fileKey(i),
            score,
            score - 0.03,
            random() * 0.3,
            now,
          ).lastInsertRowid,
        ),
      );
    }
  })();
  return ids;
}

/** Real, distinct-looking files: each photo at a few brightnesses, written under many keys. */
function variantLooks(images: readonly FixtureImage[]): Promise<Buffer[]> {
  return Promise.all(
    images.flatMap((image) =>
      [0.7, 0.9, 1.1, 1.3].map((brightness) =>
        sharp(join(sharedFacesDir, 'orl', image.relPath))
          .modulate({ brightness })
          .png()
          .toBuffer(),
      ),
    ),
  );
}

async function writeVariantFiles(session: ProjectSession, images: readonly FixtureImage[], count: number): Promise<void> {
  const looks = await variantLooks(images);
  for (let i = 0; i < count; i += 1) await session.media.write(`variants/bench-${i}.png`, looks[i % looks.length]);
}

/**
 * Every variant's file, as a hard link to one of the looks: writing 100k files takes minutes on a
 * loaded disk, and the grid serves and decodes the same bytes either way.
 */
async function linkVariantFiles(session: ProjectSession, images: readonly FixtureImage[], count: number): Promise<void> {
  const looks = await variantLooks(images);
  const lookPaths: string[] = [];
  for (const [j, look] of looks.entries()) {
    await session.media.write(`variants/bench-look-${j}.png`, look);
    lookPaths.push(session.media.pathOf(`variants/bench-look-${j}.png`));
  }
  const folders = new Set<string>();
  for (let i = 0; i < count; i += 1) {
    const path = session.media.pathOf(`variants/bench-${i}.png`);
    if (!folders.has(dirname(path))) {
      mkdirSync(dirname(path), { recursive: true });
      folders.add(dirname(path));
    }
    linkSync(lookPaths[i % lookPaths.length], path);
  }
}

async function benchSize(dir: string, variants: number): Promise<CurationSizeResult> {
  const name = `grid-${variants}`;
  const { workspace, session } = await openProject(dir, name);
  const images = importSharedFaces(session.db, 20, 10);
  const ids = insertVariantRows(session, images, variants, (i) => `variants/bench-${i}.png`);
  const fixtureStart = performance.now();
  await linkVariantFiles(session, images, variants);
  const fixtureSeconds = round((performance.now() - fixtureStart) / 1000);
  const log = new DecisionLog(session.db);
  const query = new VariantQuery(session.db);
  const random = seededUniform(11);
  // A reviewer has already decided a fifth of them.
  log.record('seed decisions', 'bench', () =>
    log.planSet(
      ids.filter((_, i) => i % 5 === 0),
      'accepted',
    ),
  );

  const decideAndRequery: Record<string, Timing> = {};
  const groupsMs: Record<string, Timing> = {};
  for (const [viewName, input] of Object.entries(views)) {
    const view = VariantViewSchema.parse(input);
    let groups = query.groups(view);
    const withDecision: number[] = [];
    const layout: number[] = [];
    for (let i = 0; i < ITERATIONS; i += 1) {
      const variantId = ids[Math.floor(random() * ids.length)];
      const status = random() < 0.5 ? 'accepted' : 'rejected';
      const start = performance.now();
      log.record(`bench ${i}`, 'bench', () => log.planSet([variantId], status));
      query.page(view, visibleSegments(groups, random()));
      withDecision.push(performance.now() - start);
      const again = performance.now();
      groups = query.groups(view);
      layout.push(performance.now() - again);
    }
    decideAndRequery[viewName] = summarize(withDecision);
    groupsMs[viewName] = summarize(layout);
  }
  const progress: number[] = [];
  for (let i = 0; i < 30; i += 1) {
    const start = performance.now();
    curationProgress(session.db);
    progress.push(performance.now() - start);
  }
  const projectPath = session.path;
  await workspace.close();
  // The project closed here, the host opens it in its own process, as `likeness serve` would.
  const chromium = await benchRepaint(projectPath, join(dir, `home-${variants}`), { decisionsPerPlace: DECISIONS_PER_PLACE });
  return { variants, fixtureSeconds, chromium, decideAndRequery, groupsMs, progressMs: summarize(progress) };
}

/** The page of tiles at a scroll position, split by group as the renderer's layout splits it. */
function visibleSegments({ groups, total }: VariantGroups, position: number): PageSegment[] {
  let offset = Math.floor(position * Math.max(0, total - PAGE));
  const segments: PageSegment[] = [];
  let wanted = PAGE;
  for (const group of groups) {
    if (wanted === 0) break;
    if (offset >= group.count) {
      offset -= group.count;
      continue;
    }
    const limit = Math.min(wanted, group.count - offset);
    segments.push({ groupKey: group.key, offset, limit });
    wanted -= limit;
    offset = 0;
  }
  return segments;
}

async function benchExport(dir: string): Promise<CurationBenchResult['export']> {
  const { workspace, session } = await openProject(dir, 'export');
  const images = importSharedFaces(session.db, 10, 10);
  const ids = insertVariantRows(session, images, EXPORT_FILES, (i) => `variants/bench-${i}.png`);
  await writeVariantFiles(session, images, EXPORT_FILES);
  const log = new DecisionLog(session.db);
  log.record('accept all', 'bench', () => log.planSet(ids, 'accepted'));

  const copyFrom = join(session.media.root, 'variants');
  const copy = (n: number): number => {
    const target = join(dir, `copy-${n}`);
    const start = performance.now();
    const result = spawnSync('cp', ['-r', copyFrom, target]);
    if (result.status !== 0) throw new Error(`cp failed: ${result.stderr}`);
    return (performance.now() - start) / 1000;
  };
  const exportOnce = async (n: number): Promise<number> => {
    const settings = ExportSettings.parse({
      destination: join(dir, `export-${n}`),
      originals: 'none',
      formats: ['imagefolder', 'huggingface', 'csv'],
    });
    const start = performance.now();
    await exportProject(session, settings);
    return (performance.now() - start) / 1000;
  };
  copy(0); // warms the page cache for both
  // Each export is timed right after its own copy: the disk's state drifts between runs, and
  // adjacent pairs see the same conditions, so the median of per-pair ratios is what is stable.
  const copies: number[] = [];
  const exports: number[] = [];
  const ratios: number[] = [];
  for (let round = 1; round <= 5; round += 1) {
    copies.push(copy(round));
    exports.push(await exportOnce(round));
    ratios.push(exports[exports.length - 1] / copies[copies.length - 1]);
  }
  await workspace.close();
  const exportSeconds = median(exports);
  return {
    files: EXPORT_FILES,
    exportSeconds: round(exportSeconds),
    copySeconds: round(median(copies)),
    ratioToCopy: round(median(ratios)),
    filesPerSecond: Math.round(EXPORT_FILES / exportSeconds),
  };
}

function median(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

if (isEntryPoint(import.meta.url)) {
  const { values } = parseArgs({ options: { sizes: { type: 'string', default: SIZES.join(',') } } });
  const result = await benchCuration(values.sizes.split(',').map(Number));
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`written to ${writeBenchResult('curation', result)}\n`);
}
