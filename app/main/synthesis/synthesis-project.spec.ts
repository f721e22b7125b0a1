import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../api/client.ts';
import { sharedFacesDir, sharedFacesOrSkip } from '../../../test/fixtures/shared-faces.ts';
import { createAppServices, type AppServices } from '../host/app-services.ts';
import { inProcessTransport } from '../host/in-process-transport.ts';
import { closeSharedInferenceClient } from '../inference/shared-inference-client.ts';

interface Row {
  edit_kind: string;
  id_to_source: number | null;
  id_to_centroid: number | null;
  file_key: string;
}

/** The product path end to end: import real photos, analyse them, synthesize through the API. */
describe.runIf(sharedFacesOrSkip())('synthesis in a real project', () => {
  const root = mkdtempSync(join(tmpdir(), 'likeness-synthesis-project-'));
  let services: AppServices;
  let client: ApiClient;

  beforeAll(async () => {
    services = createAppServices({ host: 'cli', settingsDir: join(root, 'settings'), log: () => undefined });
    client = new ApiClient(inProcessTransport(services));
    await client.call('project.create', { path: join(root, 'johns.likeness') });
    await client.call('dataset.import', { layout: 'imagefolder', root: join(sharedFacesDir, 'johns') });
    await services.workspace.require().jobs.idle();
    await client.call('vision.analyze', {});
    await services.workspace.require().jobs.idle();
  });

  afterAll(async () => {
    await services?.shutdown();
    await closeSharedInferenceClient();
    rmSync(root, { recursive: true, force: true });
  });

  it('fits the default generator on the analysed faces and scores every variant against source and centroid', async () => {
    const [before] = await client.call('synthesis.packs', {});
    expect(before).toMatchObject({ kind: 'default', id: null });
    const identities = await client.call('dataset.identities', {});
    const { jobId } = await client.call('synthesis.start', {
      sources: { kind: 'identities', identityIds: [identities[0].id] },
      edits: [
        { type: 'direction', name: 'light_left_right', strength: [-1.5, 1.5] },
        { type: 'mix', parts: ['hair'], donors: 'other-identities', strength: [0.7, 1] },
      ],
      variantsPerSource: 2,
      seed: 5,
    });
    const session = services.workspace.require();
    await session.jobs.idle();
    const status = session.jobs.get(jobId);
    expect(status).toMatchObject({ state: 'done', total: 22, done: 22 });
    const rows = session.db.prepare('SELECT edit_kind, id_to_source, id_to_centroid, file_key FROM variants WHERE job_id = ?').all(jobId) as Row[];
    expect(rows).toHaveLength(22);
    for (const row of rows) {
      expect(session.media.has(row.file_key)).toBe(true);
      expect(row.id_to_source).toBeGreaterThan(0.5);
      expect(row.id_to_centroid).toBeGreaterThan(0.3);
    }
    const [after] = await client.call('synthesis.packs', {});
    expect(after.id).toEqual(expect.any(Number));
    await expect(client.call('synthesis.start', { sources: { kind: 'images', imageIds: [999_999] }, edits: [{ type: 'mix', parts: ['hair'], donors: 'random', strength: [1, 1] }] })).rejects.toThrow(
      /no analysed faces match the chosen sources/,
    );
  });
});
