import { describe, expect, it } from 'vitest';
import { ApiError } from '#api/errors.ts';
import type { ImageBadge } from '#api/vision.ts';
import { FakeBackend, settle } from '../testing/fake-backend.ts';
import { Notices } from './notices.svelte.ts';
import { VisionBadges } from './vision-badges.svelte.ts';

function host(quality: () => number) {
  return new FakeBackend({
    'vision.imageBadges': ({ imageIds }) =>
      imageIds.map((imageId): ImageBadge => ({ imageId, status: 'ok', faceCount: 1, quality: quality(), outlier: imageId === 2 })),
  });
}

describe('VisionBadges', () => {
  it('fetches the badges tiles ask for in one tick with one call', async () => {
    const backend = host(() => 0.5);
    const badges = new VisionBadges(backend.client, new Notices());
    expect(badges.get(1)).toBeUndefined();
    expect(badges.get(2)).toBeUndefined();
    expect(badges.get(1)).toBeUndefined();
    await settle();
    expect(backend.callsOf('vision.imageBadges')).toEqual([{ imageIds: [1, 2] }]);
    expect(badges.get(2)?.outlier).toBe(true);
    expect(backend.callsOf('vision.imageBadges')).toHaveLength(1);
  });

  it('after new analyses refetches only the badges asked for again, showing the old ones meanwhile', async () => {
    let quality = 0.5;
    const backend = host(() => quality);
    const badges = new VisionBadges(backend.client, new Notices());
    for (const id of [1, 2, 3]) badges.get(id);
    await settle();
    quality = 0.9;
    badges.invalidate();
    expect(badges.get(1)?.quality).toBe(0.5);
    await settle();
    expect(backend.callsOf('vision.imageBadges').at(-1)).toEqual({ imageIds: [1] });
    expect(badges.get(1)?.quality).toBe(0.9);
    expect(badges.get(3)?.quality).toBe(0.5);
  });

  it('drops answers that arrive after a project switch', async () => {
    let release!: () => void;
    const backend = host(() => 0.5);
    const answer = backend.handlers['vision.imageBadges']!;
    backend.handlers['vision.imageBadges'] = (input) => new Promise((resolve) => (release = () => resolve(answer(input))));
    const badges = new VisionBadges(backend.client, new Notices());
    badges.get(1);
    await settle();
    badges.clear();
    release();
    await settle();
    backend.handlers['vision.imageBadges'] = answer;
    expect(badges.get(1)).toBeUndefined();
    await settle();
    expect(badges.get(1)?.quality).toBe(0.5);
  });

  it('reports a failed fetch and asks again the next time the tile renders', async () => {
    const backend = host(() => 0.5);
    const answer = backend.handlers['vision.imageBadges']!;
    backend.handlers['vision.imageBadges'] = () => {
      throw new ApiError('NO_PROJECT', 'no project is open');
    };
    const notices = new Notices();
    const badges = new VisionBadges(backend.client, notices);
    badges.get(1);
    await settle();
    expect(notices.items.map((n) => n.code)).toEqual(['NO_PROJECT']);
    backend.handlers['vision.imageBadges'] = answer;
    badges.get(1);
    await settle();
    expect(badges.get(1)?.status).toBe('ok');
  });
});
