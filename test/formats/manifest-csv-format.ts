import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { problem, type FormatProblem } from './format-problems.ts';

/**
 * The export's manifest.csv as RFC 4180 describes CSV: a header row, every record with as many
 * fields as the header, fields with commas, quotes or line breaks quoted, quotes doubled. Its `file`
 * column names, relative to the export root, a file that exists; no file is listed twice.
 */
export function checkManifestCsv(root: string, required: readonly string[] = ['file', 'split']): FormatProblem[] {
  const path = join(root, 'manifest.csv');
  if (!existsSync(path)) return [problem('manifest.csv', 'missing')];
  let rows: string[][];
  try {
    rows = parseCsv(readFileSync(path, 'utf8'));
  } catch (error) {
    return [problem('manifest.csv', (error as Error).message)];
  }
  const [header, ...records] = rows;
  if (!header) return [problem('manifest.csv', 'no header row')];
  const problems: FormatProblem[] = [];
  for (const column of required) if (!header.includes(column)) problems.push(problem('manifest.csv', `no ${column} column`));
  if (new Set(header).size !== header.length) problems.push(problem('manifest.csv', 'duplicate column names'));
  const fileColumn = header.indexOf('file');
  const seen = new Set<string>();
  records.forEach((record, index) => {
    const at = `manifest.csv:${index + 2}`;
    if (record.length !== header.length) problems.push(problem(at, `${record.length} fields, header has ${header.length}`));
    const file = record[fileColumn];
    if (fileColumn < 0 || file === undefined) return;
    if (file.startsWith('/') || file.includes('\\') || file.split('/').includes('..'))
      problems.push(problem(at, `${file} is not relative`));
    else if (!existsSync(join(root, file))) problems.push(problem(at, `${file} does not exist`));
    if (seen.has(file)) problems.push(problem(at, `${file} listed twice`));
    seen.add(file);
  });
  return problems;
}

/** A strict RFC 4180 reader (LF or CRLF line ends): throws on a stray or unclosed quote. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (c === '"') {
        quoted = false;
        i += 1;
        if (i < text.length && !',\r\n'.includes(text[i])) throw new Error(`text after a closing quote at offset ${i}`);
      } else {
        field += c;
        i += 1;
      }
      continue;
    }
    if (c === '"') {
      if (field !== '') throw new Error(`quote inside an unquoted field at offset ${i}`);
      quoted = true;
      i += 1;
    } else if (c === ',') {
      row.push(field);
      field = '';
      i += 1;
    } else if (c === '\r' || c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
    } else {
      field += c;
      i += 1;
    }
  }
  if (quoted) throw new Error('unclosed quote at end of file');
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
