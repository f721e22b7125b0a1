import type { GeneratorPack, Latent } from '../packs/generator-pack.ts';
import { cosineSimilarity } from '../../vision/identity-embedder.ts';
import type { CropFrame, IdentityScorer } from '../sources/face-source.ts';
import type { PlanarImage } from '../packs/image-tensor.ts';
import { SeededRandom } from '../../core/seeded-random.ts';

export interface RefineOptions {
  readonly iterations: number;
  readonly seed: number;
  /** Identity embedder for the identity term; without one only pixels count. */
  readonly scorer: IdentityScorer | null;
  /** The target crop's frame at the pack's output size: scoring needs it, so without one only pixels count. */
  readonly frame?: CropFrame;
  /** Weight of (1 − cosine) against the mean squared pixel error (pixels in 0‥1). */
  readonly identityWeight?: number;
  /** Candidates tried per iteration, all synthesized in one batch. */
  readonly candidates?: number;
  readonly signal?: AbortSignal;
  readonly onIteration?: (done: number, total: number) => void;
}

export interface RefineResult {
  readonly latent: Latent;
  readonly before: LossParts;
  readonly after: LossParts;
}

export interface LossParts {
  readonly pixel: number;
  /** Cosine between the reconstruction's and the target's embeddings (null without a scorer). */
  readonly identity: number | null;
  readonly total: number;
}

/**
 * Gradient-free latent refinement: a (1, λ) random-direction search with step-size adaptation
 * (grow on success, shrink on failure), per-layer steps scaled to the layer's magnitude. It needs
 * only forward runs, so it works on any pack, including ONNX graphs without gradients.
 */
export async function refineLatent(pack: GeneratorPack, start: Latent, target: PlanarImage, options: RefineOptions): Promise<RefineResult> {
  const identityWeight = options.identityWeight ?? 0.02;
  const candidates = options.candidates ?? 8;
  const random = new SeededRandom(options.seed);
  const { scorer, frame } = options;
  const scoring = scorer && frame ? { scorer, frame } : null;
  const targetEmbedding = scoring ? (await scoring.scorer.embed([target], [scoring.frame]))[0] : null;
  const evaluate = async (latents: readonly Latent[]): Promise<LossParts[]> => {
    const images = await pack.synthesize(latents);
    const embeddings = scoring
      ? await scoring.scorer.embed(
          images,
          images.map(() => scoring.frame),
        )
      : null;
    return images.map((image, i) => {
      const pixel = meanSquaredError(image, target);
      const identity = embeddings && targetEmbedding ? cosineSimilarity(embeddings[i], targetEmbedding) : null;
      return { pixel, identity, total: pixel + (identity === null ? 0 : identityWeight * (1 - identity)) };
    });
  };

  const { layers, width } = start;
  const layerRms = Array.from({ length: layers }, (_, l) => {
    let s = 0;
    for (let i = l * width; i < (l + 1) * width; i += 1) s += start.data[i] ** 2;
    return Math.sqrt(s / width) + 1e-3;
  });
  let best = start;
  const [before] = await evaluate([start]);
  let bestLoss = before;
  let step = 0.1;
  for (let it = 0; it < options.iterations; it += 1) {
    options.signal?.throwIfAborted();
    const trial = Array.from({ length: candidates }, () => {
      const data = Float32Array.from(best.data);
      for (let l = 0; l < layers; l += 1) {
        const sigma = step * layerRms[l];
        for (let i = l * width; i < (l + 1) * width; i += 1) data[i] += sigma * random.normal();
      }
      return { layers, width, data };
    });
    const losses = await evaluate(trial);
    let winner = -1;
    losses.forEach((loss, i) => {
      if (loss.total < (winner < 0 ? bestLoss.total : losses[winner].total)) winner = i;
    });
    if (winner >= 0) {
      best = trial[winner];
      bestLoss = losses[winner];
      step *= 1.5;
    } else {
      step *= 0.7;
    }
    options.onIteration?.(it + 1, options.iterations);
  }
  return { latent: best, before, after: bestLoss };
}

function meanSquaredError(a: PlanarImage, b: PlanarImage): number {
  if (a.size !== b.size) throw new Error(`refinement target is ${b.size}px, the pack renders ${a.size}px`);
  let s = 0;
  for (let i = 0; i < a.data.length; i += 1) s += (a.data[i] - b.data[i]) ** 2;
  return s / a.data.length;
}
