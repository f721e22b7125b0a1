import { describe, expect, it } from 'vitest';
import type { ImageDetail, VisionSummary } from '../../../../api/vision.ts';
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

const detail = (primary: number): ImageDetail => ({
  imageId: 4,
  identityId: 1,
  identityName: 'a',
  path: 'a/1.png',
  width: 100,
  height: 100,
  originalKey: 'originals/4',
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
    outlier: false,
  })),
  nearestIdentities: [],
  model: 'faceres',
});

describe('VisionState', () => {
  it('reloads the summary and the open image when the host reports new analyses', async () => {
    let analyzed = 3;
    const backend = new FakeBackend({
      'vision.summary': () => summary(analyzed),
      'vision.imageDetail': () => detail(1),
      'vision.setPrimaryFace': ({ faceId }) => detail(faceId),
    });
    const vision = new VisionState(backend.client, new Notices());
    const stop = vision.start();
    await settle();
    expect(vision.summary?.analyzed).toBe(3);
    await vision.openImage(4);
    analyzed = 7;
    backend.emit('vision.changed', { analyzed: 7, pending: 3 });
    await settle();
    expect(vision.summary?.analyzed).toBe(7);
    expect(backend.calls.filter((c) => c.command === 'vision.imageDetail')).toHaveLength(2);
    await vision.setPrimaryFace(2);
    expect(vision.detail?.faces.find((f) => f.isPrimary)?.id).toBe(2);
    stop();
  });
});
