/**
 * Variants through the product's path: recipes planned by the synthesis planner and
 * rendered by the variant renderer (the one a synthesis job runs), on faces analysed by the real
 * vision pipeline. Shared by the occlusion sheets and the in-the-wild part of `eval:augment`.
 */
import { MeshExpression, Occluder, type SynthesizeRequest } from '#api/synthesis.ts';
import type { InferenceClient } from '../app/main/inference/inference-client.ts';
import type { Recipe } from '../app/main/synthesis/edits/edit-recipe.ts';
import type { Skip } from '../app/main/synthesis/edits/edit-gate.ts';
import { DonorPool, planRecipe } from '../app/main/synthesis/edits/recipe-planner.ts';
import { GridSampler } from '../app/main/synthesis/geometry/grid-sampler.ts';
import { POSE_PRESETS } from '../app/main/synthesis/geometry/head-rotation.ts';
import type { FaceSource, SourceFace } from '../app/main/synthesis/sources/face-source.ts';
import { VariantRenderer, type RenderedVariant } from '../app/main/synthesis/variants/variant-renderer.ts';

/** One edit the evaluation and sheets make: a label and the job edit a user would pick for it. */
export interface EditRecipe {
  readonly label: string;
  readonly request: Pick<SynthesizeRequest, 'edits'>;
}

/** Every occluder as its own edit, in the order the picker lists them. */
export const OCCLUSION_EDITS: readonly EditRecipe[] = Occluder.options.map((occluder) => ({
  label: occluder,
  request: { edits: [{ type: 'occlusion', occluders: [occluder], strength: [1, 1] }] },
}));

/** Each preset head turn as its own edit (yaw ±15°, ±30°, pitch ±15°). */
export const POSE_EDITS: readonly EditRecipe[] = POSE_PRESETS.map((pose) => ({
  label: `pose yaw ${pose.yaw} pitch ${pose.pitch}`,
  request: { edits: [{ type: 'pose', poses: [pose], strength: [1, 1] }] },
}));

/** Each mesh expression as its own edit. */
export const EXPRESSION_EDITS: readonly EditRecipe[] = MeshExpression.options.map((expression) => ({
  label: expression,
  request: { edits: [{ type: 'expression', expressions: [expression], strength: [1, 1] }] },
}));

/**
 * Renders recipes for sources with the variant renderer. These edits draw on the photo and its face
 * mesh alone, so the renderer runs without a generator, as a job of them does.
 */
export class BenchVariants {
  readonly #renderer: VariantRenderer;
  readonly #faces: FaceSource;

  private constructor(client: InferenceClient, faces: FaceSource) {
    this.#faces = faces;
    this.#renderer = new VariantRenderer(null, faces, null, { sampler: new GridSampler(client) });
  }

  static async open(client: InferenceClient, faces: FaceSource): Promise<BenchVariants> {
    return new BenchVariants(client, faces);
  }

  plan(edit: EditRecipe, source: SourceFace, ordinal: number, seed = 1): Recipe {
    const request: SynthesizeRequest = {
      sources: { kind: 'all' },
      pack: { kind: 'default', refit: false },
      edits: edit.request.edits,
      variantsPerSource: ordinal + 1,
      seed,
      refineIterations: 0,
    };
    return planRecipe(null, request, new DonorPool(this.#faces.faces()), source, ordinal);
  }

  /** What the job's edit gate says of a recipe before rendering it: a job skips what it refuses. */
  refusal(recipe: Recipe): Promise<Skip | null> {
    return this.#renderer.gate.check(recipe);
  }

  render(recipes: readonly Recipe[]): Promise<RenderedVariant[]> {
    return this.#renderer.render(recipes);
  }

  async close(): Promise<void> {}
}
