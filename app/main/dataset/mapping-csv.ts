import { readFile, stat } from 'node:fs/promises';
import { basename, isAbsolute, relative, resolve, sep } from 'node:path';
import { ApiError } from '#api/errors.ts';
import { parseCsv, type CsvRecord } from './csv-parse.ts';
import type { ImportItem, ImportProblem } from './import-item.ts';
import { sortByPath } from './path-order.ts';

const MAX_CSV_BYTES = 256 * 1024 * 1024;
const fileColumnNames = ['file', 'path', 'filename', 'image'];
const identityColumnNames = ['identity', 'label', 'person', 'subject'];

/** A mapping file whose header has been checked: the rows are still unchecked. */
export interface Mapping {
  readonly path: string;
  readonly header: readonly string[];
  readonly fileColumn: number;
  readonly identityColumn: number;
  readonly rows: readonly CsvRecord[];
}

/** Reads and checks the header; a file the import cannot use at all is an input error, not a row problem. */
export async function readMapping(csvPath: string): Promise<Mapping> {
  const info = await stat(csvPath).catch((error: NodeJS.ErrnoException) => {
    throw new ApiError('NOT_FOUND', `${csvPath}: cannot open the mapping file (${error.code})`);
  });
  if (!info.isFile()) throw new ApiError('INVALID_INPUT', `${csvPath} is not a file; expected a CSV mapping file`);
  if (info.size > MAX_CSV_BYTES) throw new ApiError('INVALID_INPUT', `${csvPath} is over ${MAX_CSV_BYTES >> 20} MB`);
  const records = parseCsv(await readFile(csvPath, 'utf8'));
  const headerAt = records.findIndex((record) => !isBlank(record));
  const header = records[headerAt];
  if (!header) {
    throw new ApiError('INVALID_INPUT', `${csvPath} is empty; expected a header row with a file column and an identity column`);
  }
  const where = `${csvPath} line ${header.line}`;
  if (header.problem) throw new ApiError('INVALID_INPUT', `${where}: the header row is malformed (${header.problem})`);
  const names = header.fields.map((field) => field.trim());
  return {
    path: csvPath,
    header: names,
    fileColumn: findColumn(names, fileColumnNames, 'file', where),
    identityColumn: findColumn(names, identityColumnNames, 'identity', where),
    rows: records.slice(headerAt + 1),
  };
}

function findColumn(header: readonly string[], accepted: readonly string[], role: string, where: string): number {
  const matches = header.flatMap((name, index) => (accepted.includes(name.toLowerCase()) ? [index] : []));
  if (matches.length === 1) return matches[0]!;
  // The header is not echoed: the path may name any file (/etc/shadow), and an error must not show its first line.
  if (matches.length === 0) {
    throw new ApiError(
      'INVALID_INPUT',
      `${where}: no ${role} column (name one of ${accepted.join(', ')}; the header has ${header.length} columns, none of them named so)`,
    );
  }
  throw new ApiError('INVALID_INPUT', `${where}: more than one ${role} column (${matches.map((i) => header[i]).join(', ')}); keep one`);
}

/**
 * One item per mapped file. Rows that cannot name a file of their own (wrong field count, no file,
 * a path outside the root, a file listed twice) become rows keyed `<mapping file>:<line>` so each
 * one is still listed as a problem.
 */
export function planMapping(root: string, mapping: Mapping): ImportItem[] {
  const name = basename(mapping.path);
  const rowKey = toPosix(relative(root, mapping.path));
  const firstLine = new Map<string, number>();
  const items: ImportItem[] = [];
  const rowProblems: { line: number; problem: ImportProblem }[] = [];
  const rowProblem = (line: number, code: ImportProblem['code'], message: string) =>
    rowProblems.push({ line, problem: { code, message: `${name} line ${line}: ${message}` } });

  for (const row of mapping.rows) {
    if (isBlank(row)) continue;
    if (row.problem) {
      rowProblem(row.line, 'CSV_ROW_INVALID', row.problem);
      continue;
    }
    if (row.fields.length !== mapping.header.length) {
      rowProblem(row.line, 'CSV_ROW_INVALID', `has ${row.fields.length} fields but the header has ${mapping.header.length}`);
      continue;
    }
    const file = row.fields[mapping.fileColumn]!.trim();
    const identity = row.fields[mapping.identityColumn]!.trim();
    if (file === '') {
      rowProblem(row.line, 'CSV_ROW_INVALID', 'the file column is empty');
      continue;
    }
    const relPath = toPosix(relative(root, resolve(root, file.replaceAll('\\', '/'))));
    if (relPath === '' || relPath.startsWith('../') || relPath === '..' || isAbsolute(relPath)) {
      rowProblem(row.line, 'PATH_OUTSIDE_ROOT', `${file} is not inside the import folder ${root}`);
      continue;
    }
    const earlier = firstLine.get(relPath);
    if (earlier !== undefined) {
      rowProblem(row.line, 'CSV_DUPLICATE_ROW', `${relPath} is already mapped on line ${earlier}`);
      continue;
    }
    firstLine.set(relPath, row.line);
    const label = `${name} line ${row.line}: ${relPath}`;
    items.push(
      identity === ''
        ? { relPath, identity: null, label, problem: { code: 'CSV_ROW_INVALID', message: `${label} has an empty identity` } }
        : { relPath, identity, label, problem: null },
    );
  }
  for (const { line, problem } of rowProblems) {
    let relPath = `${rowKey}:${line}`;
    for (let n = 2; firstLine.has(relPath); n += 1) relPath = `${rowKey}:${line}#${n}`;
    items.push({ relPath, identity: null, label: `${name} line ${line}`, problem });
  }
  return sortByPath(items, (item) => item.relPath);
}

function isBlank(record: CsvRecord): boolean {
  return record.problem === null && record.fields.every((field) => field.trim() === '');
}

function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}
