/**
 * Does the realism check's clipping refusal keep out variants that would hurt recognition, or the
 * ones that help? (`npm run eval:clipping` → bench/results/realism-clipping.json)
 * On Yale the relight variants never clip (greyscale, dim sources: see augment.json's `clipping`),
 * so the refusal is judged where it fires: johns, colour photos, 5 people × 11. Every photo is a
 * source, cropped, meshed and relit as the job does (AnalysedPhotoSource, the relight presets),
 * and each variant scored as a photo is (detect → align → embed). Per variant: its newly clipped
 * share (the check's measure) and its gain (mean cosine to the same person's other photos minus
 * its source's). Rank-1 by nearest neighbour and nearest centroid, averaged over the 11 choices of
 * the one gallery photo per person, for the real gallery, + every variant, and + the variants each
 * candidate limit would keep.
 */
import type { VisionRuntime } from '../app/main/vision/vision-runtime.ts';
import { DEFAULT_EMBEDDING_MODEL } from '../app/main/vision/embedding-models.ts';
import { analyseImage } from '../app/main/vision/face-analysis.ts';
import { decodeRgb } from '../app/main/vision/rgb-image.ts';
import { cosineSimilarity, l2Normalise } from '../app/main/vision/identity-embedder.ts';
import { AnalysedPhotoSource } from '../app/main/synthesis/testing/analysed-photo-source.ts';
import { sharedFaceChips } from '../app/main/synthesis/testing/shared-face-chips.ts';
import { prepareRelight, renderRelight, RELIGHT_CROP_SIZE } from '../app/main/synthesis/relight/relight-face.ts';
import { RELIGHT_PRESETS } from '../app/main/synthesis/relight/light-spec.ts';
import { MAX_NEWLY_CLIPPED_SHARE, newlyClippedShare } from '../app/main/synthesis/edits/edit-gate.ts';
import { runAsScript, withVision } from './bench-main.ts';
import { writeBenchResult } from './bench-results.ts';
import { embedAsPhoto } from './yale-faces.ts';

const LIMITS = [0.03, 0.05, 0.1, 0.2, 1] as const;

interface Photo {
  readonly faceId: number;
  readonly person: number;
  readonly embedding: Float32Array;
}

interface Variant {
  readonly faceId: number;
  readonly person: number;
  readonly light: number;
  readonly clipped: number;
  readonly gain: number;
  readonly embedding: Float32Array;
}

const round = (v: number, digits = 4) => Math.round(v * 10 ** digits) / 10 ** digits;
const mean = (v: readonly number[]) => (v.length ? round(v.reduce((s, x) => s + x, 0) / v.length) : null);

function identify(
  gallery: readonly { person: number; embedding: Float32Array }[],
  probes: readonly Photo[],
  rule: 'nn' | 'centroid',
): number {
  let candidates = gallery;
  if (rule === 'centroid') {
    const sums = new Map<number, Float32Array>();
    for (const g of gallery) {
      const sum = sums.get(g.person) ?? new Float32Array(g.embedding.length);
      for (let i = 0; i < sum.length; i += 1) sum[i] += g.embedding[i];
      sums.set(g.person, sum);
    }
    candidates = [...sums].map(([person, sum]) => ({ person, embedding: l2Normalise(sum) }));
  }
  let hits = 0;
  for (const probe of probes) {
    let best = -Infinity;
    let who = -1;
    for (const c of candidates) {
      const s = cosineSimilarity(probe.embedding, c.embedding);
      if (s > best) [best, who] = [s, c.person];
    }
    if (who === probe.person) hits += 1;
  }
  return hits / probes.length;
}

export async function evaluateRealismClipping(vision: VisionRuntime) {
  const chips = sharedFaceChips(['johns']);
  const faces = await AnalysedPhotoSource.analyse(
    chips.map((c) => ({ path: c.path, identityId: c.identityId })),
    vision,
  );
  const photos: Photo[] = [];
  for (const face of faces.faces()) {
    const analysis = await analyseImage(await decodeRgb(chips[face.imageId - 1].path), vision, {
      embeddingModels: [DEFAULT_EMBEDDING_MODEL],
      maxFaces: 1,
    });
    if (analysis.primary === null) continue;
    photos.push({
      faceId: face.faceId,
      person: face.identityId!,
      embedding: analysis.faces[analysis.primary].embeddings[DEFAULT_EMBEDDING_MODEL]!,
    });
  }
  const variants: Variant[] = [];
  let noFace = 0;
  for (const photo of photos) {
    const size = RELIGHT_CROP_SIZE;
    const image = await faces.alignedCrop(photo.faceId, size);
    const validity = await faces.validityMask(photo.faceId, size);
    const prepared = prepareRelight({ image, landmarks: (await faces.templateMesh(photo.faceId, size))!, validity });
    const others = photos.filter((p) => p.person === photo.person && p !== photo);
    const meanTo = (e: Float32Array) => others.reduce((s, p) => s + cosineSimilarity(e, p.embedding), 0) / others.length;
    const sourceMean = meanTo(photo.embedding);
    for (const [light, spec] of RELIGHT_PRESETS.entries()) {
      const relit = renderRelight(prepared, spec).image;
      const embedding = await embedAsPhoto(relit, vision);
      if (!embedding) {
        noFace += 1;
        continue;
      }
      const clipped = newlyClippedShare(image, relit, validity);
      variants.push({ faceId: photo.faceId, person: photo.person, light, clipped, gain: meanTo(embedding) - sourceMean, embedding });
    }
  }
  // The gallery is each person's r-th photo, for every r; the probes are the rest.
  const byPerson = new Map<number, Photo[]>();
  for (const p of photos) byPerson.set(p.person, [...(byPerson.get(p.person) ?? []), p]);
  const rotations = Math.min(...[...byPerson.values()].map((v) => v.length));
  const rank1 = (keep: (v: Variant) => boolean) => {
    const rates = { nearestNeighbour: 0, nearestCentroid: 0, variants: 0 };
    for (let r = 0; r < rotations; r += 1) {
      const gallery = [...byPerson.values()].map((v) => v[r]);
      const probes = photos.filter((p) => !gallery.includes(p));
      const added = variants.filter((v) => gallery.some((g) => g.faceId === v.faceId) && keep(v));
      const entries = [...gallery, ...added];
      rates.nearestNeighbour += identify(entries, probes, 'nn') / rotations;
      rates.nearestCentroid += identify(entries, probes, 'centroid') / rotations;
      rates.variants += added.length / rotations;
    }
    return {
      nearestNeighbour: round(rates.nearestNeighbour),
      nearestCentroid: round(rates.nearestCentroid),
      variantsPerGallery: round(rates.variants, 1),
    };
  };
  return {
    protocol:
      'johns, 5 people × 11 photos; every photo relit to the 16 presets (job crop path), scored detect → align → embed; rank-1 averaged over the 11 choices of one gallery photo per person, probes = the other 50.',
    embeddingModel: DEFAULT_EMBEDDING_MODEL,
    photos: photos.length,
    variants: variants.length,
    variantsWithoutFace: noFace,
    checkLimit: MAX_NEWLY_CLIPPED_SHARE,
    rank1: {
      real: rank1(() => false),
      ...Object.fromEntries(
        LIMITS.map((limit) => [
          limit === 1 ? 'plusAllVariants' : `plusVariantsClippingAtMost${limit * 100}pct`,
          rank1((v) => v.clipped <= limit),
        ]),
      ),
    },
    byLimit: LIMITS.slice(0, -1).map((limit) => ({
      limit,
      refused: variants.filter((v) => v.clipped > limit).length,
      gainRefused: mean(variants.filter((v) => v.clipped > limit).map((v) => v.gain)),
      gainKept: mean(variants.filter((v) => v.clipped <= limit).map((v) => v.gain)),
    })),
    byLight: RELIGHT_PRESETS.map((spec, light) => {
      const of = variants.filter((v) => v.light === light);
      return {
        azimuth: spec.azimuth,
        elevation: spec.elevation,
        gain: mean(of.map((v) => v.gain)),
        meanClipped: mean(of.map((v) => v.clipped)),
        over3pct: of.filter((v) => v.clipped > 0.03).length,
        over10pct: of.filter((v) => v.clipped > 0.1).length,
      };
    }),
    gain: mean(variants.map((v) => v.gain)),
  };
}

runAsScript(import.meta.url, async () => {
  const result = await withVision((vision) => evaluateRealismClipping(vision));
  const path = writeBenchResult('realism-clipping', result);
  console.log(JSON.stringify({ rank1: result.rank1, byLimit: result.byLimit, gain: result.gain }, null, 1), `\nwrote ${path}`);
});
