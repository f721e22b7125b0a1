import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import type { ExportFormat } from '#api/export.ts';
import type { ExportPlan, PlannedFile } from './export-plan.ts';
import { filesBySplit, manifestCsv, metadataJsonl } from './metadata-files.ts';

export interface WriteOptions {
  readonly formats: readonly ExportFormat[];
  /** PNG bytes of a face aligned like the variants; needed only for aligned originals. */
  readonly alignedCrop: (faceId: number, size: number) => Promise<Uint8Array>;
  readonly signal?: AbortSignal;
  readonly onFile?: (done: number, total: number) => void | Promise<void>;
}

/** libuv runs four file operations at once; a few more queued keep its threads from idling between files. */
const PARALLEL_COPIES = 8;

/** Writes the plan's files and metadata under `root`. */
export async function writeExport(root: string, plan: ExportPlan, options: WriteOptions): Promise<void> {
  const folders = new Set(plan.files.map((file) => join(file.split, file.folder)));
  for (const folder of [...folders].sort()) await mkdir(join(root, folder), { recursive: true });

  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < plan.files.length) {
      options.signal?.throwIfAborted();
      const file = plan.files[next++];
      await exportFile(root, file, options.alignedCrop);
      done += 1;
      await options.onFile?.(done, plan.files.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_COPIES, plan.files.length) }, worker));
  options.signal?.throwIfAborted();

  if (options.formats.includes('huggingface')) {
    for (const [split, files] of filesBySplit(plan.files)) {
      await writeFile(join(root, split, 'metadata.jsonl'), metadataJsonl(files));
    }
  }
  if (options.formats.includes('csv')) await writeFile(join(root, 'manifest.csv'), manifestCsv(plan.files));
}

async function exportFile(root: string, file: PlannedFile, alignedCrop: WriteOptions['alignedCrop']): Promise<void> {
  const target = join(root, file.split, file.fileName);
  const { content } = file;
  // A plain copy lets the kernel copy (or reflink) without the bytes passing through JavaScript.
  if (content.kind === 'copy') return copyFile(content.path, target);
  // Lossless and rotated upright, so the pixels match what the app showed and scored.
  const png =
    content.kind === 'png' ? await sharp(content.path).rotate().png().toBuffer() : await alignedCrop(content.faceId, content.size);
  await writeFile(target, png);
}
