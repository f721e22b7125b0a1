import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { appIconPath, resourcesDir } from '../../app/main/host/app-resources.ts';
import { ICON_SIZE, renderIcon } from './render-icon.ts';

describe('resources/', () => {
  it('holds the icon the shell and the web host use, its PNG rendered from its SVG (so the two cannot drift)', async () => {
    expect(resourcesDir()).toBe(join(import.meta.dirname, '../../resources'));
    const png = await sharp(appIconPath('png')).raw().toBuffer({ resolveWithObject: true });
    expect([png.info.width, png.info.height, png.info.channels]).toEqual([ICON_SIZE, ICON_SIZE, 4]);
    const fresh = await sharp(await renderIcon())
      .raw()
      .toBuffer();
    let worst = 0;
    for (let i = 0; i < fresh.length; i += 1) worst = Math.max(worst, Math.abs(fresh[i]! - png.data[i]!));
    expect(worst, 'run `npx tsx tools/resources/render-icon.ts` after editing icon.svg').toBeLessThanOrEqual(2);
    // Corners are transparent (a rounded tile), the middle is the accent blue.
    expect(png.data[3]).toBe(0);
    const centre = (ICON_SIZE * 40 + 40) * 4;
    expect([...png.data.subarray(centre, centre + 4)]).toEqual([0x4d, 0x8d, 0xff, 255]);
  });

  it('holds a desktop entry that launches the CLI and names the icon', () => {
    const entry = readFileSync(join(resourcesDir(), 'likeness.desktop'), 'utf8');
    const keys = new Map(
      entry
        .split('\n')
        .filter((line) => line.includes('='))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    expect(entry.startsWith('[Desktop Entry]\n')).toBe(true);
    expect(keys.get('Type')).toBe('Application');
    expect(keys.get('Name')).toBe('Likeness');
    expect(keys.get('Exec')).toMatch(/^likeness /);
    expect(keys.get('Icon')).toBe('likeness');
    expect(keys.get('Categories')).toMatch(/;$/);
  });
});
