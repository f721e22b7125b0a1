import { boxCentre, type FaceBox } from './face-box.ts';
import { cosineSimilarity, l2Normalise } from './identity-embedder.ts';

export interface PrimaryCandidate {
  readonly box: FaceBox;
  /** The face's embedding in the same model as the identity's reference faces, when known. */
  readonly embedding?: Float32Array;
}

/**
 * The face that stands for a photo. With reference embeddings of the identity (its other photos),
 * the face most similar to their centroid wins, as long as it clears `minSimilarity` (a face that
 * matches nobody does not override the photo's composition). Otherwise, or without references:
 * the largest face, discounted by its distance from the centre (a big face at the edge of a group
 * photo loses to the subject in the middle).
 */
export function choosePrimaryFace(
  faces: readonly PrimaryCandidate[],
  image: { readonly width: number; readonly height: number },
  references: readonly Float32Array[] = [],
  minSimilarity = -1,
): number | null {
  if (faces.length === 0) return null;
  return (faces.length > 1 ? faceMatchingIdentity(faces, references, minSimilarity) : null) ?? centralLargest(faces, image);
}

/** The face most similar to the centroid of `references` above `minSimilarity`, or null. */
export function faceMatchingIdentity(
  faces: readonly PrimaryCandidate[],
  references: readonly Float32Array[],
  minSimilarity = -1,
): number | null {
  if (references.length === 0) return null;
  const centroid = meanDirection(references);
  let best: number | null = null;
  let bestSimilarity = minSimilarity;
  faces.forEach((face, i) => {
    if (!face.embedding) return;
    const similarity = cosineSimilarity(face.embedding, centroid);
    if (similarity > bestSimilarity) {
      bestSimilarity = similarity;
      best = i;
    }
  });
  return best;
}

function centralLargest(faces: readonly PrimaryCandidate[], image: { readonly width: number; readonly height: number }): number {
  let best = 0;
  let bestScore = -Infinity;
  const half = Math.hypot(image.width, image.height) / 2;
  faces.forEach((face, i) => {
    const [cx, cy] = boxCentre(face.box);
    const offCentre = Math.hypot(cx - image.width / 2, cy - image.height / 2) / half;
    const score = face.box.width * face.box.height * (1 - 0.5 * Math.min(1, offCentre));
    if (score > bestScore) {
      bestScore = score;
      best = i;
    }
  });
  return best;
}

/** L2-normalised mean of unit vectors: the identity's centroid direction. */
export function meanDirection(vectors: readonly Float32Array[]): Float32Array {
  const mean = new Float32Array(vectors[0].length);
  for (const v of vectors) for (let i = 0; i < v.length; i++) mean[i] += v[i];
  return l2Normalise(mean);
}
