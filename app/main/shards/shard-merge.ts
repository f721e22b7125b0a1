import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rename } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { temporaryBeside } from '../core/atomic-file.ts';
import type { ProjectDatabase } from '../project/project-database.ts';
import type { ProjectSession } from '../project/project-session.ts';
import { analysisCounts } from '../vision/analysis-store.ts';
import { AnalyzeParams, finishAnalysis } from '../vision/analyze-job.ts';
import { openReadOnly } from './shard-cut.ts';
import { readManifest, WORK_FILE, type ShardManifest } from './shard-manifest.ts';
import { TableRows, type Row } from './table-rows.ts';

export interface MergeReport {
  readonly shards: number;
  /** New in the project: analysed images, variants, skipped variants, media files. */
  readonly images: number;
  readonly variants: number;
  readonly skips: number;
  readonly mediaFiles: number;
}

interface OpenShard {
  readonly dir: string;
  readonly manifest: ShardManifest;
  readonly db: ProjectDatabase;
  readonly rows: TableRows;
}

/**
 * Folds finished shards into the project. Media first (write-then-rename, skipping files already
 * there with the same bytes), then every row in one transaction, so a kill leaves the project as it
 * was or fully merged, and a rerun completes it. Rows are matched by what identifies them (an image's
 * analysis, a variant's job, source and ordinal), so merging a shard again adds nothing; they are
 * inserted in the order one process would have written them, so ids come out the same too.
 */
export async function mergeShards(session: ProjectSession, dirs: readonly string[]): Promise<MergeReport> {
  const shards = dirs.map((dir) => openShard(session, dir));
  try {
    let mediaFiles = 0;
    for (const shard of shards) mediaFiles += await copyMedia(`${join(shard.dir, WORK_FILE)}.media`, session.media.root);
    const counts = { images: 0, variants: 0, skips: 0 };
    session.db.transaction(() => {
      counts.images = mergeAnalyses(
        session.db,
        shards.filter((s) => s.manifest.kind === 'analyze'),
      );
      const synthesis = mergeVariants(
        session.db,
        shards.filter((s) => s.manifest.kind === 'synthesize'),
      );
      counts.variants = synthesis.variants;
      counts.skips = synthesis.skips;
    })();
    return { shards: shards.length, mediaFiles, ...counts };
  } finally {
    for (const shard of shards) shard.db.close();
  }
}

function openShard(session: ProjectSession, rawDir: string): OpenShard {
  const dir = resolve(rawDir);
  const manifest = readManifest(dir);
  if (!manifest) throw new Error(`${dir}: no shard.json; not a shard folder (or its worker was killed before it began)`);
  const name = `${dir} (${manifest.kind} shard ${manifest.shard.index}/${manifest.shard.count})`;
  if (!manifest.complete) throw new Error(`${name} is not finished; run its worker again, it resumes`);
  const createdAt = session.db.prepare("SELECT value FROM project_meta WHERE key = 'created_at'").pluck().get() as string | undefined;
  if (manifest.project.createdAt !== (createdAt ?? '')) throw new Error(`${name} was cut from another project (${manifest.project.path})`);
  const version = session.db.pragma('user_version', { simple: true }) as number;
  if (manifest.project.schemaVersion !== version) {
    throw new Error(`${name} was made at schema v${manifest.project.schemaVersion}, the project is at v${version}; run the workers again`);
  }
  const workPath = join(dir, WORK_FILE);
  if (!existsSync(workPath)) throw new Error(`${name}: ${WORK_FILE} is missing`);
  const db = openReadOnly(workPath);
  return { dir, manifest, db, rows: new TableRows(db) };
}

/** Copies every file a worker wrote (links to the project's own media are not followed). Returns how many were new. */
async function copyMedia(from: string, to: string): Promise<number> {
  if (!existsSync(from)) return 0;
  let copied = 0;
  const walk = async (rel: string): Promise<void> => {
    for (const entry of await readdir(join(from, rel), { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const path = join(rel, entry.name);
      if (entry.isDirectory()) await walk(path);
      if (!entry.isFile()) continue;
      const target = join(to, path);
      const bytes = await readFile(join(from, path));
      if (existsSync(target) && bytes.equals(await readFile(target))) continue;
      await mkdir(dirname(target), { recursive: true });
      const temp = temporaryBeside(target);
      await copyFile(join(from, path), temp);
      await rename(temp, target);
      copied += 1;
    }
  };
  await walk('');
  return copied;
}

/** Analyses the project lacks, in image order across all shards, then the centroids and primary faces as after one run. */
function mergeAnalyses(db: ProjectDatabase, shards: readonly OpenShard[]): number {
  if (shards.length === 0) return 0;
  const project = new TableRows(db);
  const analysed = db.prepare('SELECT 1 FROM analyses WHERE image_id = ?').pluck();
  const pending = new Map<number, OpenShard>();
  for (const shard of shards) {
    for (const imageId of shard.manifest.imageIds) {
      if (pending.has(imageId) || analysed.get(imageId)) continue;
      if (shard.rows.select('analyses', 'image_id', imageId).length > 0) pending.set(imageId, shard);
    }
  }
  const imageIds = [...pending.keys()].sort((a, b) => a - b);
  const faceChildren = project.children('faces').filter((c) => c.table !== 'variants');
  for (const imageId of imageIds) {
    const shard = pending.get(imageId)!;
    project.insert('analyses', shard.rows.select('analyses', 'image_id', imageId)[0]);
    const faces = shard.rows.select('faces', 'image_id', imageId).sort((a, b) => Number(a.face_index) - Number(b.face_index));
    for (const face of faces) {
      const faceId = project.insert('faces', face, { fresh: 'id' }).id;
      for (const { table, column } of faceChildren) {
        for (const row of shard.rows.select(table, column, face.id))
          project.insert(table, { ...row, [column]: faceId }, { fresh: ownKey(project, table, column) });
      }
    }
  }
  if (imageIds.length === 0) return 0;
  finishAnalysis(db, imageIds);
  recordJob(db, shards[0], 'analyze', analyzeParams(shards[0]), () => {
    const counts = analysisCounts(db);
    return { done: counts.analyzed, total: counts.images, complete: counts.pending === 0 };
  });
  return imageIds.length;
}

/** A child table's own surrogate key (its INTEGER PRIMARY KEY, unless that is the reference itself). */
function ownKey(rows: TableRows, table: string, reference: string): string | null {
  const key = rows.shape(table).rowidKey;
  return key === reference ? null : key;
}

/** The params the shard's job ran with, less its slice: what a single run's job row holds. */
function analyzeParams(shard: OpenShard): string {
  const row = shard.db.prepare('SELECT params FROM jobs WHERE id = ?').pluck().get(shard.manifest.jobId) as string | undefined;
  const { shard: _slice, ...params } = AnalyzeParams.parse(JSON.parse(row ?? '{}'));
  return JSON.stringify(params);
}

/** Variants and skips of each sharded synthesize run, under the run's one job id, in source then ordinal order. */
function mergeVariants(db: ProjectDatabase, shards: readonly OpenShard[]): { variants: number; skips: number } {
  const project = new TableRows(db);
  const exists = db.prepare('SELECT 1 FROM variants WHERE job_id = ? AND source_image_id = ? AND ordinal = ?').pluck();
  const skipExists = db.prepare('SELECT 1 FROM variant_skips WHERE job_id = ? AND source_image_id = ? AND ordinal = ?').pluck();
  const packByHash = db.prepare('SELECT id FROM packs WHERE hash = ?').pluck();
  const variantChildren = project.children('variants');
  let variants = 0;
  let skips = 0;
  const byJob = new Map<number, OpenShard[]>();
  for (const shard of shards) {
    if (shard.manifest.jobId !== null) byJob.set(shard.manifest.jobId, [...(byJob.get(shard.manifest.jobId) ?? []), shard]);
  }
  for (const [jobId, group] of byJob) {
    const first = group[0];
    const fresh: { row: Row; shard: OpenShard }[] = [];
    const seen = new Set<string>();
    for (const shard of group) {
      if (!isDeepStrictEqual(shard.manifest.request, first.manifest.request)) {
        throw new Error(`${shard.dir} and ${first.dir} both ran job ${jobId} with different requests; they come from different runs`);
      }
      for (const row of shard.rows.select('variants', 'job_id', jobId)) {
        const key = `${String(row.source_image_id)}/${String(row.ordinal)}`;
        // The same shard named twice on one command line counts once.
        if (!seen.has(key) && !exists.get(jobId, row.source_image_id, row.ordinal)) fresh.push({ row, shard });
        seen.add(key);
      }
    }
    const skipped = group
      .flatMap((shard) => shard.rows.select('variant_skips', 'job_id', jobId))
      .filter((row) => !skipExists.get(jobId, row.source_image_id, row.ordinal));
    if (fresh.length === 0 && skipped.length === 0) continue;
    const params = JSON.stringify(first.manifest.request);
    recordJob(db, first, 'synthesize', params, () => ({ done: 0, total: 0, complete: false }));
    // A single run plans sources in face order (ProjectFaceSource), then ordinals; variants and skips are written in that order.
    const sourceFace = db.prepare('SELECT id FROM faces WHERE image_id = ? AND is_primary = 1').pluck();
    const position = (row: Row) => [Number(sourceFace.get(row.source_image_id) ?? row.source_image_id), Number(row.ordinal)];
    const byPlan = (a: Row, b: Row) => {
      const [fa, oa] = position(a);
      const [fb, ob] = position(b);
      return fa - fb || oa - ob;
    };
    fresh.sort((a, b) => byPlan(a.row, b.row));
    for (const { row, shard } of fresh) {
      // Relights and pose turns are rendered without a generator, so their pack is null.
      const hash =
        row.pack_id === null
          ? null
          : (shard.db.prepare('SELECT hash FROM packs WHERE id = ?').pluck().get(row.pack_id) as string | undefined);
      const packId = hash === null ? null : hash === undefined ? undefined : (packByHash.get(hash) as number | undefined);
      if (packId === undefined) {
        throw new Error(
          `${shard.dir}: its variants come from a generator pack (${hash ?? `id ${String(row.pack_id)}`}) this project does not hold`,
        );
      }
      const variantId = project.insert('variants', { ...row, pack_id: packId }, { fresh: 'id' }).id;
      for (const { table, column } of variantChildren) {
        for (const child of shard.rows.select(table, column, row.id)) {
          project.insert(table, { ...child, [column]: variantId }, { fresh: ownKey(project, table, column) });
        }
      }
      variants += 1;
    }
    for (const row of skipped.sort(byPlan)) skips += project.insert('variant_skips', row, { orIgnore: true }).changes;
    const total = first.manifest.counts.runTotal ?? 0;
    recordJob(db, first, 'synthesize', params, () => {
      const done = db
        .prepare('SELECT (SELECT count(*) FROM variants WHERE job_id = @job) + (SELECT count(*) FROM variant_skips WHERE job_id = @job)')
        .pluck()
        .get({ job: jobId }) as number;
      return { done, total, complete: done >= total };
    });
  }
  return { variants, skips };
}

/**
 * The job the shards ran, as the project's jobs list shows it: under the workers' job id, which is
 * what a single run would have got, unless the project has since used that id for another job.
 * A synthesize run's id is part of its variants' keys, so there it must be free or this very run.
 * A run merged in part stays `cancelled`: resuming it in the app makes the missing variants here.
 */
function recordJob(
  db: ProjectDatabase,
  shard: OpenShard,
  kind: 'analyze' | 'synthesize',
  params: string,
  progress: () => { done: number; total: number; complete: boolean },
): void {
  const jobId = shard.manifest.jobId!;
  const existing = db.prepare('SELECT kind, params FROM jobs WHERE id = ?').get(jobId) as { kind: string; params: string } | undefined;
  const worker = shard.db.prepare('SELECT created_at, started_at, finished_at FROM jobs WHERE id = ?').get(jobId) as Row | undefined;
  const now = new Date().toISOString();
  let id = jobId;
  if (!existing) {
    db.prepare(
      "INSERT INTO jobs (id, kind, params, state, created_at, started_at, finished_at) VALUES (?, ?, ?, 'cancelled', ?, ?, ?)",
    ).run(jobId, kind, params, worker?.created_at ?? now, worker?.started_at ?? now, worker?.finished_at ?? now);
  } else if (existing.kind !== kind || (kind === 'synthesize' && !isDeepStrictEqual(JSON.parse(existing.params), JSON.parse(params)))) {
    if (kind === 'synthesize') {
      throw new Error(
        `job ${jobId} of this project is another ${existing.kind} job, made after the shards were cut; run the workers again from the project as it is now`,
      );
    }
    id = Number(
      db
        .prepare("INSERT INTO jobs (kind, params, state, created_at, started_at, finished_at) VALUES (?, ?, 'cancelled', ?, ?, ?)")
        .run(kind, params, worker?.created_at ?? now, worker?.started_at ?? now, now).lastInsertRowid,
    );
  }
  const { done, total, complete } = progress();
  db.prepare('UPDATE jobs SET state = ?, done = ?, total = ?, message = ?, finished_at = ? WHERE id = ?').run(
    complete ? 'done' : 'cancelled',
    done,
    total,
    complete ? `merged from ${shard.manifest.shard.count} shards` : `merged in part from shards; ${total - done} left`,
    now,
    id,
  );
}
