import { flushSync } from 'svelte';
import { describe, expect, it } from 'vitest';
import { FakeBackend, settle } from '../testing/fake-backend.ts';
import { VisionBadges } from './vision-badges.svelte.ts';

describe('VisionBadges', () => {
  it('fetches the badges tiles ask for in one call, and refetches them after new analyses', async () => {
    let quality = 0.5;
    const backend = new FakeBackend({
      'vision.imageBadges': ({ imageIds }) => imageIds.map((imageId) => ({ imageId, status: 'ok', faceCount: 1, quality, outlier: imageId === 2 })),
    });
    const badges = new VisionBadges(backend.client);
    const stop = badges.start();
    expect(badges.get(1)).toBeUndefined();
    expect(badges.get(2)).toBeUndefined();
    await settle();
    flushSync();
    expect(backend.calls.filter((c) => c.command === 'vision.imageBadges')).toHaveLength(1);
    expect(badges.get(2)?.outlier).toBe(true);
    quality = 0.9;
    backend.emit('vision.changed', { analyzed: 2, pending: 0 });
    await settle();
    expect(badges.get(1)?.quality).toBe(0.9);
    stop();
  });
});
