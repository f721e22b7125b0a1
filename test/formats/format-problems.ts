import { closeSync, openSync, readSync } from 'node:fs';

/** One broken rule at one path (relative to the folder checked). */
export interface FormatProblem {
  readonly path: string;
  readonly rule: string;
}

export function problem(path: string, rule: string): FormatProblem {
  return { path, rule };
}

/** torchvision.datasets.folder.IMG_EXTENSIONS, matched on the lower-cased name as torchvision does. */
export const TORCHVISION_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.ppm', '.bmp', '.pgm', '.tif', '.tiff', '.webp'];

export function hasImageExtension(name: string): boolean {
  const lower = name.toLowerCase();
  return TORCHVISION_EXTENSIONS.some((extension) => lower.endsWith(extension));
}

/**
 * Whether the file's first bytes are those of an image format the extension promises: a file named
 * .png that is not an image would pass any name check and only fail inside a training run.
 */
export function magicMatches(path: string): boolean {
  const head = Buffer.alloc(12);
  const fd = openSync(path, 'r');
  let read: number;
  try {
    read = readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  const bytes = head.subarray(0, read);
  const ascii = bytes.toString('latin1');
  const lower = path.toLowerCase();
  if (lower.endsWith('.png')) return bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  if (lower.endsWith('.jpg') || lower.endsWith('.jpeg')) return bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  if (lower.endsWith('.webp')) return ascii.startsWith('RIFF') && ascii.slice(8, 12) === 'WEBP';
  if (lower.endsWith('.bmp')) return ascii.startsWith('BM');
  if (lower.endsWith('.tif') || lower.endsWith('.tiff')) return ascii.startsWith('II*\0') || ascii.startsWith('MM\0*');
  if (lower.endsWith('.ppm')) return ascii.startsWith('P6') || ascii.startsWith('P3');
  if (lower.endsWith('.pgm')) return ascii.startsWith('P5') || ascii.startsWith('P2');
  return false;
}
