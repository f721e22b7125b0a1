import { describe, expect, it } from 'vitest';
import type { EditSpec, SynthesizeRequest } from '#api/synthesis.ts';
import { DonorPool, planRecipe } from './recipe-planner.ts';

const faces = [1, 2, 3].map((id) => ({ faceId: id, imageId: id, identityId: id }));
const edits: EditSpec[] = [
  { type: 'relight', strength: [1, 1] },
  { type: 'occlusion', strength: [1, 1] },
  { type: 'pose', strength: [1, 1] },
];
const request: SynthesizeRequest = {
  sources: { kind: 'all' },
  pack: { kind: 'default', refit: false },
  edits,
  variantsPerSource: 6,
  seed: 7,
  refineIterations: 0,
};

describe('planRecipe', () => {
  it('deals a source’s own edits in turn when some are left out of its plan, and the same recipes otherwise', () => {
    const donors = new DonorPool(faces);
    const plan = (source: number, own?: readonly EditSpec[]) =>
      Array.from({ length: 6 }, (_, ordinal) => planRecipe(null, request, donors, faces[source], ordinal, own));
    expect(plan(0).map((r) => r.ops[0].type)).toEqual(['relight', 'occlusion', 'pose', 'relight', 'occlusion', 'pose']);
    expect(plan(0, edits)).toEqual(plan(0));
    const without = plan(1, [edits[0], edits[2]]);
    expect(without.map((r) => r.ops[0].type)).toEqual(['relight', 'pose', 'relight', 'pose', 'relight', 'pose']);
    // Lights still go in turn: the source's three relights are three distinct lamps.
    const lights = without.flatMap((r) => (r.ops[0].type === 'relight' ? [JSON.stringify(r.ops[0].light)] : []));
    expect(new Set(lights).size).toBe(3);
  });
});
