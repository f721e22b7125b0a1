import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { hasImageExtension, magicMatches, problem, type FormatProblem } from './format-problems.ts';

/** Files torchvision ignores at a split root that an export may legitimately put there. */
const ALLOWED_ROOT_FILES = new Set(['metadata.jsonl']);

/**
 * torchvision.datasets.ImageFolder(root) as documented (and as DatasetFolder implements it):
 * classes are the directories directly under root, sorted; samples are the files under each class
 * whose lower-cased name ends with one of IMG_EXTENSIONS; a class without one valid file is an
 * error (allow_empty=False). On top, the export's own promise: each class folder holds only images,
 * flat, none hidden, each really the format its extension names — torchvision would skip anything
 * else silently, which is how a broken export goes unnoticed.
 */
export function checkImageFolder(root: string): FormatProblem[] {
  if (!existsSync(root) || !statSync(root).isDirectory()) return [problem('.', 'ImageFolder root is not a folder')];
  const problems: FormatProblem[] = [];
  const entries = readdirSync(root, { withFileTypes: true });
  const classes = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  if (classes.length === 0) problems.push(problem('.', 'no class folders under the root (torchvision: "Couldn\'t find any class folder")'));
  for (const entry of entries) {
    if (entry.isDirectory()) continue;
    if (!entry.isFile()) problems.push(problem(entry.name, 'only folders and files belong under the root'));
    else if (!ALLOWED_ROOT_FILES.has(entry.name))
      problems.push(problem(entry.name, 'stray file directly under the root (ignored by ImageFolder)'));
  }
  for (const name of classes) {
    if (name.startsWith('.')) problems.push(problem(name, 'hidden class folder (would become a class nobody meant)'));
    let valid = 0;
    for (const file of readdirSync(join(root, name), { withFileTypes: true })) {
      const path = `${name}/${file.name}`;
      if (file.isDirectory()) problems.push(problem(path, 'nested folder inside a class folder (the export layout is flat)'));
      else if (file.name.startsWith('.')) problems.push(problem(path, 'hidden file inside a class folder'));
      else if (!hasImageExtension(file.name)) problems.push(problem(path, 'not an image extension torchvision accepts (silently skipped)'));
      else if (!magicMatches(join(root, path))) problems.push(problem(path, 'content is not the image format its extension names'));
      else valid += 1;
    }
    if (valid === 0)
      problems.push(problem(name, 'class folder without a valid image (torchvision: "Found no valid file for the classes")'));
  }
  return problems;
}
