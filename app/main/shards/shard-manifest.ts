import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

export const SHARD_FORMAT = 'likeness-shard/1';
export const MANIFEST_FILE = 'shard.json';
/** The worker's own copy of the project: where the unchanged job handlers write, never the project itself. */
export const WORK_FILE = 'work.likeness';

export const ShardManifest = z.object({
  format: z.literal(SHARD_FORMAT),
  kind: z.enum(['analyze', 'synthesize']),
  shard: z.object({ index: z.number().int().min(0), count: z.number().int().min(1) }),
  /** Which project the shard was cut from; merge refuses a shard of another project or schema. */
  project: z.object({ path: z.string(), createdAt: z.string(), schemaVersion: z.number().int() }),
  /** The highest job id in the snapshot: the worker's job is the first one after it. */
  baseJobId: z.number().int(),
  /** What the user asked for (for synthesize, the request with every source, before slicing). */
  request: z.record(z.string(), z.unknown()),
  /** The images of this slice, by id. */
  imageIds: z.array(z.number().int()),
  /** The worker's job in its copy, once started; null when the slice had nothing to do. */
  jobId: z.number().int().nullable(),
  complete: z.boolean(),
  /** Filled in when complete: images analysed, or variants made and skipped. */
  counts: z.record(z.string(), z.number()).default({}),
});
export type ShardManifest = z.infer<typeof ShardManifest>;

export function readManifest(dir: string): ShardManifest | null {
  const path = join(dir, MANIFEST_FILE);
  if (!existsSync(path)) return null;
  const parsed = ShardManifest.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new Error(`${path}: not a Likeness shard (${parsed.error.issues[0]?.message ?? 'invalid'})`);
  return parsed.data;
}

/** Write-then-rename, so a kill leaves the previous manifest or the new one. */
export function writeManifest(dir: string, manifest: ShardManifest): void {
  const path = join(dir, MANIFEST_FILE);
  writeFileSync(`${path}.tmp`, `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
}
