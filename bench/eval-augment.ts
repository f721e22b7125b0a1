/**
 * Do variants help recognition? (`npm run eval:augment` → bench/results/augment.json)
 * On Extended Yale B01–B10: gallery = one frontal photo per person (k = 1) or three (k = 3:
 * A+000E+00, A+000E+20, A+000E-20); probes = every other photo. Rank-1 identification with the
 * default scorer, by nearest neighbour and by nearest centroid, overall and per Yale subset, for
 * (a) the real gallery, (b) + the gallery photos' unedited crops (control: the crop path alone),
 * (c) + physically-based relight variants (the relight presets). Every crop and variant is scored
 * as a photo is: detect → mesh → align → embed. Also the relight gain: mean cosine of a variant to
 * the same person's other real photos minus its source photo's; and the matched-light gain: cosine
 * of a variant relit to lamp L to the same person's real photo under (the nearest Yale lamp to) L,
 * minus its source photo's cosine to that photo (and, as the crop control, minus the unedited crop's).
 * Tuning was done on B01–B05 (lights, depth, shadow strength); `heldOut` repeats every figure for
 * the probes of B06–B10 alone. Section `wild`: the in-the-wild part on LFW (bench/eval-augment-wild.ts).
 */
import { prepareRelight, renderRelight, DEFAULT_RELIGHT_OPTIONS } from '../app/main/synthesis/relight/relight-face.ts';
import { MAX_NEWLY_CLIPPED_SHARE, newlyClippedShare } from '../app/main/synthesis/edits/edit-gate.ts';
import { lightDirection, RELIGHT_PRESETS, type LightSpec, type YaleSubset } from '../app/main/synthesis/relight/light-spec.ts';
import { DEFAULT_EMBEDDING_MODEL } from '../app/main/vision/embedding-models.ts';
import { cosineSimilarity, l2Normalise } from '../app/main/vision/identity-embedder.ts';
import { existsSync, readFileSync } from 'node:fs';
import sharp from 'sharp';
import { planarFromInterleaved, rgbFromPlanar, type PlanarImage } from '../app/main/synthesis/packs/image-tensor.ts';
import type { VisionRuntime } from '../app/main/vision/vision-runtime.ts';
import { runAsScript, withVision } from './bench-main.ts';
import { resultPath, writeBenchResult, type BenchStamp } from './bench-results.ts';
import { DEFAULT_WILD_OPTIONS, evaluateAugmentWild, type WildOptions } from './eval-augment-wild.ts';
import { analyseYale, embedAsPhoto, listYale, yaleCrop, type AnalysedPhoto } from './yale-faces.ts';

const SIZE = 256;
const GALLERY: Record<'k1' | 'k3', readonly (readonly [number, number])[]> = {
  k1: [[0, 0]],
  k3: [
    [0, 0],
    [0, 20],
    [0, -20],
  ],
};
const TUNED_ON = ['yaleB01', 'yaleB02', 'yaleB03', 'yaleB04', 'yaleB05'];
/**
 * The job's realism check refuses a variant whose newly clipped share of real pixels passes
 * MAX_NEWLY_CLIPPED_SHARE: galleries are also built as if it refused at each of these shares, so
 * the threshold is set by what refused variants do to identification, not by eye.
 */
const CLIP_LIMITS = [0.03, 0.05, 0.1, 0.2] as const;
/** A real photo lit within this angle of a preset counts as that preset's matched photo. */
const MATCH_WITHIN_DEGREES = 15;

interface Entry {
  readonly person: string;
  readonly embedding: Float32Array;
  /** Its share in its person's centroid (1 unless said). */
  readonly weight?: number;
}

/** Gains of a gallery photo's controls: its unedited crop, and its face relit to its own estimated light. */
interface Controls {
  readonly crop: number;
  readonly ownLight: number | null;
  /** Cosine of the unedited crop (scored as a photo) to the photo itself. */
  readonly cropToPhoto: number;
}

/** A relight variant with what the realism check and the per-light figures need. */
interface Variant extends Entry {
  /** Index into RELIGHT_PRESETS. */
  readonly light: number;
  /** Share of the crop's real pixels newly clipped (the realism check's measure). */
  readonly clipped: number;
  readonly gain: number;
  /**
   * The same gain for the real photo of the person under this light (null where Yale has none):
   * what a perfect relight would score, since one light moves a face away from photos under others.
   */
  readonly realGain: number | null;
  /** Against the person's real photo under the same lamp (null where none within MATCH_WITHIN_DEGREES has a face). */
  readonly matched: MatchedGain | null;
  /**
   * 1 − cosine of the variant to its unedited crop, as scored, and with both mirrored left to right:
   * whether the scorer reacts to a lamp on one side of the image more than to the mirrored lamp.
   */
  readonly change: { readonly direct: number; readonly mirrored: number | null };
}

/**
 * Does a relight move toward the person's real photo under that light? Cosine of the variant to
 * the real photo under the nearest Yale lamp, minus the source photo's cosine to it (`gain`) and
 * minus the unedited crop's (`overCrop`: what the relight adds beyond the crop path).
 */
interface MatchedGain {
  readonly gain: number;
  readonly overCrop: number;
  /** Angle between the preset lamp and the matched photo's lamp, in degrees (0 for Yale presets). */
  readonly offDegrees: number;
}

/** The photo lit most nearly like `light` (smallest angle between the lamps), with that angle. */
function nearestLit(photos: readonly AnalysedPhoto[], light: Pick<LightSpec, 'azimuth' | 'elevation'>) {
  const [lx, ly, lz] = lightDirection(light);
  let best: { photo: AnalysedPhoto; degrees: number } | null = null;
  for (const photo of photos) {
    const [px, py, pz] = lightDirection(photo);
    const degrees = (Math.acos(Math.min(1, Math.max(-1, lx * px + ly * py + lz * pz))) * 180) / Math.PI;
    if (!best || degrees < best.degrees) best = { photo, degrees };
  }
  return best;
}

type Rates = Record<'all' | YaleSubset, number | null> & { probes: number };

/** The image mirrored left to right (sharp's flop). */
async function mirrored(image: PlanarImage): Promise<PlanarImage> {
  const flopped = await sharp(Buffer.from(rgbFromPlanar(image)), { raw: { width: image.size, height: image.size, channels: 3 } })
    .flop()
    .raw()
    .toBuffer();
  return planarFromInterleaved(flopped, image.size, 255);
}

function rank1(gallery: readonly Entry[], probes: readonly AnalysedPhoto[], rule: 'nearest-neighbour' | 'nearest-centroid'): Rates {
  let candidates: Entry[];
  if (rule === 'nearest-neighbour') candidates = [...gallery];
  else {
    const sums = new Map<string, Float32Array>();
    for (const entry of gallery) {
      const sum = sums.get(entry.person) ?? new Float32Array(entry.embedding.length);
      for (let i = 0; i < sum.length; i += 1) sum[i] += (entry.weight ?? 1) * entry.embedding[i];
      sums.set(entry.person, sum);
    }
    candidates = [...sums].map(([person, sum]) => ({ person, embedding: l2Normalise(sum) }));
  }
  const hits: Record<string, [number, number]> = {};
  for (const probe of probes) {
    let best = -Infinity;
    let who = '';
    for (const c of candidates) {
      const s = cosineSimilarity(probe.embedding!, c.embedding);
      if (s > best) {
        best = s;
        who = c.person;
      }
    }
    for (const key of ['all', probe.subset]) {
      const h = (hits[key] ??= [0, 0]);
      h[0] += who === probe.person ? 1 : 0;
      h[1] += 1;
    }
  }
  const rate = (key: string) => (hits[key] ? round(hits[key][0] / hits[key][1]) : null);
  return { all: rate('all'), S1: rate('S1'), S2: rate('S2'), S3: rate('S3'), S4: rate('S4'), S5: rate('S5'), probes: probes.length };
}

function round(v: number, digits = 4): number {
  return Math.round(v * 10 ** digits) / 10 ** digits;
}

export async function evaluateAugment(vision: VisionRuntime) {
  const analysed = await analyseYale(listYale(), vision);
  const people = [...new Set(analysed.map((p) => p.person))];
  const undetected = analysed.filter((p) => !p.embedding).length;
  const prepared = new Map<string, { crop: Entry; variants: Variant[]; gains: number[]; noFace: number; controls: Controls }>();
  let renderMs = 0;
  let scoreMs = 0;
  let renders = 0;

  /** Crops and relight variants of one gallery photo, scored as photos; computed once for both k. */
  const augment = async (photo: AnalysedPhoto) => {
    const cached = prepared.get(photo.path);
    if (cached) return cached;
    const crop = await yaleCrop(photo, SIZE, photo);
    const cropEmbedding = await embedAsPhoto(crop.image, vision);
    if (!cropEmbedding) throw new Error(`${photo.path}: no face found in its own crop`);
    const mirroredCropEmbedding = await embedAsPhoto(await mirrored(crop.image), vision);
    const face = prepareRelight(crop);
    const others = analysed.filter((p) => p.person === photo.person && p.path !== photo.path && p.embedding);
    const meanTo = (e: Float32Array) => others.reduce((s, p) => s + cosineSimilarity(e, p.embedding!), 0) / others.length;
    const sourceMean = meanTo(photo.embedding!);
    // What the gain owes to the crop path and to the renderer, not to the new light: the unedited
    // crop, and the face re-rendered under the light it was estimated to have.
    const own = renderRelight(face, { ...face.estimated, temperature: 6500 }).image;
    const ownEmbedding = await embedAsPhoto(own, vision);
    const controls: Controls = {
      crop: meanTo(cropEmbedding) - sourceMean,
      ownLight: ownEmbedding ? meanTo(ownEmbedding) - sourceMean : null,
      cropToPhoto: cosineSimilarity(cropEmbedding, photo.embedding!),
    };
    const variants: Variant[] = [];
    const gains: number[] = [];
    let noFace = 0;
    for (const [index, light] of RELIGHT_PRESETS.entries()) {
      const t0 = performance.now();
      const relit = renderRelight(face, light);
      const t1 = performance.now();
      const embedding = await embedAsPhoto(relit.image, vision);
      scoreMs += performance.now() - t1;
      renderMs += t1 - t0;
      renders += 1;
      if (!embedding) {
        noFace += 1;
        continue;
      }
      const gain = meanTo(embedding) - sourceMean;
      const real = others.find((p) => p.azimuth === light.azimuth && p.elevation === light.elevation);
      const rest = others.filter((p) => p !== real);
      const realGain = real
        ? rest.reduce((sum, p) => sum + cosineSimilarity(real.embedding!, p.embedding!), 0) / rest.length - sourceMean
        : null;
      const nearest = nearestLit(others, light);
      const matched =
        nearest && nearest.degrees <= MATCH_WITHIN_DEGREES
          ? {
              gain: cosineSimilarity(embedding, nearest.photo.embedding!) - cosineSimilarity(photo.embedding!, nearest.photo.embedding!),
              overCrop: cosineSimilarity(embedding, nearest.photo.embedding!) - cosineSimilarity(cropEmbedding, nearest.photo.embedding!),
              offDegrees: nearest.degrees,
            }
          : null;
      const mirroredEmbedding = await embedAsPhoto(await mirrored(relit.image), vision);
      variants.push({
        realGain,
        matched,
        change: {
          direct: 1 - cosineSimilarity(embedding, cropEmbedding),
          mirrored: mirroredEmbedding && mirroredCropEmbedding ? 1 - cosineSimilarity(mirroredEmbedding, mirroredCropEmbedding) : null,
        },
        person: photo.person,
        embedding,
        light: index,
        clipped: newlyClippedShare(crop.image, relit.image, crop.validity),
        gain,
      });
      gains.push(gain);
    }
    const entry = { crop: { person: photo.person, embedding: cropEmbedding }, variants, gains, noFace, controls };
    prepared.set(photo.path, entry);
    return entry;
  };

  const results: Record<string, unknown> = {};
  for (const [k, lights] of Object.entries(GALLERY)) {
    const isGallery = (p: AnalysedPhoto) => lights.some(([a, e]) => a === p.azimuth && e === p.elevation);
    const galleryPhotos = analysed.filter(isGallery);
    if (galleryPhotos.some((p) => !p.embedding)) throw new Error(`a ${k} gallery photo has no face found`);
    const probes = analysed.filter((p) => !isGallery(p) && p.embedding);
    const real: Entry[] = galleryPhotos.map((p) => ({ person: p.person, embedding: p.embedding! }));
    const crops: Entry[] = [];
    const variants: Variant[] = [];
    const variantsAsOne: Entry[] = [];
    for (const photo of galleryPhotos) {
      const a = await augment(photo);
      crops.push(a.crop);
      variants.push(...a.variants);
      variantsAsOne.push(...a.variants.map((v) => ({ ...v, weight: 1 / a.variants.length })));
    }
    console.log(`${k}: gallery ${real.length}, +${variants.length} variants`);
    // The last: a photo's variants together weigh as much as one real photo in its person's
    // centroid (nearest neighbour is the same as with realPlusRelight).
    const conditions = {
      real,
      realPlusCrops: [...real, ...crops],
      realPlusRelight: [...real, ...variants],
      realPlusRelightAsOnePhoto: [...real, ...variantsAsOne],
      ...Object.fromEntries(
        CLIP_LIMITS.map((limit) => [
          `realPlusRelightRefusingClipOver${limit * 100}pct`,
          [...real, ...variants.filter((v) => v.clipped <= limit)],
        ]),
      ),
    } as Record<string, readonly Entry[]>;
    const table = (subsetProbes: readonly AnalysedPhoto[]) =>
      Object.fromEntries(
        Object.entries(conditions).map(([name, gallery]) => [
          name,
          {
            nearestNeighbour: rank1(gallery, subsetProbes, 'nearest-neighbour'),
            nearestCentroid: rank1(gallery, subsetProbes, 'nearest-centroid'),
          },
        ]),
      );
    results[k] = { all: table(probes), heldOut: table(probes.filter((p) => !TUNED_ON.includes(p.person))) };
  }
  const all = [...prepared.values()];
  const gains = all.flatMap((a) => a.gains);
  const heldOutGains = [...prepared.entries()]
    .filter(([path]) => !TUNED_ON.some((p) => path.includes(`/${p}/`)))
    .flatMap(([, a]) => a.gains);
  const mean = (v: readonly number[]) => (v.length ? round(v.reduce((s, x) => s + x, 0) / v.length) : null);
  const allVariants = all.flatMap((a) => a.variants);
  const clipping = {
    checkLimit: MAX_NEWLY_CLIPPED_SHARE,
    byLimit: CLIP_LIMITS.map((limit) => {
      const refused = allVariants.filter((v) => v.clipped > limit);
      const kept = allVariants.filter((v) => v.clipped <= limit);
      return {
        limit,
        refused: refused.length,
        gainRefused: mean(refused.map((v) => v.gain)),
        gainKept: mean(kept.map((v) => v.gain)),
      };
    }),
  };
  const matchedOf = (of: readonly Variant[]) => {
    const m = of.flatMap((v) => (v.matched ? [v.matched] : []));
    return {
      gain: mean(m.map((x) => x.gain)),
      overCrop: mean(m.map((x) => x.overCrop)),
      positiveShare: m.length ? round(m.filter((x) => x.gain > 0).length / m.length) : null,
      variants: m.length,
    };
  };
  const heldOutVariants = allVariants.filter((v) => !TUNED_ON.includes(v.person));
  const bySide = Object.fromEntries(
    (
      [
        ['positiveAzimuth', (a: number) => a > 0],
        ['negativeAzimuth', (a: number) => a < 0],
        ['zeroAzimuth', (a: number) => a === 0],
      ] as const
    ).map(([side, test]) => {
      const of = allVariants.filter((v) => test(RELIGHT_PRESETS[v.light]!.azimuth));
      const matched = matchedOf(of);
      return [
        side,
        {
          gain: mean(of.map((v) => v.gain)),
          realPhotoGain: mean(of.flatMap((v) => (v.realGain === null ? [] : [v.realGain]))),
          matchedGain: matched.gain,
          matchedGainOverCrop: matched.overCrop,
        },
      ];
    }),
  );
  // Which image side a variant's lamp lights: positive azimuths light the image's left, and the
  // mirrored variant is lit from the other side.
  const changeOf = (of: readonly Variant[], view: 'direct' | 'mirrored') =>
    mean(of.flatMap((v) => (v.change[view] === null ? [] : [v.change[view]!])));
  const fromPositive = allVariants.filter((v) => RELIGHT_PRESETS[v.light]!.azimuth > 0);
  const fromNegative = allVariants.filter((v) => RELIGHT_PRESETS[v.light]!.azimuth < 0);
  const scorerHandedness = {
    definition:
      "1 − cosine of a variant to its unedited crop (how far the relight moves the scorer), for variants lit from each side, as made and mirrored left to right (variant and crop both): if the gap follows the image side the lamp lights and not the preset, it is the scorer's, not the renderer's",
    positiveAzimuth: { asMade: changeOf(fromPositive, 'direct'), mirrored: changeOf(fromPositive, 'mirrored') },
    negativeAzimuth: { asMade: changeOf(fromNegative, 'direct'), mirrored: changeOf(fromNegative, 'mirrored') },
  };
  const byLight = RELIGHT_PRESETS.map((light, index) => {
    const of = allVariants.filter((v) => v.light === index);
    const matched = matchedOf(of);
    return {
      azimuth: light.azimuth,
      elevation: light.elevation,
      variants: of.length,
      gain: mean(of.map((v) => v.gain)),
      realPhotoGain: mean(of.flatMap((v) => (v.realGain === null ? [] : [v.realGain]))),
      matchedGain: matched.gain,
      matchedGainOverCrop: matched.overCrop,
      meanClipped: mean(of.map((v) => v.clipped)),
      refusedAt3pct: of.filter((v) => v.clipped > 0.03).length,
    };
  });
  return {
    protocol:
      'Yale B01–B10; gallery k=1: A+000E+00, k=3: + A+000E+20, A+000E-20; probes: every other photo where a face is found; rank-1 with the default scorer; variants scored through detect → align → embed.',
    embeddingModel: DEFAULT_EMBEDDING_MODEL,
    people: people.length,
    photos: analysed.length,
    undetectedPhotos: undetected,
    cropSize: SIZE,
    relight: { options: DEFAULT_RELIGHT_OPTIONS, lights: RELIGHT_PRESETS },
    tunedOn: TUNED_ON,
    variantsWithoutFace: all.reduce((s, a) => s + a.noFace, 0),
    gain: {
      relight: {
        mean: mean(gains),
        heldOut: mean(heldOutGains),
        variants: gains.length,
        positiveShare: round(gains.filter((g) => g > 0).length / Math.max(1, gains.length)),
        bySide,
        byLight,
      },
      matchedLight: {
        definition:
          "cosine of a variant relit to lamp L to the same person's real photo under the nearest Yale lamp to L, minus the source photo's cosine to that photo (gain) and minus the unedited crop's (overCrop, the crop control)",
        all: matchedOf(allVariants),
        heldOut: matchedOf(heldOutVariants),
        matchWithinDegrees: MATCH_WITHIN_DEGREES,
        unmatched: allVariants.filter((v) => !v.matched).length,
        maxOffDegrees: round(Math.max(0, ...allVariants.flatMap((v) => (v.matched ? [v.matched.offDegrees] : []))), 2),
      },
      scorerHandedness,
      controls: {
        crop: mean(all.map((a) => a.controls.crop)),
        ownLight: mean(all.flatMap((a) => (a.controls.ownLight === null ? [] : [a.controls.ownLight]))),
        cropToPhoto: mean(all.map((a) => a.controls.cropToPhoto)),
      },
    },
    clipping,
    msPerVariant: { render: round(renderMs / Math.max(1, renders), 2), detectAlignEmbed: round(scoreMs / Math.max(1, renders), 2) },
    rank1: results,
  };
}

/**
 * `npm run eval:augment` runs both parts; `-- --part=yale` or `-- --part=wild` one of them, keeping
 * the other's last figures (the wild section carries its own stamp). `-- --people=N` (the first N
 * people of the wild part's seeded draw, a subset of the full run's) and `-- --pose-frame=camera`
 * (pose presets as yaws to end at, see `WildOptions`) run the wild part alone and print it without
 * writing: a bounded or trial run never stands in for the full figures.
 */
runAsScript(import.meta.url, async () => {
  const part = /^--part=(yale|wild)$/.exec(process.argv.find((a) => a.startsWith('--part=')) ?? '')?.[1] ?? 'all';
  const people = /^--people=(\d+)$/.exec(process.argv.find((a) => a.startsWith('--people=')) ?? '')?.[1];
  const camera = process.argv.includes('--pose-frame=camera');
  if (people !== undefined || camera) {
    const options: WildOptions = {
      ...DEFAULT_WILD_OPTIONS,
      people: people === undefined ? DEFAULT_WILD_OPTIONS.people : Number(people),
      poseFrame: camera ? 'camera' : 'source',
    };
    const wild = await withVision((vision, client) => evaluateAugmentWild(client, vision, options));
    console.log(JSON.stringify({ wild }, null, 1));
    return;
  }
  const previous = existsSync(resultPath('augment'))
    ? (JSON.parse(readFileSync(resultPath('augment'), 'utf8')) as Record<string, unknown>)
    : {};
  const { stamp: previousStamp, wild: previousWild, ...previousYale } = previous;
  const { yale, wild } = await withVision(async (vision, client) => ({
    yale: part === 'wild' ? previousYale : await evaluateAugment(vision),
    wild: part === 'yale' ? previousWild : await evaluateAugmentWild(client, vision),
  }));
  // The file's stamp is the Yale part's (the wild section carries its own), so a wild-only run keeps it.
  const yaleStamp = part === 'wild' ? (previousStamp as BenchStamp | undefined) : undefined;
  const path = writeBenchResult('augment', { ...yale, wild }, yaleStamp);
  console.log(JSON.stringify({ gain: (yale as { gain?: unknown }).gain, rank1: (yale as { rank1?: unknown }).rank1, wild }, null, 1));
  console.log(`wrote ${path}`);
});
