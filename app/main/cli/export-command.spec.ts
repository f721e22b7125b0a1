import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedFacesOrSkip } from '../../../test/fixtures/shared-faces.ts';
import { checkExport } from '../../../test/formats/check-export.ts';
import { createHarness, type Harness } from '../curation/testing/curation-harness.ts';

const cli = fileURLToPath(new URL('./likeness.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

describe.runIf(sharedFacesOrSkip())('likeness export (CLI)', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await createHarness({ identities: 3, imagesPerIdentity: 2, variantsPerImage: 2 });
    await harness.call('curation.decide', { variantIds: harness.variants.map((v) => v.id), status: 'accepted' });
    await harness.close();
  });

  afterAll(async () => {
    await harness.cleanup();
  });

  it('exports through the same job the UI starts, and refuses to overwrite without --overwrite', () => {
    const destination = join(harness.dir, 'cli-out');
    const run = (...extra: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', cli, 'export', harness.projectPath, '--out', destination, ...extra], {
        cwd: repoRoot,
        encoding: 'utf8',
        env: { ...process.env, LIKENESS_HOME: join(harness.dir, 'settings') },
      });
    const first = run('--split-by', 'source', '--seed', '4', '--formats', 'imagefolder,huggingface,csv');
    expect(first.stderr).not.toMatch(/INVALID|Error/);
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/files {7}18 \(6 originals, 12 variants\)/);
    expect(checkExport(destination)).toEqual([]);
    const report = JSON.parse(readFileSync(join(destination, 'export-report.json'), 'utf8'));
    expect(report.settings.split).toMatchObject({ by: 'source', seed: 4 });

    const again = run();
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/already exists/);
    expect(run('--overwrite', '--split-by', 'source', '--seed', '4').status).toBe(0);
  });
});
