/**
 * Names inside an export. Files keep the name a person knows them by (the original's file name;
 * a variant adds its id to its source's name), made safe by the same rules as class folders; the
 * full provenance lives in the metadata. Class folders keep the identity's name.
 */

/** torchvision.datasets.folder.IMG_EXTENSIONS: the only files ImageFolder reads (case-insensitively). */
export const TORCHVISION_IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.ppm', '.bmp', '.pgm', '.tif', '.tiff', '.webp'] as const;

/**
 * Hugging Face's folder loaders assign a file to a split when any path segment holds one of these
 * words between separators (`-._ 0-9` or `/`), so `train/dev_team/1.png` would also land in
 * validation. Such words in a class folder get a `~` after them, which is not a separator.
 */
export const HF_SPLIT_KEYWORDS = ['training', 'train', 'testing', 'test', 'evaluation', 'eval', 'validation', 'valid', 'val', 'dev'];
export const HF_SPLIT_KEYWORD_TOKEN = new RegExp(`(^|[-._ 0-9/])(${HF_SPLIT_KEYWORDS.join('|')})(?=[-._ 0-9/]|$)`, 'gi');

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?$/i;
const MAX_FOLDER_LENGTH = 80;

/** The stem of a path's last segment, made safe like a class folder: `s1/10.pgm` → `10`. */
function safeStem(relPath: string): string {
  const name = relPath.split(/[\\/]/).at(-1) ?? relPath;
  const dot = name.lastIndexOf('.');
  return safeFolderName(dot > 0 ? name.slice(0, dot) : name);
}

export interface NamedFile {
  readonly kind: 'original' | 'variant';
  /** Image id for an original, variant id for a variant. */
  readonly id: number;
  /** The original's path in its dataset (for a variant: its source's). */
  readonly relPath: string;
  readonly extension: string;
}

/**
 * File names in one class folder, in the order given. An original keeps its file name; a variant is
 * `<source name>-v<variant id>`. Collision rule (names compared case-insensitively, as macOS and
 * Windows do): the first file keeps the plain name, a later original with the same name becomes
 * `<name>-i<image id>`, and anything still taken gets `~2`, `~3`… So the rule is deterministic.
 */
export function fileNamesInFolder(files: readonly NamedFile[]): string[] {
  const taken = new Set<string>();
  return files.map((file) => {
    const stem = safeStem(file.relPath);
    const base = file.kind === 'original' ? stem : `${stem}-v${file.id}`;
    let name = `${base}${file.extension}`;
    if (taken.has(name.toLowerCase()) && file.kind === 'original') name = `${base}-i${file.id}${file.extension}`;
    for (let n = 2; taken.has(name.toLowerCase()); n += 1) name = `${base}~${n}${file.extension}`;
    taken.add(name.toLowerCase());
    return name;
  });
}

/** One folder per identity; names that would clash on a case-insensitive filesystem get the id appended. */
export function classFolders(identities: readonly { id: number; name: string }[]): Map<number, string> {
  const ordered = [...identities].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id - b.id));
  const taken = new Set<string>();
  const folders = new Map<number, string>();
  for (const identity of ordered) {
    let folder = safeFolderName(identity.name);
    if (taken.has(folder.toLowerCase())) folder = `${folder}-${identity.id}`;
    taken.add(folder.toLowerCase());
    folders.set(identity.id, folder);
  }
  return folders;
}

// Control characters and the characters Windows forbids in file names.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE_IN_FOLDER_NAMES = /[\u0000-\u001f\u007f<>:"/\\|?*]/g;

export function safeFolderName(name: string): string {
  let folder = [...name.normalize('NFC').replace(UNSAFE_IN_FOLDER_NAMES, '_').trim()].slice(0, MAX_FOLDER_LENGTH).join('');
  // Loaders skip hidden (".x") and special ("__x") folders; Windows drops trailing dots and spaces.
  folder = folder
    .replace(/^\.+/, '')
    .replace(/^_{2,}/, '_')
    .replace(/[. ]+$/, '');
  if (folder === '') folder = '_';
  if (WINDOWS_RESERVED.test(folder)) folder = `_${folder}`;
  return folder.replace(HF_SPLIT_KEYWORD_TOKEN, (_match, before: string, keyword: string) => `${before}${keyword}~`);
}

/** Lower-cased extension torchvision accepts, or null when the file must be re-encoded. */
export function acceptedExtension(path: string): string | null {
  const dot = path.lastIndexOf('.');
  if (dot < 0 || path.lastIndexOf('/') > dot) return null;
  const extension = path.slice(dot).toLowerCase();
  return (TORCHVISION_IMAGE_EXTENSIONS as readonly string[]).includes(extension) ? extension : null;
}
