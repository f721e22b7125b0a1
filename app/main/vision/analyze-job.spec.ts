import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedFacesDir, sharedFacesOrSkip } from '../../../test/fixtures/shared-faces.ts';
import { datasetHandlers } from '../dataset/dataset-api.ts';
import { importJobHandler } from '../dataset/import-job.ts';
import { EventBus } from '../core/event-bus.ts';
import { InferenceClient } from '../inference/inference-client.ts';
import { Workspace } from '../project/workspace.ts';
import { analysisCounts } from './analysis-store.ts';
import { analyzeJobHandler } from './analyze-job.ts';
import { DEFAULT_EMBEDDING_MODEL } from './embedding-models.ts';
import { visionHandlers } from './vision-api.ts';
import { VisionRuntime } from './vision-runtime.ts';
import { faceMediaProducer } from './face-media.ts';

describe.runIf(sharedFacesOrSkip())('analyze job on the johns photos', () => {
  let dir: string;
  let client: InferenceClient;
  let workspace: Workspace;
  let vision: ReturnType<typeof visionHandlers>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'likeness-analyze-'));
    client = new InferenceClient();
    const runtime = new VisionRuntime(client);
    const events = new EventBus();
    workspace = new Workspace({
      settingsDir: join(dir, 'settings'),
      events,
      jobHandlers: (session) => [importJobHandler(session, events), analyzeJobHandler(session, events, () => runtime)],
      mediaProducer: faceMediaProducer,
    });
    vision = visionHandlers(workspace, events);
    await workspace.open(join(dir, 'johns.likeness'), 'create');
    await datasetHandlers(workspace)['dataset.import']({ layout: 'imagefolder', root: join(sharedFacesDir, 'johns') });
    await workspace.require().jobs.idle();
  });

  afterAll(async () => {
    await workspace?.close();
    await client?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stops when cancelled, keeps what it committed, and finishes the rest when resumed', async () => {
    const session = workspace.require();
    const total = analysisCounts(session.db).images;
    expect(total).toBeGreaterThan(50);
    const jobId = session.jobs.enqueue('analyze', { batchSize: 4 }).id;
    while (analysisCounts(session.db).analyzed < 8) await new Promise((r) => setTimeout(r, 20));
    session.jobs.cancel(jobId);
    await session.jobs.idle();
    expect(session.jobs.get(jobId).state).toBe('cancelled');
    const afterCancel = analysisCounts(session.db).analyzed;
    expect(afterCancel).toBeGreaterThanOrEqual(8);
    expect(afterCancel).toBeLessThan(total);

    session.jobs.resume(jobId);
    await session.jobs.idle();
    expect(session.jobs.get(jobId).state).toBe('done');
    expect(analysisCounts(session.db)).toEqual({ images: total, analyzed: total, pending: 0 });
    const perImage = session.db.prepare('SELECT count(*) AS n FROM faces WHERE is_primary = 1').get() as { n: number };
    expect(perImage.n).toBe(total);
  });

  it('builds a centroid per identity, and the detail view finds the image’s own identity nearest', async () => {
    const session = workspace.require();
    const centroids = session.db.prepare('SELECT count(*) AS n FROM identity_centroids WHERE model = ?').get(DEFAULT_EMBEDDING_MODEL) as {
      n: number;
    };
    expect(centroids.n).toBe(5);
    const someImage = session.db.prepare('SELECT id, identity_id FROM images ORDER BY id LIMIT 1').get() as {
      id: number;
      identity_id: number;
    };
    const detail = await vision['vision.imageDetail']({ imageId: someImage.id });
    expect(detail.analysis?.status).toBe('ok');
    expect(detail.faces).toHaveLength(1);
    expect(detail.faces[0].landmarks).toHaveLength(468);
    expect(detail.faces[0].alignedKey).toMatch(/^aligned\//);
    expect(detail.nearestIdentities[0].identityId).toBe(someImage.identity_id);
  });

  it('flags a face filed under the wrong person as an outlier', async () => {
    const session = workspace.require();
    const [a, b] = session.db.prepare('SELECT id FROM identities ORDER BY id LIMIT 2').all() as { id: number }[];
    const stray = session.db.prepare('SELECT id FROM images WHERE identity_id = ? ORDER BY id LIMIT 1').get(b.id) as { id: number };
    session.db.prepare('UPDATE images SET identity_id = ? WHERE id = ?').run(a.id, stray.id);
    const { recomputeCentroids } = await import('./identity-centroids.ts');
    recomputeCentroids(session.db);
    const faces = await vision['vision.identityFaces']({ identityId: a.id, order: 'farthest' });
    expect(faces.faces[0].imageId).toBe(stray.id);
    expect(faces.faces[0].outlier).toBe(true);
    expect(faces.outliers).toBeLessThanOrEqual(2);
  });
});
