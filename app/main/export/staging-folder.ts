import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * A folder built beside its destination and renamed into place at the end, so the destination is
 * either absent, the previous complete export, or the new complete export — never half of one.
 * Names carry the writer's pid, so a later run can tell a crashed writer's leftovers from a live one's.
 */
export class StagingFolder {
  readonly destination: string;
  readonly path: string;

  private constructor(destination: string, path: string) {
    this.destination = destination;
    this.path = path;
  }

  static async begin(destination: string): Promise<StagingFolder> {
    const parent = dirname(destination);
    await mkdir(parent, { recursive: true });
    await recoverStale(destination);
    const staging = new StagingFolder(destination, join(parent, leftoverName(destination, 'tmp')));
    await mkdir(staging.path);
    return staging;
  }

  /** Moves the finished folder into place; an existing destination is swapped out, then removed. */
  async commit(): Promise<void> {
    if (!existsSync(this.destination)) {
      await rename(this.path, this.destination);
      return;
    }
    const old = join(dirname(this.destination), leftoverName(this.destination, 'old'));
    await rename(this.destination, old);
    await rename(this.path, this.destination);
    await rm(old, { recursive: true, force: true });
  }

  async discard(): Promise<void> {
    await rm(this.path, { recursive: true, force: true });
  }
}

function leftoverName(destination: string, kind: 'tmp' | 'old'): string {
  return `.${basename(destination)}.likeness-${kind}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/**
 * Cleans what a killed writer left beside `destination`: its half-written folder is deleted; a
 * previous export it had moved aside but not yet replaced is put back, since nothing replaced it.
 */
export async function recoverStale(destination: string): Promise<void> {
  const parent = dirname(destination);
  const pattern = new RegExp(`^\\.${escapeRegExp(basename(destination))}\\.likeness-(tmp|old)-(\\d+)-[0-9a-f]+$`);
  let names: string[];
  try {
    names = await readdir(parent);
  } catch {
    return;
  }
  for (const name of names.sort()) {
    const match = pattern.exec(name);
    if (!match || isAlive(Number(match[2]))) continue;
    const path = join(parent, name);
    if (match[1] === 'old' && !existsSync(destination)) await rename(path, destination);
    else await rm(path, { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
