import { randomBytes } from 'node:crypto';
import { renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * A fresh temporary name beside `path` for write-then-rename. Unique per call, so processes writing
 * the same file at once (the app and a CLI, shard workers sharing a settings folder) never rename each
 * other's half-written temp; the leading dot keeps it out of listings and lets folders drop strays.
 */
export function temporaryBeside(path: string): string {
  return join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`);
}

/** Writes `data` to `path` so a reader or a kill sees the old file or the new one, never half of one. */
export function writeFileAtomicSync(path: string, data: string): void {
  const temp = temporaryBeside(path);
  writeFileSync(temp, data);
  renameSync(temp, path);
}
