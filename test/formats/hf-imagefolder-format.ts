import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { hasImageExtension, problem, type FormatProblem } from './format-problems.ts';

/** datasets.data_files: the folder names `load_dataset('imagefolder', data_dir=…)` reads as splits. */
const SPLIT_KEYWORDS = ['train', 'training', 'validation', 'valid', 'dev', 'val', 'test', 'testing', 'eval', 'evaluation'];
const SEPARATORS = '-._ 0-9';
/** A keyword between separators anywhere below a split folder also matches another split's pattern. */
const KEYWORD_TOKEN = new RegExp(`(^|[${SEPARATORS}/])(${SPLIT_KEYWORDS.join('|')})([${SEPARATORS}/]|$)`, 'i');

type JsonType = 'string' | 'number' | 'boolean' | 'object' | 'array';

/**
 * Hugging Face `imagefolder` with metadata, as its docs specify: one folder per split named by a
 * split keyword; a metadata.jsonl in each split whose rows are JSON objects with a `file_name`
 * relative to the metadata file's folder (POSIX, inside it) naming an existing image; every image
 * described exactly once; and one schema — the same columns in every row of every split, each
 * column holding one JSON type (null allowed) — since the loader infers a single Arrow schema.
 */
export function checkHfImageFolder(root: string): FormatProblem[] {
  if (!existsSync(root) || !statSync(root).isDirectory()) return [problem('.', 'dataset root is not a folder')];
  const problems: FormatProblem[] = [];
  const splits = readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith('.'));
  if (splits.length === 0) problems.push(problem('.', 'no split folders'));
  let columns: string[] | null = null;
  const types = new Map<string, JsonType>();

  for (const split of splits.map((s) => s.name).sort()) {
    if (!SPLIT_KEYWORDS.includes(split)) problems.push(problem(split, 'folder name is not a split keyword the loader recognises'));
    const images = listImages(join(root, split));
    const imageSet = new Set(images);
    for (const image of images) {
      if (KEYWORD_TOKEN.test(image))
        problems.push(problem(`${split}/${image}`, 'a split keyword in the path would put this file in a second split'));
      if (image.split('/').some((part) => part.startsWith('.') || part.startsWith('__'))) {
        problems.push(problem(`${split}/${image}`, 'hidden or special path part (ignored by the loader)'));
      }
    }
    const metadataPath = join(root, split, 'metadata.jsonl');
    if (!existsSync(metadataPath)) {
      problems.push(problem(`${split}/metadata.jsonl`, 'missing'));
      continue;
    }
    const lines = readFileSync(metadataPath, 'utf8').split('\n');
    const described = new Set<string>();
    lines.forEach((line, index) => {
      const at = `${split}/metadata.jsonl:${index + 1}`;
      if (line === '') {
        if (index !== lines.length - 1) problems.push(problem(at, 'empty line'));
        return;
      }
      let row: unknown;
      try {
        row = JSON.parse(line);
      } catch {
        problems.push(problem(at, 'not valid JSON'));
        return;
      }
      if (row === null || typeof row !== 'object' || Array.isArray(row)) {
        problems.push(problem(at, 'a row must be a JSON object'));
        return;
      }
      const record = row as Record<string, unknown>;
      const keys = Object.keys(record).sort();
      if (columns === null) columns = keys;
      else if (keys.join('\0') !== columns.join('\0')) problems.push(problem(at, `columns differ: [${keys}] vs [${columns}]`));
      for (const [key, value] of Object.entries(record)) {
        if (value === null) continue;
        const type: JsonType = Array.isArray(value) ? 'array' : (typeof value as JsonType);
        const seen = types.get(key);
        if (seen === undefined) types.set(key, type);
        else if (seen !== type) problems.push(problem(at, `column ${key} is ${type} here but ${seen} elsewhere`));
      }
      const fileName = record.file_name;
      if (typeof fileName !== 'string' || fileName === '') {
        problems.push(problem(at, 'file_name missing or not a string'));
        return;
      }
      if (fileName.startsWith('/') || fileName.includes('\\') || fileName.split('/').includes('..') || /^[A-Za-z]:/.test(fileName)) {
        problems.push(problem(at, `file_name ${fileName} is not a relative POSIX path inside the split`));
        return;
      }
      if (described.has(fileName)) problems.push(problem(at, `file_name ${fileName} is described twice`));
      described.add(fileName);
      if (!imageSet.has(fileName)) problems.push(problem(at, `file_name ${fileName} names no image in ${split}/`));
    });
    for (const image of images) {
      if (!described.has(image)) problems.push(problem(`${split}/${image}`, 'image without a row in metadata.jsonl'));
    }
  }
  return problems;
}

/** Image files under `dir`, as POSIX paths relative to it. */
function listImages(dir: string, prefix = ''): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) found.push(...listImages(dir, rel));
    else if (hasImageExtension(entry.name)) found.push(rel);
  }
  return found.sort();
}
