/**
 * Variants through the product's path: recipes planned by the synthesis planner and
 * rendered by the variant renderer (the one a synthesis job runs), on faces analysed by the real
 * vision pipeline. Shared by the occlusion sheets and the in-the-wild part of `eval:augment`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Occluder, type SynthesizeRequest } from '#api/synthesis.ts';
import type { InferenceClient } from '../app/main/inference/inference-client.ts';
import type { Recipe } from '../app/main/synthesis/edits/edit-recipe.ts';
import { DonorPool, planRecipe } from '../app/main/synthesis/edits/recipe-planner.ts';
import type { GeneratorPack } from '../app/main/synthesis/packs/generator-pack.ts';
import { loadGeneratorPack } from '../app/main/synthesis/packs/pack-loader.ts';
import type { FaceSource, SourceFace } from '../app/main/synthesis/sources/face-source.ts';
import { writeStyleganShapedPack } from '../app/main/synthesis/testing/stylegan-shaped-pack.ts';
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

/**
 * Renders recipes for sources with the variant renderer. Pixel-space edits name a pack for
 * provenance only: a tiny StyleGAN-shaped one keeps this about the edits.
 */
export class BenchVariants {
  readonly #dir: string;
  readonly #pack: GeneratorPack;
  readonly #renderer: VariantRenderer;
  readonly #faces: FaceSource;

  private constructor(dir: string, pack: GeneratorPack, faces: FaceSource) {
    this.#dir = dir;
    this.#pack = pack;
    this.#faces = faces;
    this.#renderer = new VariantRenderer(pack, faces, null);
  }

  static async open(client: InferenceClient, faces: FaceSource): Promise<BenchVariants> {
    const dir = mkdtempSync(join(tmpdir(), 'likeness-bench-variants-'));
    await writeStyleganShapedPack(join(dir, 'pack'));
    return new BenchVariants(dir, await loadGeneratorPack(join(dir, 'pack'), client), faces);
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
    return planRecipe(this.#pack, request, new DonorPool(this.#faces.faces()), source, ordinal);
  }

  render(recipes: readonly Recipe[]): Promise<RenderedVariant[]> {
    return this.#renderer.render(recipes);
  }

  async close(): Promise<void> {
    await this.#pack.close();
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
