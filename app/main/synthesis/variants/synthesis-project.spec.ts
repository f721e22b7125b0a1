import { mkdtempSync, rmSync } from 'node:fs';
import sharp from 'sharp';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '#api/client.ts';
import { sharedFacesDir, sharedFacesOrSkip } from '../../../../test/fixtures/shared-faces.ts';
import { createAppServices, type AppServices } from '../../host/app-services.ts';
import { inProcessTransport } from '../../host/in-process-transport.ts';
import { closeSharedInferenceClient } from '../../inference/shared-inference-client.ts';
import { resolveMedia } from '../../project/media-resolver.ts';
import { vectorFromBlob } from '../../vision/analysis-store.ts';
import { DEFAULT_EMBEDDING_MODEL } from '../../vision/embedding-models.ts';
import { cosineSimilarity } from '../../vision/identity-embedder.ts';
import { validityMaskKey } from '../../media/media-keys.ts';
import { defaultVisionRuntime } from '../../vision/vision-runtime.ts';
import { ProjectFaceSource } from '../sources/project-face-source.ts';
import { cropFrame, projectCentroids, visionIdentityScorer } from '../sources/project-identity-scorer.ts';

interface Row {
  edit_kind: string;
  identity_id: number;
  id_to_source: number | null;
  id_to_centroid: number | null;
  nearest_other_identity_id: number | null;
  id_to_nearest_other: number | null;
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
      // Strong enough to change the picture: weaker light draws and hair tints are skipped as near-duplicates.
      edits: [
        { type: 'direction', name: 'light_left_right', strength: [1.5, 2] },
        { type: 'mix', parts: ['eyes', 'mouth'], donors: 'same-identity', strength: [0.8, 1] },
      ],
      variantsPerSource: 2,
      seed: 5,
    });
    const session = services.workspace.require();
    await session.jobs.idle();
    const status = session.jobs.get(jobId);
    expect(status).toMatchObject({ state: 'done', total: 22, done: 22 });
    const rows = session.db
      .prepare(
        'SELECT edit_kind, identity_id, id_to_source, id_to_centroid, nearest_other_identity_id, id_to_nearest_other, file_key FROM variants WHERE job_id = ?',
      )
      .all(jobId) as Row[];
    // Whatever was not made is in the summary with its reason; made + skipped is the plan.
    const summary = await client.call('synthesis.jobSummary', { jobId });
    expect(summary.made).toBe(rows.length);
    expect(rows.length + summary.skipped.reduce((n, s) => n + s.count, 0)).toBe(22);
    for (const skipped of summary.skipped) expect(skipped.label.length).toBeGreaterThan(10);
    expect(rows.length).toBeGreaterThan(11);
    for (const row of rows) {
      expect(session.media.has(row.file_key)).toBe(true);
      expect(row.id_to_source).toBeGreaterThan(0.5);
      expect(row.id_to_centroid).toBeGreaterThan(0.3);
      // Each variant knows the closest other person, and is still closer to its own.
      expect(row.nearest_other_identity_id).not.toBeNull();
      expect(row.nearest_other_identity_id).not.toBe(row.identity_id);
      expect(row.id_to_nearest_other!).toBeLessThan(row.id_to_centroid!);
    }
    const [after] = await client.call('synthesis.packs', {});
    expect(after.id).toEqual(expect.any(Number));
    await expect(
      client.call('synthesis.start', {
        sources: { kind: 'images', imageIds: [999_999] },
        edits: [{ type: 'mix', parts: ['hair'], donors: 'random', strength: [1, 1] }],
      }),
    ).rejects.toThrow(/no analysed faces match the chosen sources/);
  });

  it('scores a photo through the variant path on the scale of analysis (cosine ≥ 0.99 for every johns photo)', async () => {
    const session = services.workspace.require();
    const faces = new ProjectFaceSource(session, defaultVisionRuntime());
    const scorer = visionIdentityScorer(defaultVisionRuntime(), projectCentroids(session.db));
    const photos = session.db
      .prepare(
        'SELECT e.face_id AS faceId, e.vector FROM embeddings e JOIN faces f ON f.id = e.face_id WHERE f.is_primary = 1 AND e.model = ? ORDER BY e.face_id',
      )
      .all(DEFAULT_EMBEDDING_MODEL) as { faceId: number; vector: Buffer }[];
    expect(photos.length).toBeGreaterThan(50);
    const size = faces.cropSize;
    const crops = await Promise.all(photos.map((p) => faces.alignedCrop(p.faceId, size)));
    const frames = await Promise.all(photos.map((p) => cropFrame(faces, p.faceId, size)));
    const embeddings = await scorer.embed(crops, frames);
    const cosines = photos.map((p, i) => cosineSimilarity(embeddings[i], vectorFromBlob(p.vector)));
    expect(Math.min(...cosines)).toBeGreaterThanOrEqual(0.99);
  });

  it('serves each crop’s validity mask through the media route, recomputed from the stored transform', async () => {
    const session = services.workspace.require();
    const face = session.db.prepare('SELECT image_id, face_index FROM faces WHERE is_primary = 1 ORDER BY id LIMIT 1').get() as {
      image_id: number;
      face_index: number;
    };
    const key = validityMaskKey(face.image_id, face.face_index);
    const served = await resolveMedia(session, key);
    expect(served.contentType).toBe('image/png');
    const { data, info } = await sharp(served.path).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([256, 256, 1]);
    const values = new Set(data);
    expect([...values].every((v) => v === 0 || v === 255)).toBe(true);
    // Johns photos are tight chips: the crop is mostly, not entirely, photo.
    const share = data.reduce((n, v) => n + (v === 255 ? 1 : 0), 0) / data.length;
    expect(share).toBeGreaterThan(0.6);
    expect(share).toBeLessThan(1);
    const compare = await client.call('curation.compare', {
      variantId: (session.db.prepare('SELECT id FROM variants LIMIT 1').get() as { id: number }).id,
    });
    expect(compare.validityKey).toMatch(/^masks\/valid-/);
  });
});
