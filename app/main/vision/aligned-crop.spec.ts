import { describe, expect, it } from 'vitest';
import { sharedFacesOrSkip } from '../../../test/fixtures/shared-faces.ts';
import { sharedFaceChips, type SharedCollection } from '../synthesis/testing/shared-face-chips.ts';
import type { Affine, Point } from './affine.ts';
import { alignCrop } from './aligned-crop.ts';
import { toRgbBytes, warpAffine } from './bilinear-warp.ts';
import { frameValidShare, generatorFraming, templatePoints, transformForSize } from './face-templates.ts';
import { decodeRgb, type RgbImage } from './rgb-image.ts';
import { estimateSimilarity } from './similarity-transform.ts';

const SIZE = 256;
/** A padded run this long (1/16 of the crop) that repeats the photo's edge pixel is a stretched border, the streak the old crops had. */
const STREAK = 16;

/** FFHQ alignment of a chip from its collection's eye and mouth positions (no models needed). */
function chipAlignment(chip: ReturnType<typeof sharedFaceChips>[number], image: RgbImage): Affine {
  const [eyeL, eyeR, , mouthL, mouthR] = templatePoints('generator');
  const from = [chip.layout.eyeLeft, chip.layout.eyeRight, chip.layout.mouth].map(([x, y]) => [x * image.width, y * image.height] as const);
  const to: Point[] = [eyeL, eyeR, [(mouthL[0] + mouthR[0]) / 2, (mouthL[1] + mouthR[1]) / 2]];
  return estimateSimilarity(from, to);
}

/**
 * Padded runs (mask 0) of at least STREAK pixels, along rows and columns, that start at a real
 * pixel and copy it unchanged all the way, where the photo's edge has texture (the edge pixel
 * differs from its neighbour along the edge): the streaks edge replication draws. A flat wall
 * continued flat is not one.
 */
function streaks(data: Uint8Array, mask: Uint8Array, size: number): number {
  let found = 0;
  const pixel = (x: number, y: number) => (y * size + x) * 3;
  const same = (a: number, b: number) => data[a] === data[b] && data[a + 1] === data[b + 1] && data[a + 2] === data[b + 2];
  const textured = (a: number, b: number) =>
    Math.max(Math.abs(data[a] - data[b]), Math.abs(data[a + 1] - data[b + 1]), Math.abs(data[a + 2] - data[b + 2])) >= 4;
  const scan = (at: (i: number, j: number) => [number, number]) => {
    for (let j = 0; j < size; j++) {
      for (const dir of [1, -1]) {
        let i = dir === 1 ? 0 : size - 1;
        const end = dir === 1 ? size : -1;
        while (i !== end) {
          const [x, y] = at(i, j);
          const [px, py] = at(i - dir, j);
          const edge = i - dir >= 0 && i - dir < size && mask[y * size + x] === 0 && mask[py * size + px] === 255;
          const [nx, ny] = at(i - dir, Math.min(size - 1, j + 1));
          if (edge && mask[ny * size + nx] === 255 && textured(pixel(px, py), pixel(nx, ny))) {
            let run = 0;
            let k = i;
            while (k !== end && mask[at(k, j)[1] * size + at(k, j)[0]] === 0 && same(pixel(...at(k, j)), pixel(px, py))) {
              run++;
              k += dir;
            }
            if (run >= STREAK) found++;
          }
          i += dir;
        }
      }
    }
  };
  scan((i, j) => [i, j]);
  scan((i, j) => [j, i]);
  return found;
}

describe.runIf(sharedFacesOrSkip())('aligned crop on ../shared/faces', () => {
  const collections: [SharedCollection, number][] = [
    ['orl', 10],
    ['johns', 11],
    // 64 lights per person; every 4th keeps the run short and still covers every subset.
    ['yale', 64],
  ];

  it.each(collections)(
    'pads %s crops by blurred reflection: no padded row or column copies the border',
    async (collection, perIdentity) => {
      const chips = sharedFaceChips([collection], perIdentity).filter((_, i) => collection !== 'yale' || i % 4 === 0);
      let padded = 0;
      for (const chip of chips) {
        const image = await decodeRgb(chip.path);
        const ffhq = chipAlignment(chip, image);
        for (const reference of [ffhq, generatorFraming(ffhq, image)]) {
          const crop = await alignCrop(image, reference, { template: 'generator', size: SIZE });
          if (crop.validShare === 1) continue;
          padded++;
          expect(streaks(crop.data, crop.mask, SIZE), `${chip.path}: stretched border`).toBe(0);
        }
      }
      expect(padded).toBeGreaterThan(chips.length / 2);
    },
    120_000,
  );

  it('would catch a stretched border (edge replication fails the same check)', async () => {
    const [chip] = sharedFaceChips(['orl'], 1);
    const image = await decodeRgb(chip.path);
    const crop = await alignCrop(image, chipAlignment(chip, image), { template: 'generator', size: SIZE });
    const clamped = toRgbBytes(warpAffine(image, crop.transform, SIZE, SIZE, 'clamp')).data;
    expect(streaks(clamped, crop.mask, SIZE)).toBeGreaterThan(20);
  });

  it('leaves real pixels untouched and marks exactly them in the mask', async () => {
    const [chip] = sharedFaceChips(['johns'], 1);
    const image = await decodeRgb(chip.path);
    const reference = chipAlignment(chip, image);
    const crop = await alignCrop(image, reference, { template: 'generator', size: SIZE });
    const black = await alignCrop(image, reference, { template: 'generator', size: SIZE, border: 'black' });
    expect(crop.validShare).toBeCloseTo(frameValidShare(reference, 512, image), 1);
    expect(crop.validShare).toBeGreaterThan(0.2);
    expect(crop.validShare).toBeLessThan(0.9);
    expect(new Set(crop.mask)).toEqual(new Set([0, 255]));
    // Away from the photo's edge (where bilinear sampling mixes in the padding), real pixels are the photo's own.
    let compared = 0;
    for (let y = 2; y < SIZE - 2; y++) {
      for (let x = 2; x < SIZE - 2; x++) {
        const near = [-2, 0, 2].flatMap((dy) => [-2, 0, 2].map((dx) => crop.mask[(y + dy) * SIZE + x + dx]));
        if (near.some((m) => m === 0)) continue;
        const p = (y * SIZE + x) * 3;
        expect([...crop.data.subarray(p, p + 3)]).toEqual([...black.data.subarray(p, p + 3)]);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(SIZE * SIZE * 0.2);
  });

  it.each(['orl', 'yale', 'johns'] as const)('frames tight %s chips on the face, mostly photo', async (collection) => {
    const chips = sharedFaceChips([collection], 1);
    for (const chip of chips) {
      const image = await decodeRgb(chip.path);
      const ffhq = chipAlignment(chip, image);
      const framed = generatorFraming(ffhq, image);
      const crop = await alignCrop(image, framed, { template: 'generator', size: SIZE });
      expect(crop.validShare, chip.path).toBeGreaterThanOrEqual(Math.min(0.7, frameValidShare(ffhq, 512, image) + 0.2));
      expect(crop.validShare).toBeGreaterThanOrEqual(frameValidShare(ffhq, 512, image));
    }
  });
});

describe('generator framing', () => {
  it('keeps the whole-head FFHQ framing where the photo holds it, and zooms on the face only as far as needed', () => {
    const ffhq: Affine = [0.5, 0, 0, 0, 0.5, 0];
    // A 2000 px photo: the 512 frame covers 1024 px of it, all inside.
    expect(generatorFraming(ffhq, { width: 2000, height: 2000 })).toEqual(ffhq);
    // A photo as wide as half the frame: zoomed, and no further than the wanted share needs.
    const framed = generatorFraming(ffhq, { width: 700, height: 1024 });
    const zoom = framed[0] / ffhq[0];
    expect(zoom).toBeGreaterThan(1);
    expect(frameValidShare(framed, 512, { width: 700, height: 1024 })).toBeGreaterThanOrEqual(0.75);
    expect(frameValidShare(transformForSize(ffhq, 'generator', 512), 512, { width: 700, height: 1024 })).toBeLessThan(0.75);
  });
});
