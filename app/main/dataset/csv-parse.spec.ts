import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv-parse.ts';

const fields = (text: string) => parseCsv(text).map((record) => record.fields);

describe('parseCsv', () => {
  it('splits plain rows on commas and any line ending', () => {
    expect(fields('a,b\r\nc,d\ne,f\rg,h')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
      ['e', 'f'],
      ['g', 'h'],
    ]);
  });

  it('drops a UTF-8 byte order mark and a final line end', () => {
    expect(fields('\uFEFFfile,identity\r\n')).toEqual([['file', 'identity']]);
  });

  it('reads quoted fields holding commas, doubled quotes and line ends, numbering records by their first line', () => {
    const records = parseCsv('file,identity\n"a, b.jpg","say ""hi"""\n"multi\r\nline.jpg",x\nlast.jpg,y\n');
    expect(records.map((r) => [r.line, ...r.fields])).toEqual([
      [1, 'file', 'identity'],
      [2, 'a, b.jpg', 'say "hi"'],
      [3, 'multi\r\nline.jpg', 'x'],
      [5, 'last.jpg', 'y'],
    ]);
    expect(records.every((r) => r.problem === null)).toBe(true);
  });

  it('keeps empty fields, including a trailing one', () => {
    expect(fields('a,,c,\n,\n')).toEqual([
      ['a', '', 'c', ''],
      ['', ''],
    ]);
  });

  it('flags a quote left open and text after a closing quote, and still returns the record', () => {
    const open = parseCsv('a,b\n"never closed,x\ny,z\n');
    expect(open[1]).toMatchObject({ line: 2, problem: 'a quoted field is never closed' });
    expect(open).toHaveLength(2);
    const trailing = parseCsv('"a"b,c\n');
    expect(trailing[0]).toEqual({ line: 1, fields: ['ab', 'c'], problem: 'text follows a closing quote' });
  });

  it('reads an empty input as no records', () => {
    expect(parseCsv('')).toEqual([]);
    expect(parseCsv('\uFEFF')).toEqual([]);
  });
});
