import { describe, expect, it } from 'vitest';
import { ApiError } from '#api/errors.ts';
import type { IdentityFaces, ImageDetail, VisionSummary } from '#api/vision.ts';
import { FakeBackend, settle } from '../testing/fake-backend.ts';
import { Notices } from './notices.svelte.ts';
import { VisionState } from './vision-state.svelte.ts';

const summary = (analyzed: number): VisionSummary => ({
  images: 10,
  analyzed,
  pending: 10 - analyzed,
  byStatus: { ok: analyzed, no_face: 0, multiple_faces: 0, error: 0 },
  outliers: 0,
  model: 'faceres',
});

const detail = (imageId: number, primary = 1): ImageDetail => ({
  imageId,
  identityId: 1,
  identityName: 'a',
  path: `a/${imageId}.png`,
  width: 100,
  height: 100,
  originalKey: `originals/${imageId}`,
  analysis: { status: 'multiple_faces', faceCount: 2, error: null, models: ['faceres'], analyzedAt: '2025-01-01T00:00:00Z' },
  faces: [1, 2].map((id) => ({
    id,
    faceIndex: id - 1,
    box: { x: 0, y: 0, width: 10, height: 10 },
    score: 0.9,
    quality: 0.5,
    isPrimary: id === primary,
    landmarks: [],
    fivePoints: [],
    alignedKey: null,
    maskKey: null,
    centroidSimilarity: null,
    pose: null,
    qualityFlags: [],
    outlier: false,
  })),
  nearestIdentities: [],
  model: 'faceres',
});

const faces = (identityId: number, order: 'farthest' | 'nearest' = 'farthest'): IdentityFaces => ({
  identityId,
  name: `person-${identityId}`,
  model: 'faceres',
  centroidFaces: 2,
  outliers: 1,
  faces: [0.1, 0.6]
    .map((distance, i) => ({
      faceId: i + 1,
      imageId: i + 1,
      path: `${i + 1}.png`,
      alignedKey: null,
      thumbKey: null,
      quality: 0.8,
      similarity: 1 - distance,
      distance,
      outlier: distance > 0.5,
    }))
    .sort((a, b) => (order === 'farthest' ? b.distance - a.distance : a.distance - b.distance)),
});

/** A reply the spec releases by hand, to reorder answers. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('VisionState', () => {
  it('reloads the summary, the open image and the shown faces on refresh', async () => {
    let analyzed = 3;
    const backend = new FakeBackend({
      'vision.summary': () => summary(analyzed),
      'vision.imageDetail': ({ imageId }) => detail(imageId),
      'vision.identityFaces': ({ identityId, order }) => faces(identityId, order),
    });
    const vision = new VisionState(backend.client, new Notices());
    vision.adopt();
    await settle();
    expect(vision.summary?.analyzed).toBe(3);
    vision.setIdentity(1);
    vision.showFaces(true);
    await vision.openImage(4);
    await settle();
    analyzed = 7;
    vision.refresh();
    await settle();
    expect(vision.summary?.analyzed).toBe(7);
    expect(backend.callsOf('vision.imageDetail')).toEqual([{ imageId: 4 }, { imageId: 4 }]);
    expect(backend.callsOf('vision.identityFaces')).toHaveLength(2);
  });

  it('keeps the latest image asked for, and a closed detail closed, whatever order the answers come in', async () => {
    const replies = new Map<number, ReturnType<typeof deferred<ImageDetail>>>();
    const backend = new FakeBackend({
      'vision.imageDetail': ({ imageId }) => {
        const reply = deferred<ImageDetail>();
        replies.set(imageId, reply);
        return reply.promise;
      },
    });
    const vision = new VisionState(backend.client, new Notices());
    const first = vision.openImage(1);
    const second = vision.openImage(2);
    await settle();
    replies.get(2)!.resolve(detail(2));
    await second;
    replies.get(1)!.resolve(detail(1));
    await first;
    expect(vision.detail?.imageId).toBe(2);

    const third = vision.openImage(3);
    await settle();
    vision.closeImage();
    replies.get(3)!.resolve(detail(3));
    await third;
    expect(vision.detail).toBeNull();
  });

  it('loads faces only while the faces view is shown, for the selected identity and order', async () => {
    const backend = new FakeBackend({ 'vision.identityFaces': ({ identityId, order }) => faces(identityId, order) });
    const vision = new VisionState(backend.client, new Notices());
    vision.showFaces(true);
    expect(vision.facesShown).toBe(false);

    vision.setIdentity(2);
    await settle();
    expect(backend.callsOf('vision.identityFaces')).toEqual([]);

    vision.showFaces(true);
    await settle();
    expect(vision.identity?.identityId).toBe(2);
    expect(vision.identity?.faces.map((f) => f.distance)).toEqual([0.6, 0.1]);

    vision.setOrder('nearest');
    await settle();
    expect(backend.callsOf('vision.identityFaces').at(-1)).toEqual({ identityId: 2, order: 'nearest' });
    expect(vision.identity?.faces.map((f) => f.distance)).toEqual([0.1, 0.6]);

    vision.setIdentity(3);
    expect(vision.identity).toBeNull();
    await settle();
    expect(vision.identity?.identityId).toBe(3);

    vision.setIdentity(null);
    expect(vision.facesShown).toBe(false);
    expect(vision.identity).toBeNull();
  });

  it('makes another face the subject and shows the host’s answer', async () => {
    const backend = new FakeBackend({
      'vision.imageDetail': ({ imageId }) => detail(imageId),
      'vision.setPrimaryFace': ({ imageId, faceId }) => detail(imageId, faceId),
    });
    const vision = new VisionState(backend.client, new Notices());
    await vision.openImage(4);
    await vision.setPrimaryFace(2);
    expect(backend.callsOf('vision.setPrimaryFace')).toEqual([{ imageId: 4, faceId: 2 }]);
    expect(vision.detail?.faces.find((f) => f.isPrimary)?.id).toBe(2);
  });

  it('starts the analysis, and reports a refusal', async () => {
    const backend = new FakeBackend({ 'vision.analyze': () => ({ jobId: 9 }) });
    const notices = new Notices();
    const vision = new VisionState(backend.client, notices);
    await vision.analyze();
    expect(backend.callsOf('vision.analyze')).toEqual([{ imageIds: [] }]);
    expect(vision.starting).toBe(false);

    backend.handlers['vision.analyze'] = () => {
      throw new ApiError('NO_PROJECT', 'no project is open');
    };
    await vision.analyze([3]);
    expect(notices.items.map((n) => [n.code, n.context])).toEqual([['NO_PROJECT', 'Starting face analysis']]);
  });

  it('forgets everything of the previous project', async () => {
    const backend = new FakeBackend({
      'vision.summary': () => summary(2),
      'vision.imageDetail': ({ imageId }) => detail(imageId),
      'vision.identityFaces': ({ identityId, order }) => faces(identityId, order),
    });
    const vision = new VisionState(backend.client, new Notices());
    vision.adopt();
    vision.setIdentity(1);
    vision.showFaces(true);
    await vision.openImage(1);
    await settle();
    vision.clear();
    expect([vision.summary, vision.identity, vision.detail, vision.facesShown]).toEqual([null, null, null, false]);
    vision.showFaces(true);
    expect(vision.facesShown).toBe(false);
  });
});
