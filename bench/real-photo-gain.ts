/**
 * What a perfect edit could score on the in-the-wild gain (bench/eval-augment-wild.ts): the gain of
 * a REAL photo of the person taken under the edit's condition. Gain measures how much nearer a photo
 * is to the person's other photos than the source is, so a real photo under a condition the other
 * photos rarely share (a turned head, an open mouth) can score below zero: then no edit toward that
 * condition can pass zero either. Each real photo is scored against the person's other probes
 * (itself left out), and so is the variant it is set beside, so both gains average over one set.
 */
import { median } from '../app/main/core/median.ts';
import { cosineSimilarity } from '../app/main/vision/identity-embedder.ts';
import type { ExpressionMeasures } from './expression-measures.ts';

/** A real photo as the reference needs it: its embedding and its face mesh's measures. */
export interface MeasuredPhoto extends ExpressionMeasures {
  readonly embedding: Float32Array;
  /** Mesh yaw and pitch in degrees (`meshPose`). */
  readonly yaw: number;
  readonly pitch: number;
  /** Inner-lip gap in eye distances (`lipGap`). */
  readonly lipGap: number;
}

/**
 * The condition a real photo must show to stand for an edit's: a head turn from the source's mesh
 * pose, a lip gap at least this wide, a smile (mouth at least this wide with its corners lifted at
 * least this far), eyes at most this open, brows raised at least this far above the person's median
 * (brow height is mostly the person's anatomy), or none where no measure of it exists (with why).
 * Lengths in eye distances (`expressionMeasures`).
 */
export type EditCondition =
  | { readonly kind: 'turn'; readonly yaw: number; readonly pitch: number }
  | { readonly kind: 'lipGap'; readonly atLeast: number }
  | { readonly kind: 'smile'; readonly width: number; readonly lift: number }
  | { readonly kind: 'eyesClosed'; readonly atMost: number }
  | { readonly kind: 'browsRaised'; readonly aboveOwnMedian: number }
  | { readonly kind: 'none'; readonly why: string };

/** Width of the mesh-angle buckets a turned variant and a real photo must share, in degrees. */
export const POSE_BUCKET_DEGREES = 15;

const bucket = (degrees: number) => Math.round(degrees / POSE_BUCKET_DEGREES);

/**
 * Whether `photo` shows `condition` for a variant of `source`, `person` being all the person's
 * photos (the source among them); null when the condition cannot be measured.
 */
export function showsCondition(
  condition: EditCondition,
  source: MeasuredPhoto,
  photo: MeasuredPhoto,
  person: readonly MeasuredPhoto[],
): boolean | null {
  switch (condition.kind) {
    case 'none':
      return null;
    case 'lipGap':
      return photo.lipGap >= condition.atLeast;
    case 'smile':
      return photo.mouthWidth >= condition.width && photo.cornerLift >= condition.lift;
    case 'eyesClosed':
      return photo.eyeOpening <= condition.atMost;
    case 'browsRaised':
      return photo.browHeight - median(person.map((p) => p.browHeight)) >= condition.aboveOwnMedian;
    case 'turn':
      return bucket(photo.yaw) === bucket(source.yaw + condition.yaw) && bucket(photo.pitch) === bucket(source.pitch + condition.pitch);
  }
}

const meanCosine = (e: Float32Array, set: readonly Float32Array[]) => set.reduce((s, p) => s + cosineSimilarity(e, p), 0) / set.length;

/**
 * Gain of `candidate` over the probes but probe `leftOut`: mean cosine to them minus the source's.
 * Null when no other probe is left.
 */
export function gainWithout(
  candidate: Float32Array,
  source: Float32Array,
  probes: readonly Float32Array[],
  leftOut: number,
): number | null {
  const rest = probes.filter((_, i) => i !== leftOut);
  return rest.length ? meanCosine(candidate, rest) - meanCosine(source, rest) : null;
}

/** Each probe's gain as a real photo: its mean cosine to the other probes minus the source's (probes alone leave none out). */
export function realPhotoGains(source: Float32Array, probes: readonly Float32Array[]): number[] {
  return probes.flatMap((probe, i) => gainWithout(probe, source, probes, i) ?? []);
}

/** One real photo beside one variant, both scored against the same probes. */
export interface GainPair {
  readonly real: number;
  readonly variant: number;
  readonly matched: boolean | null;
}

/**
 * For a variant of `source` made under `condition`: each probe's real-photo gain (the probe against
 * the other probes) beside the variant's gain against those same probes, and whether the probe
 * shows the condition.
 */
export function gainPairs(
  variant: Float32Array,
  source: MeasuredPhoto,
  probes: readonly MeasuredPhoto[],
  condition: EditCondition,
): GainPair[] {
  const embeddings = probes.map((p) => p.embedding);
  return probes.flatMap((probe, i) => {
    const real = gainWithout(probe.embedding, source.embedding, embeddings, i);
    const made = gainWithout(variant, source.embedding, embeddings, i);
    return real === null || made === null
      ? []
      : [{ real, variant: made, matched: showsCondition(condition, source, probe, [source, ...probes]) }];
  });
}
