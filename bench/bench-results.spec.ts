import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const bench = import.meta.dirname;
const source = (file: string): string => readFileSync(join(bench, file), 'utf8');

/** Result names each bench script passes to writeBenchResult. */
function writtenBy(file: string): string[] {
  return [...source(file).matchAll(/writeBenchResult\(\s*'([\w-]+)'/g)].map((match) => match[1]!);
}

/** The README's table of which script writes which result file: name → the "written by" cell. */
function readmeTable(): Map<string, string> {
  const readme = readFileSync(join(bench, '..', 'README.md'), 'utf8');
  const start = readme.indexOf('| file in `bench/results/` |');
  expect(start, 'the README has no table of bench result files').toBeGreaterThan(-1);
  const rows = readme.slice(start).split('\n\n')[0]!.split('\n').slice(2);
  const table = new Map<string, string>();
  for (const row of rows) {
    const [files, by] = row.split('|').slice(1, 3);
    for (const [, name] of files!.matchAll(/`([\w-]+)`/g)) table.set(name!, by!.trim());
  }
  return table;
}

describe('bench result files', () => {
  const scripts = readdirSync(bench).filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'));
  const table = readmeTable();

  it('are each written by one script the README names, and npm run bench writes its own with one stamp', () => {
    const inRun = writtenBy('run.ts');
    expect(inRun.length).toBeGreaterThanOrEqual(8);
    for (const name of inRun) expect(table.get(name), name).toContain('npm run bench');
    for (const file of scripts.filter((f) => f !== 'run.ts')) {
      for (const name of writtenBy(file)) {
        if (inRun.includes(name)) continue;
        expect(table.get(name), `${file} writes ${name}.json, which the README's table does not list`).toBeDefined();
        expect(table.get(name), name).not.toContain('npm run bench`');
      }
    }
    expect(source('run.ts')).toMatch(/const stamp = benchStamp\(\);/);
  });

  it('committed in bench/results/ are all produced by a script the README names', () => {
    const committed = readdirSync(join(bench, 'results'))
      .filter((file) => file.endsWith('.json'))
      .map((file) => file.replace(/\.json$/, ''));
    const written = new Set(scripts.flatMap(writtenBy));
    for (const name of committed) {
      expect(written.has(name), `nothing writes bench/results/${name}.json`).toBe(true);
      expect(table.has(name), `the README does not say what writes ${name}.json`).toBe(true);
    }
  });
});
