import { extname } from 'node:path';

/**
 * Names worth opening. Formats the import cannot accept are listed too, so that a folder of, say,
 * PGM or HEIC photos reports why each was refused instead of silently importing nothing; the
 * content, not this name, decides what a file is.
 */
const imageExtensions = new Set([
  '.jpg',
  '.jpeg',
  '.jpe',
  '.jfif',
  '.png',
  '.webp',
  '.gif',
  '.bmp',
  '.tif',
  '.tiff',
  '.pgm',
  '.ppm',
  '.pbm',
  '.pnm',
  '.heic',
  '.heif',
  '.avif',
  '.jxl',
  '.jp2',
]);

export function hasImageExtension(name: string): boolean {
  return imageExtensions.has(extname(name).toLowerCase());
}

/** Dot files are OS or tool litter (.DS_Store, AppleDouble `._x.jpg` forks, .git), never dataset content. */
export function isHidden(name: string): boolean {
  return name.startsWith('.');
}
