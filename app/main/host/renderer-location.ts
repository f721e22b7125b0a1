import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ApiError } from '#api/errors.ts';

/** The built renderer sits at `out/renderer`, reached from `out/main/*.js` or from the sources under tsx. */
export function rendererDir(): string {
  for (const candidate of ['../renderer', '../../../out/renderer']) {
    const dir = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(`${dir}/index.html`)) return dir;
  }
  throw new ApiError('NOT_FOUND', 'the renderer is not built: run `npm run build` first');
}
