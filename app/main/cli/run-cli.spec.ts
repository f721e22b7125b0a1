import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from './run-cli.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('likeness <command> --help', () => {
  it.each(['serve', 'demo', 'export'])('prints the usage of %s and returns without starting anything', async (name) => {
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    const started = performance.now();
    expect(await runCli([name, '--help'])).toBe(0);
    expect(written.join('')).toMatch(new RegExp(`^usage: likeness ${name}`));
    // A served host would never return; a started one would have printed its URL.
    expect(written.join('')).not.toContain('served at');
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
