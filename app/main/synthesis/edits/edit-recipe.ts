import { z } from 'zod';
import { HeadPoseSpec, LightSpec, MeshExpression, Occluder } from '#api/synthesis.ts';
import { EditKind } from '../packs/pack-manifest.ts';

/**
 * The exact edit one variant received. Together with the pack (by hash) and the source face it
 * reproduces the variant byte for byte: nothing random is left unresolved in it.
 */
export const RecipeOp = z.discriminatedUnion('type', [
  /** Physically-based relighting to `light`; strength 1 goes all the way, 0.5 half way (in log shading). */
  z.object({ type: z.literal('relight'), light: LightSpec, strength: z.number() }),
  /** The head turned by `pose` × strength, re-rendered from its own face mesh. */
  z.object({ type: z.literal('pose'), pose: HeadPoseSpec, strength: z.number() }),
  /** An expression made by moving the face mesh, `strength` of the way. */
  z.object({ type: z.literal('expression'), expression: MeshExpression, strength: z.number() }),
  z.object({ type: z.literal('direction'), name: z.string(), strength: z.number() }),
  /**
   * An accessory drawn in the face's 3D frame. `style` picks among its looks (lens tint, mask
   * colour, hand placement), `side` the side it favours (the hand's side, the cap's slant); strength
   * is its opacity.
   */
  z.object({
    type: z.literal('occlusion'),
    occluder: Occluder,
    style: z.number().min(0).max(1),
    side: z.enum(['left', 'right']),
    strength: z.number(),
  }),
  z.object({ type: z.literal('mix'), parts: z.array(z.string()).min(1), donorFaceId: z.number().int(), strength: z.number() }),
]);
export type RecipeOp = z.infer<typeof RecipeOp>;

export const Recipe = z.object({
  version: z.literal(1),
  /** The generator the edit went through; null for edits made without one (physically-based relighting). */
  pack: z.object({ hash: z.string(), name: z.string(), version: z.string() }).nullable(),
  sourceFaceId: z.number().int(),
  seed: z.number().int().min(0),
  /** Latent refinement steps run on the source before editing (0: plain encoder inversion). */
  refineIterations: z.number().int().min(0),
  editKind: EditKind,
  ops: z.array(RecipeOp).min(1),
});
export type Recipe = z.infer<typeof Recipe>;
