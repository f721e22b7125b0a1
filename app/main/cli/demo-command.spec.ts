import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { sharedFacesDir, sharedFacesOrSkip } from '../../../test/fixtures/shared-faces.ts';

const cli = fileURLToPath(new URL('./likeness.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

describe.runIf(sharedFacesOrSkip())('likeness demo (the README’s first command)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'likeness-demo-'));
  const project = join(dir, 'demo.likeness');
  const demo = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', cli, 'demo', ...args, '--project', project, '--no-serve'], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, LIKENESS_HOME: join(dir, 'settings') },
    });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('imports, analyses and synthesizes johns end to end, then picks up where it stopped when run again', () => {
    const first = demo(join(sharedFacesDir, 'johns'), '--variants', '2');
    expect(first.stderr).not.toMatch(/Error|INVALID/);
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/dataset {5}5 identities, 54 images, 0 problems/);
    expect(first.stdout).toMatch(/faces {7}54 with one face/);
    // 108 planned: each made or skipped with its reason counted, none lost silently.
    const made = Number(/variants {4}(\d+) to review/.exec(first.stdout)?.[1]);
    const skipped = Number(/skipped {5}(\d+) planned variants \(\d+ [a-z-]+/.exec(first.stdout)?.[1] ?? 0);
    expect(made).toBeGreaterThan(80);
    expect(made + skipped).toBe(108);

    const again = demo(join(sharedFacesDir, 'johns'), '--variants', '2');
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/import {6}skipped: the project already holds 54 images/);
    expect(again.stdout).toContain(`synthesize  skipped: the project already holds ${made} variants`);
  });

  it('names the folder it could not find and how to give another', () => {
    rmSync(project, { force: true });
    const missing = demo(join(dir, 'no-faces-here'));
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain(`${join(dir, 'no-faces-here')}: no such folder of faces`);
  });
});
