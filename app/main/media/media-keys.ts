/**
 * Every media key the project names, built and parsed here and nowhere else. A key is what the
 * database stores and the renderer asks the media route for; where its file lies on disk is the
 * store's business (see `MediaStore.pathOf`), so the folder layout can change without a key changing.
 */

/** Face files are named by image and face index (not face id) so they can be written before the analysis that names them commits. */
export function alignedCropKey(imageId: number, faceIndex: number): string {
  return `aligned/${imageId}_${faceIndex}.png`;
}

export function personMaskKey(imageId: number, faceIndex: number): string {
  return `masks/${imageId}_${faceIndex}.png`;
}

/** Which pixels of the aligned crop are real photo (255) and which are padding (0). */
export function validityMaskKey(imageId: number, faceIndex: number): string {
  return `masks/valid-${imageId}_${faceIndex}.png`;
}

/** A thumbnail is named by its photo's content hash, so identical photos share one. */
export function thumbKey(contentHash: string): string {
  return `thumbs/${contentHash}.webp`;
}

export function variantKey(jobId: number, imageId: number, ordinal: number): string {
  return `variants/j${jobId}-i${imageId}-o${ordinal}.png`;
}

/** The imported photo itself, looked up by image id: never a path, so a request cannot name a file. */
export function originalKey(imageId: number): string {
  return `originals/${imageId}`;
}

const ORIGINAL = /^originals\/(\d{1,12})$/;
const FACE_FILE = /^(aligned|masks)\/(valid-)?(\d{1,12})_(\d{1,4})\.png$/;

export function originalImageId(key: string): number | null {
  const match = ORIGINAL.exec(key);
  return match ? Number(match[1]) : null;
}

export type FaceFileKind = 'aligned' | 'validity' | 'person';

/** Which face file a key names, or null for any other key. */
export function faceFileOf(key: string): { kind: FaceFileKind; imageId: number; faceIndex: number } | null {
  const match = FACE_FILE.exec(key);
  if (!match) return null;
  if (match[1] === 'aligned' && match[2]) return null;
  const kind: FaceFileKind = match[1] === 'aligned' ? 'aligned' : match[2] ? 'validity' : 'person';
  return { kind, imageId: Number(match[3]), faceIndex: Number(match[4]) };
}
