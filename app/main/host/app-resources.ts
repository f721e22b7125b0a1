import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the web host serves the app icon; index.html links it as the page's icon. */
export const FAVICON_PATH = '/favicon.svg';

/**
 * The top-level `resources/` folder (app icon, desktop entry), reached from `out/main/*.js` or
 * from the sources under tsx.
 */
export function resourcesDir(): string {
  for (const candidate of ['../../resources', '../../../resources']) {
    const dir = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(join(dir, 'icon.svg'))) return dir;
  }
  throw new Error('resources/icon.svg is missing beside the app: the checkout is incomplete');
}

/** The app icon: SVG for the browser tab, PNG (256 px, rendered from the SVG) for window managers. */
export function appIconPath(format: 'svg' | 'png'): string {
  return join(resourcesDir(), `icon.${format}`);
}
