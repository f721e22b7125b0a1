import type { ProjectDatabase } from '../project/project-database.ts';

/** `--shard i/N`: worker i (0-based, as Kubernetes' JOB_COMPLETION_INDEX) of N. */
export interface ShardSpec {
  readonly index: number;
  readonly count: number;
}

export function parseShard(text: string): ShardSpec {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index >= count) {
    throw new Error(`--shard takes i/N with 0 <= i < N (worker i of N, counted from 0), got "${text}"`);
  }
  return { index, count };
}

/**
 * Which worker an image belongs to: the first 64 bits of its content hash modulo N. The hash, not
 * the row id, so the split does not depend on import order, and two projects holding the same photos
 * split them alike; an image without a hash (never the case for an `ok` one) falls back to its id.
 */
export function shardOf(contentHash: string | null, imageId: number, count: number): number {
  const key = contentHash && /^[0-9a-f]{16}/i.test(contentHash) ? BigInt(`0x${contentHash.slice(0, 16)}`) : BigInt(imageId);
  return Number(key % BigInt(count));
}

/** The images worker `shard` is given: every imported-fine image whose hash falls in its slice, by id. */
export function sliceImageIds(db: ProjectDatabase, shard: ShardSpec): number[] {
  const rows = db.prepare("SELECT id, content_hash AS hash FROM images WHERE status = 'ok' ORDER BY id").all() as {
    id: number;
    hash: string | null;
  }[];
  return rows.filter((row) => shardOf(row.hash, row.id, shard.count) === shard.index).map((row) => row.id);
}
