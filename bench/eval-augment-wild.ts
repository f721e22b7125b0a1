/**
 * The in-the-wild part of `eval:augment` (section `wild` of bench/results/augment.json): on
 * ../shared/lfw/dev, people with ≥ 4 photos (a seeded sample, at most `maxPhotos` each), gallery =
 * one photo per person (the first where a face is found), probes = their other photos. Rank-1
 * identification with the default scorer, by nearest neighbour and nearest centroid, for the real
 * gallery, the gallery + its unedited crops (control: the crop path alone), + every edit's variants,
 * and + each edit's variants alone; and each edit's gain: mean cosine of a variant to the same
 * person's other real photos minus its source photo's. Variants are planned and rendered by the
 * synthesis planner and variant renderer and scored as photos (detect → mesh → align → embed).
 * Edits come as a list (`WILD_EDITS`): the pose presets, the mesh expressions and the occluders.
 * Beside each edit's gain, the gain a real photo scores on the same measure (bench/real-photo-gain.ts):
 * over all probes, and over the probes whose face mesh shows the edit's condition where it can be
 * measured (head turn, lip gap, smile, eye opening, brow height), each set beside the variants' gain over
 * the very same probes; and for the expression edits, how far each face-mesh measure moved from the
 * source's crop to its variant (both found again on the image, as the photos' are).
 */
import { benchStamp } from './bench-results.ts';
import type { InferenceClient } from '../app/main/inference/inference-client.ts';
import { AnalysedPhotoSource } from '../app/main/synthesis/testing/analysed-photo-source.ts';
import { DEFAULT_EMBEDDING_MODEL } from '../app/main/vision/embedding-models.ts';
import { cosineSimilarity, l2Normalise } from '../app/main/vision/identity-embedder.ts';
import type { VisionRuntime } from '../app/main/vision/vision-runtime.ts';
import { DONOR_LIP_GAP } from '../app/main/synthesis/geometry/mouth-cavity.ts';
import { POSE_LIMITS } from '../app/main/synthesis/geometry/head-rotation.ts';
import { BenchVariants, EXPRESSION_EDITS, OCCLUSION_EDITS, POSE_EDITS, type EditRecipe } from './edit-variants.ts';
import { lfwAnalyses, lfwPeople } from './lfw-faces.ts';
import {
  gainPairs,
  POSE_BUCKET_DEGREES,
  realPhotoGains,
  showsCondition,
  type EditCondition,
  type GainPair,
  type MeasuredPhoto,
} from './real-photo-gain.ts';
import { expressionMeasures, type ExpressionMeasures } from './expression-measures.ts';
import { lipGap } from '../app/main/synthesis/geometry/mouth-cavity.ts';
import { analyseAsPhoto } from './yale-faces.ts';

/** The default edit kinds the in-the-wild evaluation measures. */
export const WILD_EDITS: readonly EditRecipe[] = [...POSE_EDITS, ...EXPRESSION_EDITS, ...OCCLUSION_EDITS];

/**
 * The real photos that show each expression (`expressionMeasures`, eye distances), chosen on the
 * 717 photos of the default draw (120 LFW people) and checked on contact sheets of the photos each
 * selects and rejects; LFW labels no expressions, nor does ORL. Smile: mouth width and corner lift
 * both in their upper quartile (0.97, 0.077; 143 photos, every one of 30 selected shown smiling, some
 * faint smiles rejected). Closed eyes: the more open eye's opening in the lowest 5 % (0.133; 33
 * photos): LFW has few shut eyes, so these are mostly squints of a laugh, downcast eyes and blinks.
 * Raised brows: brow height 0.04 above the person's median (the 90th percentile, 0.037, rounded;
 * 64 photos): surprised and raised brows, with some downcast gazes.
 */
export const EXPRESSION_THRESHOLDS = { smileWidth: 0.97, smileLift: 0.077, closedEyes: 0.133, raisedBrows: 0.04 } as const;

/**
 * What a real photo must show to stand for `edit`'s variants: the same head turn from the source, a
 * clearly open mouth (the lip gap that lends a mouth's inside), the expression by its mesh measure
 * (`EXPRESSION_THRESHOLDS`), or nothing measurable.
 */
export function editCondition(edit: EditRecipe): EditCondition {
  const [request] = edit.request.edits;
  if (request.type === 'pose' && request.poses?.length === 1)
    return { kind: 'turn', yaw: request.poses[0].yaw, pitch: request.poses[0].pitch };
  if (request.type === 'expression' && request.expressions.length === 1) {
    const t = EXPRESSION_THRESHOLDS;
    switch (request.expressions[0]) {
      case 'open-mouth':
        return { kind: 'lipGap', atLeast: DONOR_LIP_GAP };
      case 'smile':
        return { kind: 'smile', width: t.smileWidth, lift: t.smileLift };
      case 'closed-eyes':
        return { kind: 'eyesClosed', atMost: t.closedEyes };
      case 'raised-brows':
        return { kind: 'browsRaised', aboveOwnMedian: t.raisedBrows };
    }
  }
  if (request.type === 'expression') return { kind: 'none', why: 'a mix of expressions has no one measure' };
  return { kind: 'none', why: 'occluders on real photos are not detected' };
}

export interface WildOptions {
  /** People drawn (seeded) from those with ≥ 4 photos. */
  readonly people: number;
  readonly maxPhotos: number;
  readonly seed: number;
  /**
   * What a pose preset's yaw is measured from: `source`, a turn from where the head faces (the
   * product's way); `camera`, the mesh yaw to end at, so a source already looking aside is turned
   * toward the yaws it lacks (the turn is the preset's yaw minus the source's, within POSE_LIMITS).
   */
  readonly poseFrame: 'source' | 'camera';
}

export const DEFAULT_WILD_OPTIONS: WildOptions = { people: 120, maxPhotos: 8, seed: 12, poseFrame: 'source' };

/** `edit` with a pose preset's yaw taken as the yaw to end at, for a source at mesh yaw `sourceYaw`. */
export function fromCamera(edit: EditRecipe, sourceYaw: number): EditRecipe {
  return {
    ...edit,
    request: {
      edits: edit.request.edits.map((e) =>
        e.type === 'pose' && e.poses
          ? {
              ...e,
              poses: e.poses.map((pose) => ({
                ...pose,
                yaw: Math.max(-POSE_LIMITS.yaw, Math.min(POSE_LIMITS.yaw, pose.yaw - sourceYaw)),
              })),
            }
          : e,
      ),
    },
  };
}

interface Entry {
  readonly person: string;
  readonly embedding: Float32Array;
}

interface Probe extends Entry {
  readonly path: string;
  readonly measured: MeasuredPhoto;
}

type Rule = 'nearestNeighbour' | 'nearestCentroid';

function candidates(gallery: readonly Entry[], rule: Rule): Entry[] {
  if (rule === 'nearestNeighbour') return [...gallery];
  const sums = new Map<string, Float32Array>();
  for (const entry of gallery) {
    const sum = sums.get(entry.person) ?? new Float32Array(entry.embedding.length);
    for (let i = 0; i < sum.length; i += 1) sum[i] += entry.embedding[i];
    sums.set(entry.person, sum);
  }
  return [...sums].map(([person, sum]) => ({ person, embedding: l2Normalise(sum) }));
}

/** Which probes the gallery names correctly at rank 1. */
function hits(gallery: readonly Entry[], probes: readonly Probe[], rule: Rule): boolean[] {
  const list = candidates(gallery, rule);
  return probes.map((probe) => {
    let best = -Infinity;
    let who = '';
    for (const c of list) {
      const s = cosineSimilarity(probe.embedding, c.embedding);
      if (s > best) {
        best = s;
        who = c.person;
      }
    }
    return who === probe.person;
  });
}

const round = (v: number, digits = 4) => Math.round(v * 10 ** digits) / 10 ** digits;
const mean = (v: readonly number[]) => (v.length ? round(v.reduce((s, x) => s + x, 0) / v.length) : null);
/** Standard error of the mean, treating the values as independent (a person's pairs are not quite). */
const standardError = (v: readonly number[]) => {
  if (v.length < 2) return null;
  const m = v.reduce((s, x) => s + x, 0) / v.length;
  return round(Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / (v.length - 1) / v.length));
};

/** Real photos' gain beside the variants' over the same probes, for a set of pairs. */
const pairSummary = (pairs: readonly GainPair[]) => ({
  real: mean(pairs.map((p) => p.real)),
  realSe: standardError(pairs.map((p) => p.real)),
  variant: mean(pairs.map((p) => p.variant)),
  variantSe: standardError(pairs.map((p) => p.variant)),
  realPositiveShare: pairs.length ? round(pairs.filter((p) => p.real > 0).length / pairs.length) : null,
  pairs: pairs.length,
});

type MeshMeasures = ExpressionMeasures & { readonly lipGap: number };
const meshMeasures = (mesh: Float32Array): MeshMeasures => ({ ...expressionMeasures(mesh), lipGap: lipGap(mesh) });

interface MeasuredVariant {
  readonly crop: MeshMeasures;
  readonly variant: MeshMeasures;
  /** Whether the variant's mesh shows the edit's condition as a real photo's must. */
  readonly shows: boolean | null;
}

/**
 * Mean change of each mesh measure from a source's crop to its variant, and the share of variants
 * whose own mesh shows the condition the matched real photos show.
 */
function measureShift(measured: readonly MeasuredVariant[]) {
  const keys = ['mouthWidth', 'cornerLift', 'eyeOpening', 'browHeight', 'lipGap'] as const;
  return {
    ...Object.fromEntries(keys.map((k) => [k, mean(measured.map((m) => m.variant[k] - m.crop[k]))])),
    showingCondition: measured.length ? round(measured.filter((m) => m.shows).length / measured.length) : null,
    variants: measured.length,
  };
}

function conditionText(condition: EditCondition, frame: WildOptions['poseFrame']): string {
  if (condition.kind === 'none') return `none: ${condition.why}`;
  if (condition.kind === 'lipGap') return `lip gap ≥ ${condition.atLeast} eye distances`;
  if (condition.kind === 'smile') return `mouth width ≥ ${condition.width} and corner lift ≥ ${condition.lift} eye distances (head frame)`;
  if (condition.kind === 'eyesClosed') return `the more open eye's lid opening ≤ ${condition.atMost} of its width (head frame)`;
  if (condition.kind === 'browsRaised') return `brow height ≥ the person's median + ${condition.aboveOwnMedian} eye distances (head frame)`;
  const yaw = frame === 'camera' ? `yaw ${condition.yaw}°` : `the source's yaw turned by ${condition.yaw}°`;
  return `mesh yaw in the ${POSE_BUCKET_DEGREES}° bucket of ${yaw} and mesh pitch in that of the source's turned by ${condition.pitch}°`;
}

export async function evaluateAugmentWild(
  client: InferenceClient,
  vision: VisionRuntime,
  options: WildOptions = DEFAULT_WILD_OPTIONS,
  edits: readonly EditRecipe[] = WILD_EDITS,
) {
  const people = lfwPeople(4, { sample: options.people, seed: options.seed, maxPhotos: options.maxPhotos });
  const allPaths = people.flatMap((p) => p.photos);
  const t0 = performance.now();
  const embeddings = await lfwAnalyses(allPaths, vision);
  console.log(`wild: ${people.length} people, ${allPaths.length} photos analysed in ${((performance.now() - t0) / 1000).toFixed(0)} s`);

  const gallery: { person: string; path: string; embedding: Float32Array; measured: MeasuredPhoto }[] = [];
  const probes: Probe[] = [];
  for (const person of people) {
    const usable = person.photos.filter((path) => embeddings.get(path));
    if (usable.length < 2) continue;
    const first = embeddings.get(usable[0])!;
    gallery.push({ person: person.name, path: usable[0], embedding: first.embedding, measured: first });
    for (const path of usable.slice(1)) {
      const measured = embeddings.get(path)!;
      probes.push({ person: person.name, path, embedding: measured.embedding, measured });
    }
  }
  const faces = await AnalysedPhotoSource.analyse(
    gallery.map((g, i) => ({ path: g.path, identityId: i + 1 })),
    vision,
  );
  const variants = await BenchVariants.open(client, faces);
  const crops: Entry[] = [];
  const byEdit = new Map<string, Entry[]>(edits.map((e) => [e.label, []]));
  const gains = new Map<string, number[]>(edits.map((e) => [e.label, []]));
  const pairs = new Map<string, GainPair[]>(edits.map((e) => [e.label, []]));
  const conditions = new Map(edits.map((e) => [e.label, editCondition(e)]));
  const frame = options.poseFrame;
  const realGains: number[] = [];
  const shifts = new Map<string, MeasuredVariant[]>(edits.map((e) => [e.label, []]));
  const noFace = new Map<string, number>(edits.map((e) => [e.label, 0]));
  const failed = new Map<string, string[]>();
  const refusals = new Map<string, string[]>();
  const cropGains: number[] = [];
  let renderMs = 0;
  let scoreMs = 0;
  let renders = 0;
  try {
    for (const source of faces.faces()) {
      const g = gallery[source.identityId! - 1];
      const others = probes.filter((p) => p.person === g.person);
      const meanTo = (e: Float32Array) => others.reduce((s, p) => s + cosineSimilarity(e, p.embedding), 0) / others.length;
      const sourceMean = meanTo(g.embedding);
      const measuredOthers = others.map((p) => p.measured);
      realGains.push(
        ...realPhotoGains(
          g.embedding,
          others.map((p) => p.embedding),
        ),
      );
      let cropScored = false;
      let cropMeasures: MeshMeasures | null = null;
      for (const preset of edits) {
        const edit = frame === 'camera' ? fromCamera(preset, g.measured.yaw) : preset;
        const t1 = performance.now();
        let variant;
        try {
          const recipe = variants.plan(edit, source, 0, options.seed);
          // Measured as a job makes them: what the gate refuses (a profile source, a turn onto the
          // side the photo hides) is counted, not rendered.
          const refused = await variants.refusal(recipe);
          if (refused) {
            refusals.set(edit.label, [...(refusals.get(edit.label) ?? []), refused.reason]);
            continue;
          }
          [variant] = await variants.render([recipe]);
        } catch (error) {
          const list = failed.get(edit.label) ?? [];
          list.push(`${g.path}: ${(error as Error).message}`);
          failed.set(edit.label, list);
          continue;
        }
        const t2 = performance.now();
        if (!cropScored) {
          cropScored = true;
          const crop = await analyseAsPhoto(variant.source, vision);
          if (crop) {
            crops.push({ person: g.person, embedding: crop.embedding });
            cropGains.push(meanTo(crop.embedding) - sourceMean);
            cropMeasures = meshMeasures(crop.mesh);
          }
        }
        const t3 = performance.now();
        const analysed = await analyseAsPhoto(variant.image, vision);
        scoreMs += performance.now() - t3;
        renderMs += t2 - t1;
        renders += 1;
        if (!analysed) {
          noFace.set(edit.label, noFace.get(edit.label)! + 1);
          continue;
        }
        const { embedding } = analysed;
        if (cropMeasures) {
          const variantMeasures = meshMeasures(analysed.mesh);
          const asPhoto = { ...g.measured, ...variantMeasures };
          const shows = showsCondition(editCondition(edit), g.measured, asPhoto, [g.measured, ...measuredOthers]);
          shifts.get(edit.label)!.push({ crop: cropMeasures, variant: variantMeasures, shows });
        }
        byEdit.get(edit.label)!.push({ person: g.person, embedding });
        gains.get(edit.label)!.push(meanTo(embedding) - sourceMean);
        pairs.get(edit.label)!.push(...gainPairs(embedding, g.measured, measuredOthers, editCondition(edit)));
      }
    }
  } finally {
    await variants.close();
  }
  const real: Entry[] = gallery.map((g) => ({ person: g.person, embedding: g.embedding }));
  const allVariants = [...byEdit.values()].flat();
  const galleries: Record<string, Entry[]> = {
    real,
    realPlusCrops: [...real, ...crops],
    realPlusAllEdits: [...real, ...allVariants],
    ...Object.fromEntries([...byEdit].map(([label, list]) => [`realPlus:${label}`, [...real, ...list]])),
  };
  const rank1: Record<string, unknown> = {};
  for (const rule of ['nearestNeighbour', 'nearestCentroid'] as const) {
    const base = hits(real, probes, rule);
    rank1[rule] = Object.fromEntries(
      Object.entries(galleries).map(([name, list]) => {
        const h = hits(list, probes, rule);
        return [
          name,
          {
            rate: round(h.filter(Boolean).length / Math.max(1, h.length)),
            // Probes this gallery names and the real one does not, and the other way round.
            gained: h.filter((x, i) => x && !base[i]).length,
            lost: h.filter((x, i) => !x && base[i]).length,
          },
        ];
      }),
    );
  }
  const gain = Object.fromEntries(
    edits.map((e) => {
      const list = gains.get(e.label)!;
      const kindPairs = pairs.get(e.label)!;
      const condition = conditions.get(e.label)!;
      return [
        e.label,
        {
          mean: mean(list),
          positiveShare: round(list.filter((x) => x > 0).length / Math.max(1, list.length)),
          variants: list.length,
          withoutFace: noFace.get(e.label)!,
          failed: failed.get(e.label)?.length ?? 0,
          refused: reasonCounts(refusals.get(e.label) ?? []),
          realPhotoGain: {
            condition: conditionText(condition, frame),
            all: pairSummary(kindPairs),
            matched: condition.kind === 'none' ? null : pairSummary(kindPairs.filter((p) => p.matched)),
          },
          ...(e.request.edits[0].type === 'expression' ? { measureShift: measureShift(shifts.get(e.label)!) } : {}),
        },
      ];
    }),
  );
  return {
    stamp: benchStamp(),
    protocol:
      'LFW dev (A–J), people with ≥ 4 photos: a seeded sample, at most maxPhotos each in file order; gallery = the first photo with a face, probes = the rest; rank-1 with the default scorer over the sampled people; variants planned and rendered by the synthesis planner/renderer (one per edit per gallery photo; what the job’s edit gate refuses is counted by reason and not made) and scored as photos (detect → mesh → align → embed); gain = mean cosine of a variant to the person’s probes minus its source photo’s.',
    options,
    embeddingModel: DEFAULT_EMBEDDING_MODEL,
    people: gallery.length,
    photos: allPaths.length,
    photosWithoutFace: allPaths.filter((p) => !embeddings.get(p)).length,
    probes: probes.length,
    sourcesWithoutFace: faces.missed.length,
    edits: edits.map((e) => ({ label: e.label, edits: e.request.edits })),
    realPhotoGain: {
      definition:
        "for each probe q of a person: mean cosine of q to the person's other probes (q left out) minus the source photo's mean cosine to them — what a perfect edit toward q's condition would score; per edit, `all` sets every probe's beside the variant's gain over the same probes (q left out) and `matched` only the probes whose face mesh shows the edit's condition; realSe and variantSe are standard errors over the pairs, as if independent (a person's are not quite)",
      mean: mean(realGains),
      positiveShare: round(realGains.filter((x) => x > 0).length / Math.max(1, realGains.length)),
      photos: realGains.length,
    },
    gain: { cropControl: { mean: mean(cropGains), variants: cropGains.length }, ...gain },
    msPerVariant: { render: round(renderMs / Math.max(1, renders), 1), detectAlignEmbed: round(scoreMs / Math.max(1, renders), 1) },
    rank1,
    failures: Object.fromEntries([...failed].map(([k, v]) => [k, v.slice(0, 5)])),
  };
}

/** How many times each reason occurs: `{ 'hidden-side': 34 }`. */
function reasonCounts(reasons: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const reason of reasons) counts[reason] = (counts[reason] ?? 0) + 1;
  return counts;
}
