import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { _electron as electron } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './support/app-server.ts';

/** Found without loading the `electron` package, which would try to download the binary. */
function electronBinary(): string | null {
  const pkg = join(repoRoot, 'node_modules/electron');
  const pathFile = join(pkg, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join(pkg, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

const binary = electronBinary();
if (!binary) {
  console.warn(
    'SKIPPED electron-shell.e2e.ts: no Electron binary in node_modules/electron/dist on this machine; ' +
      'the same renderer and API are covered through the web host in the other e2e specs.',
  );
}

describe.skipIf(!binary)('Electron shell', () => {
  it('opens a locked-down window that reaches the API through the preload only', async () => {
    const app = await electron.launch({
      executablePath: binary!,
      args: [repoRoot],
      env: { ...process.env, LIKENESS_HOME: join(repoRoot, '.tmp/electron-home') },
    });
    const window = await app.firstWindow();
    expect(window.url()).toMatch(/^likeness-app:\/\/bundle\//);
    expect(await window.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
    expect(await window.evaluate(() => typeof (globalThis as { likeness?: { call?: unknown } }).likeness?.call)).toBe('function');
    // With contextIsolation + sandbox + no nodeIntegration the page sees no Node at all.
    expect(await window.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined');
    expect(await window.evaluate(() => Object.keys((globalThis as { likeness?: object }).likeness ?? {}).sort())).toEqual([
      'call',
      'onEvent',
    ]);
    await app.close();
  });
});
