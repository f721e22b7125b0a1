import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { sharedFacesOrSkip } from '../../../test/fixtures/shared-faces.ts';
import { createHarness, type Harness } from './testing/curation-harness.ts';

const child = fileURLToPath(new URL('./testing/decide-child.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

describe.runIf(sharedFacesOrSkip())('decision durability', () => {
  let harness: Harness | undefined;

  afterEach(async () => {
    await harness?.cleanup();
  });

  it('keeps a decision whose call returned even when the process is SIGKILLed right after', async () => {
    harness = await createHarness({ identities: 1, imagesPerIdentity: 1, variantsPerImage: 2 });
    const [variant] = harness.variants;
    await harness.close();

    const proc = spawn(process.execPath, ['--import', 'tsx', child, harness.projectPath, String(variant.id), `${harness.dir}/settings`], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => proc.on('exit', (_code, signal) => resolve(signal)));
    await new Promise<void>((resolve, reject) => {
      proc.stdout.on('data', (chunk: Buffer) => {
        if (!chunk.toString().includes('decided')) return;
        proc.kill('SIGKILL');
        resolve();
      });
      proc.on('exit', () => reject(new Error(`child exited before deciding: ${stderr}`)));
    });
    expect(await exited).toBe('SIGKILL');

    await harness.workspace.open(harness.projectPath, 'open');
    const row = harness.session().db.prepare('SELECT status, decided_by FROM decisions WHERE variant_id = ?').get(variant.id);
    expect(row).toEqual({ status: 'accepted', decided_by: 'child' });
    expect((await harness.call('curation.history', {})).undoLabel).toBe(`accept variant ${variant.id}`);
  });
});
