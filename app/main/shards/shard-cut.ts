import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { isDeepStrictEqual } from 'node:util';
import { APPLICATION_ID, type ProjectDatabase } from '../project/project-database.ts';
import { migrations } from '../project/schema/index.ts';
import { readManifest, SHARD_FORMAT, WORK_FILE, writeManifest, type ShardManifest } from './shard-manifest.ts';
import { sliceImageIds, type ShardSpec } from './shard-slice.ts';

export interface ShardRun {
  readonly projectPath: string;
  /** The shard folder this worker writes; nothing else is written. */
  readonly dir: string;
  /** Refuses a run that cannot succeed, on the snapshot, before the folder becomes a shard. */
  readonly check?: (project: ProjectDatabase, projectPath: string) => void;
  readonly kind: ShardManifest['kind'];
  readonly shard: ShardSpec;
  readonly request: Record<string, unknown>;
}

export interface CutShard {
  readonly manifest: ShardManifest;
  readonly workPath: string;
  /** The folder held this run's shard already (a worker restarted by its scheduler picks up where it stopped). */
  readonly resumed: boolean;
}

/**
 * Starts (or finds again) a worker's shard: a folder with the manifest and a snapshot of the project
 * database that the ordinary job handlers then run on. The project itself is only read (its file
 * copied), so any number of workers can cut shards from a project on a read-only mount; it must not
 * be written while they do.
 */
export async function cutShard(run: ShardRun): Promise<CutShard> {
  const dir = resolve(run.dir);
  const projectPath = resolve(run.projectPath);
  const workPath = join(dir, WORK_FILE);
  const existing = readManifest(dir);
  if (existing) {
    const same =
      existing.kind === run.kind &&
      isDeepStrictEqual(existing.shard, run.shard) &&
      isDeepStrictEqual(existing.request, run.request) &&
      existing.project.path === projectPath;
    if (!same) {
      throw new Error(
        `${dir} holds shard ${existing.shard.index}/${existing.shard.count} of another ${existing.kind} run of ${existing.project.path}; ` +
          'give each run its own --out folder',
      );
    }
    return { manifest: existing, workPath, resumed: true };
  }
  const strays = existsSync(dir) ? readdirSync(dir) : [];
  // What a cut killed before its manifest leaves behind is redone; anything else is not ours to overwrite.
  if (strays.some((name) => !name.startsWith(WORK_FILE))) {
    throw new Error(`${dir} exists and is not a shard folder; give an empty or new --out folder`);
  }
  for (const name of strays) rmSync(join(dir, name), { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });

  // A plain file copy, not an SQLite connection: the project's folder may be a read-only mount,
  // where SQLite cannot even read a WAL database (it needs to create the -shm file beside it).
  const temp = `${workPath}.tmp`;
  copyFileSync(projectPath, temp);
  if (existsSync(`${projectPath}-wal`)) copyFileSync(`${projectPath}-wal`, `${temp}-wal`);
  const db = new Database(temp, { fileMustExist: true });
  try {
    const schemaVersion = db.pragma('user_version', { simple: true }) as number;
    const latest = migrations.at(-1)!.version;
    if (db.pragma('application_id', { simple: true }) !== APPLICATION_ID) throw new Error(`${projectPath} is not a Likeness project`);
    if (schemaVersion !== latest) {
      throw new Error(
        `${projectPath} is at schema v${schemaVersion} and this build writes v${latest}: open it once with this build ` +
          '(for example `likeness info`) where the project is writable, then start the workers',
      );
    }
    run.check?.(db, projectPath);
    const createdAt = (db.prepare("SELECT value FROM project_meta WHERE key = 'created_at'").pluck().get() as string | undefined) ?? '';
    const manifest: ShardManifest = {
      format: SHARD_FORMAT,
      kind: run.kind,
      shard: { index: run.shard.index, count: run.shard.count },
      project: { path: projectPath, createdAt, schemaVersion },
      baseJobId: db.prepare('SELECT coalesce(max(id), 0) FROM jobs').pluck().get() as number,
      request: run.request,
      imageIds: sliceImageIds(db, run.shard),
      jobId: null,
      complete: false,
      counts: {},
    };
    db.close();
    renameSync(temp, workPath);
    if (run.kind === 'synthesize') linkProjectMedia(projectPath, workPath);
    // Last: a folder with a manifest is a usable shard, one without is a cut that was killed.
    writeManifest(dir, manifest);
    return { manifest, workPath, resumed: false };
  } catch (error) {
    if (db.open) db.close();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Synthesis reads the aligned crops and masks analysis stored: the copy's media folder links to the
 * project's (read only) and keeps its own `variants` folder, the one thing a synthesize job writes.
 */
function linkProjectMedia(projectPath: string, workPath: string): void {
  const source = `${projectPath}.media`;
  const target = `${workPath}.media`;
  mkdirSync(target, { recursive: true });
  if (!existsSync(source)) return;
  for (const entry of readdirSync(source)) {
    if (entry === 'variants' || entry.startsWith('.')) continue;
    symlinkSync(join(source, entry), join(target, entry));
  }
}

/** A finished shard's copy, read by the merge; the worker leaves it out of WAL mode, so a read-only mount serves. */
export function openReadOnly(path: string): ProjectDatabase {
  return new Database(path, { readonly: true, fileMustExist: true });
}
