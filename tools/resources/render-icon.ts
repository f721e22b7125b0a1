/**
 * resources/icon.png is rendered from resources/icon.svg (the one drawing of the icon) by libvips,
 * for the places that want a bitmap: the Electron window icon on Linux and the desktop entry.
 * Run after changing the SVG: `npx tsx tools/resources/render-icon.ts`.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import sharp from 'sharp';

export const resourcesDir = resolve(import.meta.dirname, '../../resources');
export const ICON_SIZE = 256;

export async function renderIcon(size = ICON_SIZE): Promise<Buffer> {
  return sharp(resolve(resourcesDir, 'icon.svg'), { density: (72 * size) / 256 })
    .resize(size, size)
    .png({ compressionLevel: 9, palette: false })
    .toBuffer();
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.dirname, 'render-icon.ts')) {
  writeFileSync(resolve(resourcesDir, 'icon.png'), await renderIcon());
}
