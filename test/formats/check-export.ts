/**
 * Checks an export folder against the formats it claims, without Python:
 *   node --import tsx test/formats/check-export.ts <export folder>
 * Exits 1 and lists every problem when a rule is broken.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FormatProblem } from './format-problems.ts';
import { checkHfImageFolder } from './hf-imagefolder-format.ts';
import { checkImageFolder } from './imagefolder-format.ts';
import { checkManifestCsv } from './manifest-csv-format.ts';

/** Every split is an ImageFolder root; metadata.jsonl and manifest.csv are checked when present. */
export function checkExport(root: string): FormatProblem[] {
  const splits = readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith('.'));
  const problems = splits.flatMap((split) =>
    checkImageFolder(join(root, split.name)).map((p) => ({ path: `${split.name}/${p.path}`, rule: p.rule })),
  );
  if (splits.some((split) => existsSync(join(root, split.name, 'metadata.jsonl')))) problems.push(...checkHfImageFolder(root));
  if (existsSync(join(root, 'manifest.csv'))) problems.push(...checkManifestCsv(root));
  return problems;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const root = process.argv[2];
  if (!root) {
    process.stderr.write('usage: check-export.ts <export folder>\n');
    process.exit(2);
  }
  const problems = checkExport(resolve(root));
  for (const p of problems) process.stdout.write(`${p.path}: ${p.rule}\n`);
  process.stdout.write(problems.length === 0 ? 'ok\n' : `${problems.length} problem(s)\n`);
  process.exitCode = problems.length === 0 ? 0 : 1;
}
