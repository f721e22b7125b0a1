import { createHash } from 'node:crypto';
import { createReadStream, realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';

/**
 * Resolves a manifest's file reference inside the pack folder, or explains why it may not be
 * used: a pack is untrusted input, so `../`, absolute paths and symlinks out of the folder are refused.
 */
export function resolvePackFile(packDir: string, reference: string): { path: string } | { problem: string } {
  if (isAbsolute(reference) || /^[A-Za-z]:/.test(reference) || reference.startsWith('\\')) {
    return { problem: `"${reference}" is an absolute path; pack files must be relative to the pack folder` };
  }
  if (reference.split(/[\\/]/).includes('..')) {
    return { problem: `"${reference}" contains "..": pack files must stay inside the pack folder` };
  }
  const root = resolve(packDir);
  const path = resolve(root, reference);
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return { problem: `"${reference}" does not exist in ${root}` };
  }
  if (!stat.isFile()) return { problem: `"${reference}" is not a regular file` };
  const real = realpathSync(path);
  const rel = relative(realpathSync(root), real);
  if (rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) {
    return { problem: `"${reference}" links to ${real}, outside the pack folder` };
  }
  return { path };
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
