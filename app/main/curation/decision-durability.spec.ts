import { afterEach, describe, expect, it } from 'vitest';
import { killWhen, startProjectChild } from '../../../test/fixtures/project-child-process.ts';
import { sharedFacesOrSkip } from '../../../test/fixtures/shared-faces.ts';
import { createHarness, type Harness } from './testing/curation-harness.ts';

describe.runIf(sharedFacesOrSkip())('decision durability', () => {
  let harness: Harness | undefined;

  afterEach(async () => {
    await harness?.cleanup();
  });

  it('keeps a decision whose call returned even when the process is SIGKILLed right after', async () => {
    harness = await createHarness({ identities: 1, imagesPerIdentity: 1, variantsPerImage: 2 });
    const [variant] = harness.variants;
    await harness.close();

    const run = startProjectChild(['decide-one', `${harness.dir}/settings`, harness.projectPath, String(variant.id)]);
    expect(await killWhen(run, () => run.lines.some((line) => line.startsWith('decided ')))).toBe(true);

    await harness.workspace.open(harness.projectPath, 'open');
    const row = harness.session().db.prepare('SELECT status, decided_by FROM decisions WHERE variant_id = ?').get(variant.id);
    expect(row).toEqual({ status: 'accepted', decided_by: 'child' });
    expect((await harness.call('curation.history', {})).undoLabel).toBe(`accept variant ${variant.id}`);
  });
});
