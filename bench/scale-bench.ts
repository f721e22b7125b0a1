/**
 * Scale: what a project keeps on disk against its photos, and whether the per-item cost of the
 * daily paths stays flat from 10k to 100k items.
 *
 *  1. Storage on ../shared/lfw/dev (or every k-th identity of it with --storage-every k): import and
 *     analyse through the API, then media bytes / dataset bytes and SQLite bytes / dataset bytes.
 *     The previous layout's figures are rebuilt in the same run from the same faces: the crop and
 *     validity PNGs it stored (the served crops are those pixels), the person mask at 8 bits (a lower
 *     bound: the stored mask is already quantised), and the database with float32 meshes in 4 kB pages.
 *  2. Scale fixture: lfw/dev photos, each copy given a seeded JPEG comment so its bytes and hash
 *     differ (the pixels, and so decode and thumbnail costs, are the real photo's), written under
 *     .tmp/scale-fixture (never committed). Per size: the real import job; then analysis rows and
 *     variant rows inserted directly (analysing 100k faces on 2 cores takes hours; the queries and
 *     pages read the same tables either way); then analysis queries, dataset grid paging and curation
 *     paging through the API (jumps spread over a group, and scrolls through the largest group seeking
 *     from the tile above each page, as the grid does), and an export job of every accepted variant —
 *     each as ms per 1k items.
 *
 * Run: npm run bench:scale [-- --sizes 10000,100000 --storage-every 1] (writes bench/results/scale.json)
 */
import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { ApiClient } from '#api/client.ts';
import type { PageAnchor, VariantViewInput } from '#api/curation.ts';
import { seededUniform } from '../app/main/core/seeded-random.ts';
import { FIXTURE_EDITS, insertFixturePack } from '../app/main/curation/testing/variant-fixture.ts';
import { createAppServices, type AppServices } from '../app/main/host/app-services.ts';
import { inProcessTransport } from '../app/main/host/in-process-transport.ts';
import { closeSharedInferenceClient } from '../app/main/inference/shared-inference-client.ts';
import { alignedCropKey, personMaskKey, validityMaskKey, variantKey } from '../app/main/media/media-keys.ts';
import type { ProjectSession } from '../app/main/project/project-session.ts';
import { encodeLandmarks, decodeLandmarks } from '../app/main/project/landmark-codec.ts';
import { encodePng } from '../app/main/vision/rgb-image.ts';
import { writeBenchResult } from './bench-results.ts';

const repo = resolve(import.meta.dirname, '..');
const lfwDev = resolve(repo, '../shared/lfw/dev');
const scratch = join(repo, '.tmp/scale-bench');
const PAGE = 200;
const PAGES_SAMPLED = 40;

interface StorageFigures {
  readonly photos: number;
  readonly faces: number;
  readonly datasetBytes: number;
  readonly after: { readonly mediaBytes: number; readonly sqliteBytes: number; readonly media: number; readonly sqlite: number };
  readonly before: { readonly mediaBytes: number; readonly sqliteBytes: number; readonly media: number; readonly sqlite: number };
  readonly mediaByKind: Record<string, number>;
  /** Bytes of each table and index of the new project's database (SQLite's dbstat). */
  readonly sqliteByTable: Record<string, number>;
}

interface SizeFigures {
  readonly items: number;
  /** Real import job over the fixture folder. */
  readonly importMsPer1k: number;
  /** vision.imageBadges for grid pages spread over the project, per 1k tiles. */
  readonly analysisQueriesMsPer1k: number;
  /** vision.summary once (counts over every image), and vision.identityFaces per identity (50 faces each). */
  readonly visionSummaryMs: number;
  readonly identityFacesMs: number;
  /** dataset.images pages spread over the whole grid, per 1k tiles served. */
  readonly datasetPagingMsPer1k: number;
  /**
   * curation.groups once: the grid's layout, one count over every variant the view filters, asked
   * once per refresh (coalesced to at most once a second), so a total like visionSummaryMs.
   */
  readonly curationGroupsMs: number;
  /** curation.page pages spread over all variants (jumps: no tile to seek from), per 1k tiles served. */
  readonly curationPagingMsPer1k: number;
  /**
   * Scrolling as the grid does: every page of the largest group in order, each seeking from the
   * last tile of the page before (the `after` anchor), per 1k tiles; by edit in natural order, and
   * undecided only, worst identity score first.
   */
  readonly curationScrollMsPer1k: number;
  readonly curationScrollUndecidedMsPer1k: number;
  /** The slowest single page of those scrolls: flat means the last page costs what the first does. */
  readonly curationScrollWorstPageMs: number;
  /**
   * The same paging figures in this process's CPU time (the services run in it): wall time of a
   * niced bench stretches with whatever else the machine runs, CPU time much less.
   */
  readonly cpuMsPer1k: {
    readonly datasetPaging: number;
    readonly curationPaging: number;
    readonly curationScroll: number;
    readonly curationScrollUndecided: number;
  };
  /** export job of every accepted variant (half of them), per 1k files written. */
  readonly exportMsPer1k: number;
  readonly exportedFiles: number;
}

export async function benchScale(options: { sizes: readonly number[]; storageEvery: number }): Promise<object> {
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  const storage = await benchStorage(options.storageEvery);
  const sizes: SizeFigures[] = [];
  for (const size of options.sizes) sizes.push(await benchSize(size));
  return {
    summary: {
      mediaToDataset: storage.after.media,
      sqliteToDataset: storage.after.sqlite,
      mediaToDatasetBefore: storage.before.media,
      sqliteToDatasetBefore: storage.before.sqlite,
      msPer1k: Object.fromEntries(sizes.map((s) => [s.items, s])),
    },
    storage: { dataset: options.storageEvery === 1 ? 'lfw/dev' : `lfw/dev, every ${options.storageEvery}th identity`, ...storage },
    sizes,
    fastPath:
      'analysis rows (one face, a packed mesh and a dlib embedding per image) and variant rows are inserted directly; import and every query run the product code',
    machine: { cpus: cpus().length, node: process.version },
  };
}

async function openServices(name: string): Promise<{ services: AppServices; client: ApiClient; session: () => ProjectSession }> {
  const services = createAppServices({ host: 'cli', settingsDir: join(scratch, 'settings'), log: () => undefined });
  const client = new ApiClient(inProcessTransport(services));
  await client.call('project.create', { path: join(scratch, `${name}.likeness`) });
  return { services, client, session: () => services.workspace.require() };
}

function filesUnder(dir: string, skip: (name: string) => boolean = () => false): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (skip(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const inner = filesUnder(path, skip);
      bytes += inner.bytes;
      files += inner.files;
    } else if (entry.isFile()) {
      bytes += statSync(path).size;
      files += 1;
    }
  }
  return { bytes, files };
}

function sqliteBytes(path: string): { bytes: number; byTable: Record<string, number> } {
  const db = new Database(path);
  db.pragma('wal_checkpoint(TRUNCATE)');
  const rows = db.prepare('SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC').all() as {
    name: string;
    bytes: number;
  }[];
  db.close();
  return { bytes: statSync(path).size, byTable: Object.fromEntries(rows.filter((r) => r.bytes > 8192).map((r) => [r.name, r.bytes])) };
}

async function benchStorage(every: number): Promise<StorageFigures> {
  if (!existsSync(lfwDev)) throw new Error(`lfw/dev not found at ${lfwDev} (expected ../shared/lfw/dev beside the checkout)`);
  let root = lfwDev;
  if (every > 1) {
    // A sample by identity: links to every k-th person's folder, so no photo is copied.
    root = join(scratch, 'lfw-sample');
    mkdirSync(root);
    readdirSync(lfwDev)
      .sort()
      .forEach((person, i) => {
        if ((i + 1) % every === 0) symlinkSync(join(lfwDev, person), join(root, person));
      });
  }
  const { services, client, session } = await openServices('storage');
  try {
    await client.call('dataset.import', { layout: 'imagefolder', root });
    await session().jobs.idle();
    await client.call('vision.analyze', {});
    await session().jobs.idle();
    const db = session().db;
    const { photos, datasetBytes } = db
      .prepare("SELECT count(*) AS photos, sum(bytes) AS datasetBytes FROM images WHERE status = 'ok'")
      .get() as { photos: number; datasetBytes: number };
    const media = session().media;
    const mediaByKind = Object.fromEntries(
      ['thumbs', 'masks', 'aligned', 'variants'].map((kind) => [kind, filesUnder(join(media.root, kind)).bytes]),
    );
    const mediaBytes = filesUnder(media.root, (name) => name === '.cache').bytes;
    const faces = db.prepare('SELECT id, image_id, face_index, landmarks FROM faces').all() as {
      id: number;
      image_id: number;
      face_index: number;
      landmarks: Buffer | null;
    }[];
    // The previous layout, rebuilt from the same faces.
    let legacyFaceBytes = 0;
    for (const face of faces) {
      for (const key of [alignedCropKey, validityMaskKey].map((k) => k(face.image_id, face.face_index))) {
        legacyFaceBytes += statSync(await media.resolve(key)).size;
      }
      const mask = await sharp(media.pathOf(personMaskKey(face.image_id, face.face_index)))
        .greyscale()
        .raw()
        .toBuffer({ resolveWithObject: true });
      legacyFaceBytes += (await encodePng({ width: mask.info.width, height: mask.info.height, data: mask.data })).length;
    }
    const projectPath = session().path;
    await services.workspace.close();
    const sqlite = sqliteBytes(projectPath);
    const after = { mediaBytes, sqliteBytes: sqlite.bytes };
    const legacyDb = join(scratch, 'legacy.likeness');
    copyFileSync(projectPath, legacyDb);
    const legacy = new Database(legacyDb);
    legacy.pragma('journal_mode = DELETE');
    legacy.pragma('page_size = 4096');
    const setMesh = legacy.prepare('UPDATE faces SET landmarks = ? WHERE id = ?');
    legacy.transaction(() => {
      for (const face of faces) {
        if (!face.landmarks) continue;
        const mesh = decodeLandmarks(face.landmarks);
        setMesh.run(Buffer.from(mesh.buffer, mesh.byteOffset, mesh.byteLength), face.id);
      }
    })();
    legacy.exec('VACUUM');
    legacy.close();
    const before = { mediaBytes: mediaByKind.thumbs + legacyFaceBytes, sqliteBytes: statSync(legacyDb).size };
    const ratio = (bytes: number) => Math.round((bytes / datasetBytes) * 1000) / 1000;
    return {
      photos,
      faces: faces.length,
      datasetBytes,
      after: { ...after, media: ratio(after.mediaBytes), sqlite: ratio(after.sqliteBytes) },
      before: { ...before, media: ratio(before.mediaBytes), sqlite: ratio(before.sqliteBytes) },
      mediaByKind,
      sqliteByTable: sqlite.byTable,
    };
  } finally {
    await services.shutdown();
  }
}

/** `count` photos in ImageFolder layout (50 a person), each an lfw/dev photo with a seeded comment segment after SOI. */
function scaleFixture(count: number): string {
  const root = join(repo, '.tmp/scale-fixture', String(count));
  const done = join(root, '.complete');
  if (existsSync(done)) return root;
  rmSync(root, { recursive: true, force: true });
  const photos = readdirSync(lfwDev)
    .sort()
    .flatMap((person) => readdirSync(join(lfwDev, person)).map((file) => join(lfwDev, person, file)));
  const random = seededUniform(count);
  const sources = photos.map((path) => readFileSync(path));
  for (let i = 0; i < count; i++) {
    const folder = join(root, `p${String(Math.floor(i / 50)).padStart(5, '0')}`);
    if (i % 50 === 0) mkdirSync(folder, { recursive: true });
    const jpeg = sources[i % sources.length];
    const note = Buffer.from(`likeness-scale ${i} ${random().toFixed(12)}`);
    const segment = Buffer.concat([Buffer.from([0xff, 0xfe, (note.length + 2) >> 8, (note.length + 2) & 255]), note]);
    writeFileSync(join(folder, `${i}.jpg`), Buffer.concat([jpeg.subarray(0, 2), segment, jpeg.subarray(2)]));
  }
  writeFileSync(done, '');
  return root;
}

/** One face, a packed mesh and a dlib embedding per image; half the variants accepted, a tenth rejected. */
function insertAnalysisAndVariants(session: ProjectSession, mesh: Buffer): number {
  const db = session.db;
  const random = seededUniform(11);
  const images = db.prepare("SELECT id, identity_id FROM images WHERE status = 'ok' ORDER BY id").all() as {
    id: number;
    identity_id: number;
  }[];
  const now = new Date().toISOString();
  const analysis = db.prepare(
    'INSERT INTO analyses (image_id, status, face_count, error, models, analyzed_at) VALUES (?, \'ok\', 1, NULL, \'["blazeface","dlib"]\', ?)',
  );
  const face = db.prepare(
    `INSERT INTO faces (image_id, face_index, box, score, landmarks, five_points, arcface_transform, generator_transform, quality, is_primary,
       centroid_similarity, outlier)
     VALUES (?, 0, '{"x":60,"y":70,"width":130,"height":130}', 0.98, ?, '[[100,110],[150,110],[125,140],[105,170],[145,170]]',
       '[[0.9,0,-30],[0,0.9,-40]]', '[[2,0,-120],[0,2,-150]]', ?, 1, ?, 0)`,
  );
  const embedding = db.prepare("INSERT INTO embeddings (face_id, model, vector) VALUES (?, 'dlib', ?)");
  const packId = insertFixturePack(db);
  const variant = db.prepare(
    `INSERT INTO variants (source_image_id, identity_id, pack_id, ordinal, edit_kind, strength, seed, recipe, file_key,
       width, height, id_to_source, id_to_centroid, diversity, created_at)
     VALUES (?, ?, ?, 0, ?, ?, ?, '{}', ?, 256, 256, ?, ?, ?, ?)`,
  );
  const decide = db.prepare("INSERT INTO decisions (variant_id, status, decided_by, decided_at) VALUES (?, ?, 'bench', ?)");
  db.transaction(() => {
    for (const [i, image] of images.entries()) {
      analysis.run(image.id, now);
      const faceId = Number(face.run(image.id, mesh, 0.5 + random() / 2, 0.4 + random() / 2).lastInsertRowid);
      const vector = Float32Array.from({ length: 128 }, () => random() - 0.5);
      embedding.run(faceId, Buffer.from(vector.buffer));
      const score = 0.1 + 0.85 * random();
      const id = Number(
        variant.run(
          image.id,
          image.identity_id,
          packId,
          FIXTURE_EDITS[i % FIXTURE_EDITS.length],
          random(),
          i,
          variantKey(0, image.id, 0),
          score,
          score - 0.03,
          random() * 0.3,
          now,
        ).lastInsertRowid,
      );
      const roll = random();
      if (roll < 0.5) decide.run(id, 'accepted', now);
      else if (roll < 0.6) decide.run(id, 'rejected', now);
    }
  })();
  return images.length;
}

function msPer1k(ms: number, items: number): number {
  return Math.round((ms / items) * 1000 * 100) / 100;
}

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; cpuMs: number; value: T }> {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const value = await run();
  const used = process.cpuUsage(cpu);
  return { ms: performance.now() - start, cpuMs: (used.user + used.system) / 1000, value };
}

async function benchSize(count: number): Promise<SizeFigures> {
  const fixture = scaleFixture(count);
  const { services, client, session } = await openServices(`scale-${count}`);
  try {
    const imported = await timed(async () => {
      await client.call('dataset.import', { layout: 'imagefolder', root: fixture });
      await session().jobs.idle();
    });
    const mesh = encodeLandmarks(Float32Array.from({ length: 468 * 3 }, (_, i) => 60 + ((i * 37) % 130)));
    const items = insertAnalysisAndVariants(session(), mesh);
    // Every variant shares one small file; the export copies it once per accepted variant.
    const png = await sharp({ create: { width: 256, height: 256, channels: 3, background: { r: 90, g: 80, b: 70 } } })
      .png()
      .toBuffer();
    const keys = session().db.prepare('SELECT file_key FROM variants').pluck().all() as string[];
    for (const key of keys) await session().media.write(key, png);

    const offsets = Array.from({ length: PAGES_SAMPLED }, (_, k) => Math.floor((k * Math.max(0, items - PAGE)) / (PAGES_SAMPLED - 1)));
    const identities = await client.call('dataset.identities', {});
    const summary = await timed(() => client.call('vision.summary', {}));
    const faces = await timed(async () => {
      for (const identity of identities.slice(0, 20))
        await client.call('vision.identityFaces', { identityId: identity.id, order: 'farthest' });
    });
    // Timed on the first pass over the grid, before the host has marked any position in it: the cold case.
    const pages: number[][] = [];
    const datasetPaging = await timed(async () => {
      for (const offset of offsets) pages.push((await client.call('dataset.images', { offset, limit: PAGE })).items.map((i) => i.id));
    });
    const badges = await timed(async () => {
      for (const imageIds of pages) await client.call('vision.imageBadges', { imageIds });
    });
    // Grouped by edit: a handful of groups of many thousand variants each, paged from first tile to last.
    const view = { groupBy: 'edit' as const };
    const curationGroups = await timed(() => client.call('curation.groups', { view }));
    const largestGroup = curationGroups.value.groups.reduce((a, g) => (g.count > a.count ? g : a));
    const curationPaging = await timed(async () => {
      for (let k = 0; k < PAGES_SAMPLED; k++) {
        const offset = Math.floor((k * Math.max(0, largestGroup.count - PAGE)) / (PAGES_SAMPLED - 1));
        await client.call('curation.page', { view, segments: [{ groupKey: largestGroup.key, offset, limit: PAGE }] });
      }
    });
    const scroll = async (view: VariantViewInput) => {
      const { groups } = await client.call('curation.groups', { view });
      const largest = groups.reduce((a, g) => (g.count > a.count ? g : a));
      let after: PageAnchor | undefined;
      let worst = 0;
      const all = await timed(async () => {
        for (let offset = 0; offset < largest.count; offset += PAGE) {
          const page = await timed(() =>
            client.call('curation.page', { view, segments: [{ groupKey: largest.key, offset, limit: PAGE, ...(after ? { after } : {}) }] }),
          );
          worst = Math.max(worst, page.ms);
          const items = page.value.segments[0].items;
          after = { variantId: items[items.length - 1].id, offset: offset + items.length - 1 };
        }
      });
      return { msPer1k: msPer1k(all.ms, largest.count), cpuMsPer1k: msPer1k(all.cpuMs, largest.count), worst };
    };
    const scrolled = await scroll({ groupBy: 'edit' });
    const undecided = await scroll({ groupBy: 'edit', sort: 'idToSource', direction: 'asc', filter: { statuses: ['unset'] } });
    const exported = await timed(async () => {
      const { jobId } = await client.call('export.start', {
        destination: join(scratch, `export-${count}`),
        formats: ['imagefolder'],
        originals: 'none',
      });
      await session().jobs.idle();
      return jobId;
    });
    const exportedFiles = filesUnder(join(scratch, `export-${count}`)).files;
    const tiles = offsets.length * PAGE;
    return {
      items,
      importMsPer1k: msPer1k(imported.ms, count),
      analysisQueriesMsPer1k: msPer1k(badges.ms, tiles),
      visionSummaryMs: Math.round(summary.ms * 100) / 100,
      identityFacesMs: Math.round((faces.ms / Math.min(20, identities.length)) * 100) / 100,
      datasetPagingMsPer1k: msPer1k(datasetPaging.ms, tiles),
      curationGroupsMs: Math.round(curationGroups.ms * 100) / 100,
      curationPagingMsPer1k: msPer1k(curationPaging.ms, tiles),
      curationScrollMsPer1k: scrolled.msPer1k,
      curationScrollUndecidedMsPer1k: undecided.msPer1k,
      curationScrollWorstPageMs: Math.round(Math.max(scrolled.worst, undecided.worst) * 100) / 100,
      cpuMsPer1k: {
        datasetPaging: msPer1k(datasetPaging.cpuMs, tiles),
        curationPaging: msPer1k(curationPaging.cpuMs, tiles),
        curationScroll: scrolled.cpuMsPer1k,
        curationScrollUndecided: undecided.cpuMsPer1k,
      },
      exportMsPer1k: msPer1k(exported.ms, exportedFiles),
      exportedFiles,
    };
  } finally {
    await services.shutdown();
    rmSync(join(scratch, `export-${count}`), { recursive: true, force: true });
  }
}

const { values } = parseArgs({
  options: { sizes: { type: 'string', default: '10000,100000' }, 'storage-every': { type: 'string', default: '1' } },
});
const sizes = values.sizes.split(',').map(Number);
const result = await benchScale({ sizes, storageEvery: Number(values['storage-every']) });
const path = writeBenchResult('scale', result);
await closeSharedInferenceClient();
// After the result is written: removing 100k projects' files takes minutes on a loaded disk.
rmSync(scratch, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify((result as { summary: object }).summary, null, 2)}\nwrote ${path}\n`);
