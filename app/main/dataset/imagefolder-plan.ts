import type { FolderScan } from './folder-scan.ts';
import type { ImportItem } from './import-item.ts';
import { sortByPath } from './path-order.ts';

/**
 * How deep identity folders sit. `root/<identity>/<image>` is the ImageFolder layout LFW,
 * VGGFace2 and CASIA-WebFace ship in. When no image lies directly in a first-level folder, those
 * folders are taken as datasets and their subfolders as identities (`root/<dataset>/<identity>/<image>`),
 * so a folder holding several such datasets imports in one go.
 */
export function identityDepth(files: readonly string[]): 1 | 2 {
  let deeper = false;
  for (const file of files) {
    const folders = segmentCount(file) - 1;
    if (folders === 1) return 1;
    if (folders > 1) deeper = true;
  }
  return deeper ? 2 : 1;
}

/**
 * Each file belongs to the identity folder it lies in, however deep below it; the identity is
 * named by that folder's name, so the same person in two imports is one identity.
 */
export function planImageFolder(scan: FolderScan): ImportItem[] {
  const depth = identityDepth(scan.files);
  const items: ImportItem[] = scan.files.map((relPath) => {
    const identity = identityOf(relPath, depth);
    const problem =
      identity === null
        ? {
            code: 'NOT_IN_IDENTITY_FOLDER' as const,
            message: `${relPath} is not inside an identity folder (expected ${depth === 1 ? '<identity>/<image>' : '<dataset>/<identity>/<image>'})`,
          }
        : null;
    return { relPath, identity, label: relPath, problem };
  });
  for (const { relPath, code, message } of scan.problems) {
    items.push({ relPath, identity: identityOf(relPath, depth), label: relPath, problem: { code, message } });
  }
  return sortByPath(items, (item) => item.relPath);
}

function identityOf(relPath: string, depth: number): string | null {
  const segments = relPath.split('/');
  return segments.length > depth ? segments[depth - 1]! : null;
}

function segmentCount(relPath: string): number {
  let count = 1;
  for (let i = relPath.indexOf('/'); i !== -1; i = relPath.indexOf('/', i + 1)) count += 1;
  return count;
}
