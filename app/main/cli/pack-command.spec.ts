import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { makeGeneratorFixture, makeHostileCheckpoints, torchOracleOrSkip } from '../../../test/oracles/torch-oracle.ts';
import { parseDirections } from './pack-command.ts';

const cli = fileURLToPath(new URL('./likeness.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'likeness-pack-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function likeness(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, LIKENESS_HOME: join(root, 'settings') },
    timeout: 120_000,
  });
}

describe('likeness pack import: arguments', () => {
  it('parses --directions with optional layer ranges and edit kinds, and names a bad one', () => {
    expect(parseDirections('smile=a.npy:0-8:expression,age=b.f32')).toMatchObject([
      { name: 'smile', layers: [0, 8], edit: 'expression' },
      { name: 'age' },
    ]);
    expect(() => parseDirections('smile=a.npy:0-8:grin')).toThrow(
      /edit "grin" is not one of relight, pose, hair, background, expression, attribute/,
    );
    expect(() => parseDirections('Smile')).toThrow(/"Smile" is not name=file/);
  });
});

describe.runIf(torchOracleOrSkip())('likeness pack import (CLI)', () => {
  it('imports an NVIDIA snapshot with progress, validates it and says how to use it', async () => {
    const fixture = await makeGeneratorFixture(join(root, 'nvidia'), { format: 'nvidia', resolution: 64, channelMax: 16, seed: 5 });
    const out = join(root, 'packs', 'ada');
    const run = likeness(
      'pack',
      'import',
      fixture.checkpoint,
      '--out',
      out,
      '--truncation',
      '0.5',
      '--directions',
      `smile=${join(root, 'nvidia', 'boundary.npy')}:0-6:expression`,
    );
    expect(run.stderr).toMatch(/pack import 1\/5 converting weights[\s\S]*pack import 5\/5 done[\s\S]*validating/);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/generator {3}64 px, W\+ 10 × 512, w_avg from the checkpoint/);
    expect(run.stdout).toMatch(/directions {2}smile \[0, 6\)/);
    const manifest = JSON.parse(readFileSync(join(out, 'pack.json'), 'utf8'));
    expect(manifest.description).toMatch(/truncation ψ = 0\.5/);
  });

  it('refuses a hostile pickle with exit code 1, naming the file and the global, and writes nothing', async () => {
    const dir = join(root, 'hostile');
    const marker = join(dir, 'PWNED');
    await makeHostileCheckpoints(dir, marker);
    const out = join(root, 'packs', 'hostile');
    const run = likeness('pack', 'import', join(dir, 'hostile-global.pkl'), '--out', out);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      `likeness pack: ${join(dir, 'hostile-global.pkl')}: refused: the file names the Python global "posix.system"`,
    );
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(out)).toBe(false);
  });
});
