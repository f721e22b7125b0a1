import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { ApiError } from '../../api/errors.ts';

interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
}

/**
 * One process owns a project at a time. SQLite alone would let two processes write safely, but two
 * job queues resuming the same jobs would not be; the lock file makes a second opener fail clearly.
 */
export class ProjectLock {
  readonly path: string;
  #held = false;

  private constructor(path: string) {
    this.path = path;
  }

  static acquire(projectPath: string): ProjectLock {
    const lock = new ProjectLock(`${projectPath}.lock`);
    lock.#take();
    return lock;
  }

  #take(): void {
    const owner: LockOwner = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
    for (let attempt = 0; attempt < 2; attempt += 1) {
      try {
        const fd = openSync(this.path, 'wx');
        writeSync(fd, JSON.stringify(owner));
        closeSync(fd);
        this.#held = true;
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const holder = readOwner(this.path);
        if (holder && isAlive(holder)) {
          throw new ApiError(
            'PROJECT_IN_USE',
            `${this.path.slice(0, -'.lock'.length)} is in use by process ${holder.pid} on ${holder.host} since ${holder.since}`,
            holder,
          );
        }
        unlinkSync(this.path);
      }
    }
    throw new ApiError('PROJECT_IN_USE', `could not take the lock ${this.path}`);
  }

  release(): void {
    if (!this.#held) return;
    this.#held = false;
    try {
      unlinkSync(this.path);
    } catch {
      // Already gone: nothing else to release.
    }
  }
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
  // A lock from another machine (a project on a network share) cannot be checked: respect it.
  if (owner.host !== hostname()) return true;
  if (owner.pid === process.pid) return true;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
