import type { GeneratorPack, Latent } from '../packs/generator-pack.ts';
import type { RecipeOp } from './edit-recipe.ts';

/**
 * Applies a recipe's ops to a source latent. Directions add strength × scale × vector over their
 * layer range (InterFaceGAN); part mixes move the part's layers toward the donor's
 * (1 − s)·source + s·donor (style mixing for a StyleGAN, region swap for the default generator).
 * Relight ops work on pixels, not latents: the renderer applies them and they leave the latent as is.
 */
export function applyOps(pack: GeneratorPack, source: Latent, ops: readonly RecipeOp[], donorLatent: (faceId: number) => Latent): Latent {
  const data = Float32Array.from(source.data);
  const width = source.width;
  for (const op of ops) {
    if (op.type === 'direction') {
      const direction = pack.directions.get(op.name);
      if (!direction) throw new Error(`pack ${pack.manifest.name} has no direction "${op.name}"`);
      const step = op.strength * direction.scale;
      const start = direction.layers[0] * width;
      for (let i = 0; i < direction.values.length; i += 1) data[start + i] += step * direction.values[i];
    } else if (op.type === 'mix') {
      const donor = donorLatent(op.donorFaceId).data;
      for (const name of op.parts) {
        const part = pack.parts.get(name);
        if (!part) throw new Error(`pack ${pack.manifest.name} has no part "${name}"`);
        for (let i = part.layers[0] * width; i < part.layers[1] * width; i += 1) data[i] += op.strength * (donor[i] - data[i]);
      }
    }
  }
  return { layers: source.layers, width, data };
}

export function latentDistance(a: Latent, b: Latent): number {
  let sum = 0;
  for (let i = 0; i < a.data.length; i += 1) sum += (a.data[i] - b.data[i]) ** 2;
  return Math.sqrt(sum);
}
