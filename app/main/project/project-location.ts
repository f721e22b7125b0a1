import { existsSync, lstatSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ApiError } from '#api/errors.ts';

/**
 * The one name a project file goes by. The lock, the media folder and the packs folder are all
 * named from it, so a project reached through a symlink is the same project, not a second one with
 * its own lock and media. A file with several hard links has no one name, and SQLite keeps a
 * journal per name: writing through two names loses or corrupts committed data. Such a file is
 * refused until it has one name again.
 */
export function projectLocation(rawPath: string, mode: 'create' | 'open'): string {
  const given = resolve(rawPath);
  if (mode === 'create') {
    const folder = dirname(given);
    if (!existsSync(folder)) {
      throw new ApiError('NOT_FOUND', `${given}: the folder ${folder} does not exist; create it first or pick another place`);
    }
    if (!statSync(folder).isDirectory()) throw new ApiError('INVALID_INPUT', `${given}: ${folder} is not a folder`);
    if (lstatOrNull(given)) throw new ApiError('INVALID_INPUT', `${given} already exists`);
    return join(realpathSync(folder), basename(given));
  }
  let real: string;
  try {
    real = realpathSync(given);
  } catch {
    throw new ApiError('NOT_FOUND', `${given}: no such project`);
  }
  const info = statSync(real);
  if (!info.isFile()) throw new ApiError('PROJECT_INVALID', `${given} is not a project file`);
  if (info.nlink > 1) {
    throw new ApiError(
      'PROJECT_IN_USE',
      `${given} is in use under ${info.nlink} names (hard links); SQLite keeps a journal per name, so opening it under more than one would lose or corrupt data. Remove the other links (or copy the file) and open it again`,
    );
  }
  return real;
}

/** The name `projectLocation` would give, for comparing with an open project; never throws. */
export function sameProjectPath(rawPath: string): string {
  try {
    return realpathSync(resolve(rawPath));
  } catch {
    return resolve(rawPath);
  }
}

function lstatOrNull(path: string): ReturnType<typeof lstatSync> | null {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}
