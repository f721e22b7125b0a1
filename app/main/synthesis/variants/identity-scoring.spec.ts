import { describe, expect, it } from 'vitest';
import type { Recipe } from '../edits/edit-recipe.ts';
import type { IdentityScorer } from '../sources/face-source.ts';
import { IdentityScoring } from './identity-scoring.ts';
import type { RenderedVariant } from './variant-renderer.ts';

const image = (value: number) => ({ size: 2, data: new Float32Array(12).fill(value) });
const variant = (sourceFaceId: number, value: number): RenderedVariant => ({
  recipe: { sourceFaceId } as Recipe,
  image: image(value),
  source: image(0.5),
  frame: {
    toArcface: [1, 0, 0, 0, 1, 0],
    valid: new Float32Array(4).fill(1),
    context: { width: 1, height: 1, data: new Uint8Array(3) },
    toDlibChip: null,
  },
  png: new Uint8Array(),
  latentDeltaNorm: 1,
  diversity: 0.1,
});

const centroids = new Map([
  [1, new Float32Array([1, 0])],
  [3, new Float32Array([Math.cos(0.8), Math.sin(0.8)])],
  [4, new Float32Array([Math.cos(0.1), Math.sin(0.1)])],
]);

/** Embeds an image as a unit vector that turns with its brightness, so cosines are predictable. */
const scorer: IdentityScorer = {
  model: 'test',
  embed: async (images) => images.map((i) => new Float32Array([Math.cos(i.data[0]), Math.sin(i.data[0])])),
  centroid: (id) => centroids.get(id) ?? null,
  centroids: () => centroids,
};

describe('IdentityScoring', () => {
  it('scores variants against their source crop and their identity centroid', async () => {
    const scores = await new IdentityScoring(scorer).score([variant(7, 0.5), variant(7, 0.9)], [1, 2]);
    expect(scores[0].toSource).toBeCloseTo(1);
    expect(scores[1].toSource).toBeCloseTo(Math.cos(0.4));
    expect(scores[0].toCentroid).toBeCloseTo(Math.cos(0.5));
    expect(scores[1].toCentroid).toBeNull();
  });

  it('finds the closest identity other than the variant’s own, so "closer to someone else" can be asked', async () => {
    const [own1, own2] = await new IdentityScoring(scorer).score([variant(7, 0.5), variant(7, 0.9)], [1, 2]);
    // Angle 0.5: identity 1 is its own; of 3 (0.8) and 4 (0.1) the nearer is 3.
    expect(own1.nearestOtherId).toBe(3);
    expect(own1.toNearestOther).toBeCloseTo(Math.cos(0.3));
    // Angle 0.9, identity 2 (no centroid): 3 at 0.8 is nearest.
    expect(own2.nearestOtherId).toBe(3);
    expect(own2.toNearestOther).toBeCloseTo(Math.cos(0.1));
    expect(own2.toNearestOther!).toBeGreaterThan(own1.toNearestOther!);
  });

  it('goes on without scores, and says why, when the embedder cannot run', async () => {
    const scoring = new IdentityScoring({ ...scorer, embed: async () => Promise.reject(new Error('faceres.onnx: model file missing')) });
    expect(await scoring.score([variant(1, 0.2)], [1])).toEqual([
      { toSource: null, toCentroid: null, nearestOtherId: null, toNearestOther: null },
    ]);
    expect(scoring.note).toMatch(/identity scores unavailable \(faceres.onnx: model file missing\)/);
  });
});
