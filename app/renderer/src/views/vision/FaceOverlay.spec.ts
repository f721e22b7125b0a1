import { flushSync, mount, unmount } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { FaceDetail } from '#api/vision.ts';
import FaceOverlay from './FaceOverlay.svelte';

function face(id: number, isPrimary: boolean, x: number): FaceDetail {
  return {
    id,
    faceIndex: id - 1,
    box: { x, y: 10, width: 40, height: 50 },
    score: 0.9,
    quality: 0.7,
    isPrimary,
    landmarks: Array.from({ length: 468 }, (_, i) => [x + (i % 40), 10 + (i % 50)] as [number, number]),
    fivePoints: [
      [x + 10, 25],
      [x + 30, 25],
      [x + 20, 35],
      [x + 12, 48],
      [x + 28, 48],
    ],
    alignedKey: null,
    maskKey: null,
    centroidSimilarity: null,
    pose: null,
    qualityFlags: [],
    outlier: false,
  };
}

describe('FaceOverlay', () => {
  let component: ReturnType<typeof mount> | null = null;
  afterEach(() => {
    if (component) unmount(component);
    component = null;
    document.body.innerHTML = '';
  });

  it('draws every face’s box and five points in image coordinates, and the mesh of the selected face', () => {
    const selected: number[] = [];
    component = mount(FaceOverlay, {
      target: document.body,
      props: {
        width: 200,
        height: 100,
        faces: [face(1, true, 10), face(2, false, 120)],
        selectedFaceId: 1,
        onselect: (id: number) => selected.push(id),
      },
    });
    flushSync();
    const svg = document.querySelector('[data-testid="vision-overlay"]')!;
    expect(svg.getAttribute('viewBox')).toBe('0 0 200 100');
    expect(document.querySelectorAll('[data-testid="overlay-face"]')).toHaveLength(2);
    const points = document.querySelectorAll('[data-testid="landmark-point"]');
    expect(points).toHaveLength(10);
    expect(points[0].getAttribute('cx')).toBe('20');
    expect(document.querySelectorAll('circle.mesh')).toHaveLength(468);
    document.querySelectorAll<SVGRectElement>('rect')[1].dispatchEvent(new MouseEvent('click', { bubbles: true }));
    expect(selected).toEqual([2]);
  });
});
