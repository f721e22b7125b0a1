import { describe, expect, it } from 'vitest';
import type { Recipe } from './edit-recipe.ts';
import { EditGate, MIN_SOURCE_VALID_SHARE, MIN_VISIBLE_LIGHT_CHANGE } from './edit-gate.ts';
import type { FaceSource } from '../sources/face-source.ts';
import type { PlanarImage } from '../packs/image-tensor.ts';
import { multibandBlend } from './multiband-blend.ts';

const SIZE = 32;

/** Faces 1‥4: 1 all photo with a matte; 2 mostly padding; 3 all photo, no person mask; 4 photo only on its left half. */
function faces(): FaceSource {
  const valid = (faceId: number) =>
    Float32Array.from({ length: SIZE * SIZE }, (_, i) =>
      faceId === 2 ? (i < SIZE * SIZE * 0.3 ? 1 : 0) : faceId === 4 ? (i % SIZE < SIZE / 2 ? 1 : 0) : 1,
    );
  // A face-sized mesh: every landmark on a ring around the centre.
  const landmarks = Float32Array.from({ length: 468 * 2 }, (_, i) => {
    const angle = (Math.floor(i / 2) / 468) * 2 * Math.PI;
    return SIZE / 2 + (i % 2 === 0 ? Math.cos(angle) : Math.sin(angle)) * SIZE * 0.2;
  });
  const person = Float32Array.from({ length: SIZE * SIZE }, (_, i) =>
    Math.hypot((i % SIZE) - SIZE / 2, Math.floor(i / SIZE) - SIZE / 2) < SIZE * 0.4 ? 1 : 0,
  );
  return {
    faces: () => [],
    cropSize: SIZE,
    alignedCrop: async () => ({ size: SIZE, data: new Float32Array(3 * SIZE * SIZE) }),
    templateLandmarks: async () => landmarks,
    templateMesh: async () => null,
    personMask: async (faceId) => (faceId === 3 ? null : person),
    validityMask: async (faceId) => valid(faceId),
    scoringFrame: async () => [1, 0, 0, 0, 1, 0],
    scoringContext: async () => ({ width: 1, height: 1, data: new Uint8Array(3) }),
  };
}

function recipe(sourceFaceId: number, editKind: Recipe['editKind'], donorFaceId = 1): Recipe {
  const op =
    editKind === 'relight'
      ? { type: 'direction' as const, name: 'light', strength: 1 }
      : { type: 'mix' as const, parts: [editKind], donorFaceId, strength: 1 };
  return { version: 1, pack: { hash: 'h', name: 'p', version: '1' }, sourceFaceId, seed: 1, refineIterations: 0, editKind, ops: [op] };
}

const flat = (value: number): PlanarImage => ({ size: SIZE, data: new Float32Array(3 * SIZE * SIZE).fill(value) });

describe('EditGate', () => {
  it('refuses a source that is mostly padding, whatever the edit', async () => {
    const gate = new EditGate(faces(), SIZE);
    expect(await gate.check(recipe(1, 'relight'))).toBeNull();
    const skip = await gate.check(recipe(2, 'relight'));
    expect(skip?.reason).toBe('source-padding');
    expect(skip?.detail).toContain(`${MIN_SOURCE_VALID_SHARE * 100}%`);
  });

  it('allows hair and background swaps only with a matte and real pixels under it on both sides', async () => {
    const gate = new EditGate(faces(), SIZE);
    expect(await gate.check(recipe(1, 'hair', 1))).toBeNull();
    expect(await gate.check(recipe(1, 'background', 1))).toBeNull();
    expect((await gate.check(recipe(3, 'hair', 1)))?.reason).toBe('no-matte');
    expect((await gate.check(recipe(1, 'hair', 3)))?.detail).toMatch(/donor face 3/);
    expect((await gate.check(recipe(1, 'background', 4)))?.reason).toBe('region-padding');
    // Relighting needs no matte.
    expect(await gate.check(recipe(3, 'relight'))).toBeNull();
  });

  it('tells which swaps a source can never take, whatever the donor, so they are left out of its plan', async () => {
    const gate = new EditGate(faces(), SIZE);
    expect(await gate.swapRefusal(1, 'background')).toBeNull();
    expect(await gate.swapRefusal(1, 'hair')).toBeNull();
    expect((await gate.swapRefusal(3, 'hair'))?.reason).toBe('no-matte');
    expect((await gate.swapRefusal(4, 'background'))?.reason).toBe('region-padding');
    // The donor side is not the source's fault: a good source with a padded donor is refused per variant.
    expect((await gate.check(recipe(1, 'background', 4)))?.detail).toMatch(/donor/);
  });

  it('blends a swap into the source along the matte, leaving the rest of the source as it was', async () => {
    const gate = new EditGate(faces(), SIZE);
    const source = flat(0.4);
    const out = await gate.composite(recipe(1, 'background', 1), source, flat(0.8));
    const corner = out.data[0];
    const centre = out.data[(SIZE / 2) * SIZE + SIZE / 2];
    expect(corner).toBeGreaterThan(0.7);
    expect(centre).toBeCloseTo(0.4, 1);
    expect(await gate.composite(recipe(1, 'relight'), source, flat(0.8))).toEqual(flat(0.8));
  });

  it('fails a result that clips where the photo did not', () => {
    const gate = new EditGate(faces(), SIZE);
    const valid = new Float32Array(SIZE * SIZE).fill(1);
    const blown = flat(0.5);
    blown.data.fill(1, 0, SIZE * SIZE * 0.5);
    expect(gate.realism(flat(0.5), blown, valid)?.reason).toBe('realism-clipped');
    // A bright patch clipping (a lit forehead, a pale wall) is not refused: only the blown-out tail.
    const patch = flat(0.5);
    patch.data.fill(1, 0, SIZE * SIZE * 0.1);
    expect(gate.realism(flat(0.5), patch, valid)).toBeNull();
    expect(gate.realism(flat(0.5), flat(0.7), valid)).toBeNull();
    // Clipping only over padding does not count.
    const paddedOnly = new Float32Array(SIZE * SIZE).fill(1).fill(0, 0, SIZE * SIZE * 0.5);
    expect(gate.realism(flat(0.5), blown, paddedOnly)).toBeNull();
  });

  it('skips a variant that changes nothing visible, and keeps a relight, a real swap and a local mesh edit', async () => {
    const gate = new EditGate(faces(), SIZE);
    const valid = new Float32Array(SIZE * SIZE).fill(1);
    const source = flat(0.5);
    // A tint of 10/255: what the default generator's hair part gives inside the hair.
    const tint = await gate.visibleChange(recipe(1, 'hair'), source, flat(0.5 + 10 / 255), valid);
    expect(tint).toEqual({ reason: 'no-visible-change', detail: 'hair: mean change 10.0/255 over its hair (needs 40.0)' });
    // The donor's hair, 60/255 away, is a visible swap.
    expect(await gate.visibleChange(recipe(1, 'hair'), source, flat(0.5 + 60 / 255), valid)).toBeNull();
    // A relight darkening the photo by 30/255 is kept; one of 2/255 is not.
    expect(await gate.visibleChange(recipe(1, 'relight'), source, flat(0.5 - 30 / 255), valid)).toBeNull();
    expect((await gate.visibleChange(recipe(1, 'relight'), source, flat(0.5 + 2 / 255), valid))?.detail).toBe(
      'relight: mean change 2.0/255 over the photo (needs 9.5)',
    );
    expect(await gate.visibleChange(recipe(1, 'relight'), source, flat(0.5 + MIN_VISIBLE_LIGHT_CHANGE + 1e-4), valid)).toBeNull();
    // Only the photo counts: a change confined to padding is no change.
    const paddingOnly = flat(0.5);
    paddingOnly.data.fill(1, 0, SIZE * SIZE * 0.5);
    const photoHalf = new Float32Array(SIZE * SIZE).fill(1).fill(0, 0, SIZE * SIZE * 0.5);
    expect((await gate.visibleChange(recipe(1, 'relight'), source, paddingOnly, photoHalf))?.reason).toBe('no-visible-change');
    expect(await gate.visibleChange(recipe(1, 'relight'), source, paddingOnly, valid)).toBeNull();
    // Closed eyes change a small area a lot: a mesh edit is not judged by a mean.
    const eyes: Recipe = { ...recipe(1, 'expression'), ops: [{ type: 'expression', expression: 'closed-eyes', strength: 1 }] };
    const closed = flat(0.5);
    closed.data.fill(0.1, 0, 20);
    expect(await gate.visibleChange(eyes, source, closed, valid)).toBeNull();
  });
});

describe('multibandBlend', () => {
  it('is the outside image where the matte is 0, the inside where it is 1, and meets without a step', async () => {
    const size = 64;
    const outside = { size, data: Float32Array.from({ length: 3 * size * size }, (_, i) => 0.2 + 0.1 * Math.sin(i)) };
    const inside = { size, data: new Float32Array(3 * size * size).fill(0.9) };
    const zeros = new Float32Array(size * size);
    const ones = new Float32Array(size * size).fill(1);
    expect(Math.max(...(await multibandBlend(outside, inside, zeros)).data.map((v, i) => Math.abs(v - outside.data[i])))).toBeLessThan(
      1e-5,
    );
    expect(Math.max(...(await multibandBlend(outside, inside, ones)).data.map((v) => Math.abs(v - 0.9)))).toBeLessThan(1e-5);
    const half = Float32Array.from({ length: size * size }, (_, i) => (i % size < size / 2 ? 0 : 1));
    const flatOutside = { size, data: new Float32Array(3 * size * size).fill(0.2) };
    const blended = await multibandBlend(flatOutside, inside, half);
    const row = Array.from({ length: size }, (_, x) => blended.data[(size / 2) * size + x]);
    const steps = row.slice(1).map((v, x) => Math.abs(v - row[x]));
    // 0.2 → 0.9 across the seam, spread over several pixels rather than one jump.
    expect(row[0]).toBeCloseTo(0.2, 2);
    expect(row[size - 1]).toBeCloseTo(0.9, 2);
    expect(Math.max(...steps)).toBeLessThan(0.4);
  });

  it('leaves the outside image as it was away from the matte, however different the inside image is there', async () => {
    // A background swap: the matte is the ring outside a face-sized disc, and the generator's image
    // also changed the face (brighter on one side, darker on the other).
    const size = 256;
    const at = (i: number) => [i % size, Math.floor(i / size) % size] as const;
    const fromCentre = (i: number) => Math.hypot(at(i)[0] - size / 2, at(i)[1] - size / 2);
    const outside = { size, data: Float32Array.from({ length: 3 * size * size }, (_, i) => 0.4 + 0.1 * Math.sin(i * 0.37)) };
    const inside = {
      size,
      data: outside.data.map((v, i) => (fromCentre(i) < 80 ? v + (at(i)[0] < size / 2 ? 0.4 : -0.3) : 0.9)),
    };
    const ring = Float32Array.from({ length: size * size }, (_, i) => (fromCentre(i) >= 96 ? 1 : 0));
    const blended = await multibandBlend(outside, inside, ring);
    let worst = 0;
    for (let i = 0; i < blended.data.length; i++) {
      if (fromCentre(i) < 64) worst = Math.max(worst, Math.abs(blended.data[i] - outside.data[i]));
    }
    // Under one grey level: the face shows no trace of what the swap's generator did to it.
    expect(worst).toBeLessThan(1 / 255);
    expect(blended.data[3 * 1000]).toBeCloseTo(0.9, 1);
  });
});
