/**
 * Names inside an export. Files are named by database ids only (provenance lives in the metadata),
 * so a name can never collide or carry a split keyword; class folders keep the identity's name,
 * made safe for every filesystem and for the loaders' own rules.
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

export function originalFileName(imageId: number, extension: string): string {
  return `i${imageId}${extension}`;
}

export function variantFileName(sourceImageId: number, variantId: number, extension: string): string {
  return `i${sourceImageId}-v${variantId}${extension}`;
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
  let folder = [...name.normalize('NFC').replace(UNSAFE_IN_FOLDER_NAMES, '_').trim()]
    .slice(0, MAX_FOLDER_LENGTH)
    .join('');
  // Loaders skip hidden (".x") and special ("__x") folders; Windows drops trailing dots and spaces.
  folder = folder.replace(/^\.+/, '').replace(/^_{2,}/, '_').replace(/[. ]+$/, '');
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
