import { readFileSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import Database from 'better-sqlite3';
import { ApiError } from '#api/errors.ts';

interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
}

/**
 * One process owns a project at a time. SQLite alone would let two processes write safely, but two
 * job queues resuming the same jobs would not be. The lock is SQLite's own exclusive lock (a POSIX
 * advisory lock) on `<project>.lock`: the kernel grants it to one process atomically and drops it
 * when that process dies, so a crash leaves nothing stale to take over and no two processes can
 * both take over. The lock file stays on disk (deleting a lock file others may have open would let
 * two processes lock two different files); `<project>.lock-owner` names the holder for the "in use"
 * message and decides nothing.
 */
export class ProjectLock {
  readonly path: string;
  readonly #ownerPath: string;
  #db: Database.Database | null;

  private constructor(path: string, db: Database.Database) {
    this.path = path;
    this.#ownerPath = `${path}-owner`;
    this.#db = db;
  }

  /** `projectPath` must already be the real path (symlinks resolved): the lock is named from it. */
  static acquire(projectPath: string): ProjectLock {
    const path = `${projectPath}.lock`;
    for (let attempt = 0; ; attempt += 1) {
      const db = openLockFile(projectPath, path);
      try {
        db.pragma('locking_mode = EXCLUSIVE');
        // In EXCLUSIVE locking mode the lock BEGIN EXCLUSIVE takes is kept until the connection closes.
        db.exec('BEGIN EXCLUSIVE; COMMIT');
      } catch (error) {
        db.close();
        const code = (error as { code?: string }).code;
        if (code === 'SQLITE_BUSY') {
          // Two openers racing can both lose: in EXCLUSIVE mode the loser keeps its shared lock until it
          // closes, and a slow close outlasts the winner's wait. Without a live owner nobody holds the
          // project yet, so back off for a random moment and try again.
          const owner = readOwner(`${path}-owner`);
          if ((owner && isAlive(owner)) || attempt >= CONTENDED_ATTEMPTS) throw inUse(projectPath, owner);
          pause(5 + Math.random() * 45);
          continue;
        }
        if (code === 'SQLITE_NOTADB' && attempt < 3) {
          clearLegacyLock(projectPath, path);
          continue;
        }
        throw new ApiError(
          'PROJECT_INVALID',
          `${projectPath}: cannot take its lock file ${path} (${(error as Error).message}); if no Likeness process has the project open, delete that file`,
        );
      }
      const lock = new ProjectLock(path, db);
      lock.#writeOwner();
      return lock;
    }
  }

  #writeOwner(): void {
    const owner: LockOwner = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
    const temp = `${this.#ownerPath}.${process.pid}.tmp`;
    try {
      writeFileSync(temp, JSON.stringify(owner));
      renameSync(temp, this.#ownerPath);
    } catch {
      // Only the "in use" message of a later opener reads it.
    }
  }

  release(): void {
    if (!this.#db) return;
    // The owner file goes first: once the lock is released the next holder may write its own.
    rmSync(this.#ownerPath, { force: true });
    this.#db.close();
    this.#db = null;
  }
}

/** Tries while no live process owns the lock: about a second of backing off under contention. */
const CONTENDED_ATTEMPTS = 40;

function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function openLockFile(projectPath: string, path: string): Database.Database {
  try {
    // A holder keeps the lock for as long as it has the project open; a wait this short only rides
    // out another opener that holds it for an instant on its way to failing.
    return new Database(path, { timeout: 50 });
  } catch (error) {
    throw new ApiError('PROJECT_INVALID', `${projectPath}: cannot create its lock file ${path} (${(error as Error).message})`);
  }
}

function inUse(projectPath: string, owner: LockOwner | null): ApiError {
  if (!owner) return new ApiError('PROJECT_IN_USE', `${projectPath} is in use by another Likeness process`);
  return new ApiError('PROJECT_IN_USE', `${projectPath} is in use by process ${owner.pid} on ${owner.host} since ${owner.since}`, owner);
}

/**
 * Earlier builds wrote the lock as a JSON file of the same name. Its holder, if still running, owns
 * the project; otherwise the file is emptied in place (same inode, so every opener locks one file).
 * Anything else that is not SQLite is left for the retry: another opener may be emptying it now.
 */
function clearLegacyLock(projectPath: string, path: string): void {
  const owner = readOwner(path);
  if (!owner) return;
  if (isAlive(owner)) throw inUse(projectPath, owner);
  truncateSync(path, 0);
}

function readOwner(path: string): LockOwner | null {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockOwner>;
    if (typeof parsed.pid !== 'number' || typeof parsed.host !== 'string') return null;
    return { pid: parsed.pid, host: parsed.host, since: String(parsed.since ?? '') };
  } catch {
    return null;
  }
}

function isAlive(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return true;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
