import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiError } from '#api/errors.ts';
import { planMapping, readMapping } from './mapping-csv.ts';

function csvFile(content: string): { root: string; path: string } {
  const root = mkdtempSync(join(tmpdir(), 'likeness-csv-'));
  const path = join(root, 'labels.csv');
  writeFileSync(path, content);
  return { root, path };
}

async function expectInputError(content: string, text: RegExp): Promise<void> {
  const error = await readMapping(csvFile(content).path).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ApiError);
  expect((error as ApiError).message).toMatch(text);
}

describe('readMapping', () => {
  it('finds the file and identity columns by name in any order and case, skipping blank lines first', async () => {
    const { path } = csvFile('\uFEFF\r\nLabel,notes,Path\r\nbob,x,b.jpg\r\n');
    const mapping = await readMapping(path);
    expect(mapping).toMatchObject({ fileColumn: 2, identityColumn: 0, header: ['Label', 'notes', 'Path'] });
    expect(mapping.rows.map((r) => r.line)).toEqual([3]);
  });

  it('refuses a file it cannot use, saying which column is missing, without echoing its content', async () => {
    await expectInputError('', /labels\.csv is empty; expected a header row/);
    await expectInputError(
      'file,person_name\na.jpg,x\n',
      /line 1: no identity column \(name one of identity, label.*the header has 2 columns/,
    );
    await expectInputError('name,identity\n', /no file column/);
    await expectInputError('file,path,identity\n', /more than one file column \(file, path\)/);
    await expectInputError('"file,identity\n', /header row is malformed/);
    await expectInputError(
      'root:$6$secret-hash:19000:0:99999:7:::\nbin:x\n',
      /no file column \(name one of file, path, filename, image; the header has 1 columns/,
    );
    const secret = await readMapping(csvFile('root:$6$secret-hash:19000:0:99999:7:::\n').path).catch((e: unknown) => e);
    expect((secret as ApiError).message).not.toContain('secret-hash');
    const missing = await readMapping('/nonexistent/labels.csv').catch((e: unknown) => e);
    expect((missing as ApiError).code).toBe('NOT_FOUND');
  });
});

describe('planMapping', () => {
  it('maps each row to its file and reports every unusable row by line, sorted by path', async () => {
    const { root, path } = csvFile(
      [
        'file,identity',
        'b.jpg,bob',
        '"sub/a, quoted.jpg","Alice ""Al"" A"',
        'c.jpg',
        'd.jpg,dan,extra',
        ',erin',
        'e.jpg,',
        'b.jpg,someone else',
        '../outside.jpg,mallory',
        'win\\style.jpg,win',
        '"open,quote',
      ].join('\r\n'),
    );
    mkdirSync(join(root, 'sub'));
    const items = planMapping(root, await readMapping(path));
    expect(items.map((i) => [i.relPath, i.identity, i.problem?.code ?? null])).toEqual([
      ['b.jpg', 'bob', null],
      ['e.jpg', null, 'CSV_ROW_INVALID'],
      ['labels.csv:11', null, 'CSV_ROW_INVALID'],
      ['labels.csv:4', null, 'CSV_ROW_INVALID'],
      ['labels.csv:5', null, 'CSV_ROW_INVALID'],
      ['labels.csv:6', null, 'CSV_ROW_INVALID'],
      ['labels.csv:8', null, 'CSV_DUPLICATE_ROW'],
      ['labels.csv:9', null, 'PATH_OUTSIDE_ROOT'],
      ['sub/a, quoted.jpg', 'Alice "Al" A', null],
      ['win/style.jpg', 'win', null],
    ]);
    const message = (rel: string) => items.find((i) => i.relPath === rel)!.problem!.message;
    expect(message('labels.csv:4')).toBe('labels.csv line 4: has 1 fields but the header has 2');
    expect(message('labels.csv:5')).toMatch(/line 5: has 3 fields/);
    expect(message('labels.csv:6')).toBe('labels.csv line 6: the file column is empty');
    expect(message('e.jpg')).toBe('labels.csv line 7: e.jpg has an empty identity');
    expect(message('labels.csv:8')).toBe('labels.csv line 8: b.jpg is already mapped on line 2');
    expect(message('labels.csv:9')).toMatch(/line 9: \.\.\/outside\.jpg is not inside the import folder/);
    expect(message('labels.csv:11')).toBe('labels.csv line 11: a quoted field is never closed');
    expect(items.find((i) => i.relPath === 'b.jpg')!.label).toBe('labels.csv line 2: b.jpg');
  });
});
