import { copyFile, mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import type { ExportFormat } from '../../api/export.ts';
import type { ExportPlan, PlannedFile } from './export-plan.ts';
import { filesBySplit, manifestCsv, metadataJsonl } from './metadata-files.ts';

export interface WriteOptions {
  readonly formats: readonly ExportFormat[];
  /** PNG bytes of a face aligned like the variants; needed only for aligned originals. */
  readonly alignedCrop: (faceId: number, size: number) => Promise<Uint8Array>;
  readonly signal?: AbortSignal;
  readonly onFile?: (done: number, total: number) => void | Promise<void>;
}

/** Copies overlap so the disk stays busy; more gains nothing on libuv's four-thread pool. */
const PARALLEL_COPIES = 8;

/** Writes the plan's files and metadata under `root` and returns the bytes written. */
export async function writeExport(root: string, plan: ExportPlan, options: WriteOptions): Promise<number> {
  const folders = new Set(plan.files.map((file) => join(file.split, file.folder)));
  for (const folder of [...folders].sort()) await mkdir(join(root, folder), { recursive: true });

  let bytes = 0;
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < plan.files.length) {
      options.signal?.throwIfAborted();
      const file = plan.files[next++];
      // Awaited first: `bytes += await …` would read `bytes` before the await and lose other workers' sums.
      const size = await exportFile(root, file, options.alignedCrop);
      bytes += size;
      done += 1;
      await options.onFile?.(done, plan.files.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_COPIES, plan.files.length) }, worker));
  options.signal?.throwIfAborted();

  if (options.formats.includes('huggingface')) {
    for (const [split, files] of filesBySplit(plan.files)) {
      bytes += await writeText(join(root, split, 'metadata.jsonl'), metadataJsonl(files));
    }
  }
  if (options.formats.includes('csv')) bytes += await writeText(join(root, 'manifest.csv'), manifestCsv(plan.files));
  return bytes;
}

async function exportFile(root: string, file: PlannedFile, alignedCrop: WriteOptions['alignedCrop']): Promise<number> {
  const target = join(root, file.split, file.fileName);
  const { content } = file;
  if (content.kind === 'copy') {
    await copyFile(content.path, target);
    return (await stat(target)).size;
  }
  // Lossless and rotated upright, so the pixels match what the app showed and scored.
  const png = content.kind === 'png' ? await sharp(content.path).rotate().png().toBuffer() : await alignedCrop(content.faceId, content.size);
  await writeFile(target, png);
  return png.length;
}

async function writeText(path: string, text: string): Promise<number> {
  const buffer = Buffer.from(text, 'utf8');
  await writeFile(path, buffer);
  return buffer.length;
}
