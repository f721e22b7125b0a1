import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isCommandName } from './contract.ts';
import { RENDERER_COMMANDS } from './renderer-commands.ts';

const rendererSource = resolve(import.meta.dirname, '../renderer/src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|svelte)$/.test(entry.name) && !entry.name.includes('.spec.') ? [path] : [];
  });
}

describe('the commands the desktop preload passes', () => {
  it('are all in the API contract', () => {
    expect(RENDERER_COMMANDS.filter((name) => !isCommandName(name))).toEqual([]);
    expect(new Set(RENDERER_COMMANDS).size).toBe(RENDERER_COMMANDS.length);
  });

  it('are exactly the commands the renderer source names', () => {
    const named = new Set<string>();
    for (const file of sourceFiles(rendererSource)) {
      for (const [, name] of readFileSync(file, 'utf8').matchAll(/'([a-z]+\.[A-Za-z]+)'/g)) if (isCommandName(name)) named.add(name);
    }
    expect([...named].sort()).toEqual([...RENDERER_COMMANDS].sort());
  });
});
