/**
 * Media-store keys of a face's derived files, named by image and face index (not face id) so they
 * can be written before the analysis that names them commits, and rewritten in place on a rerun.
 */
export function alignedCropKey(imageId: number, faceIndex: number): string {
  return `aligned/${imageId}_${faceIndex}.png`;
}

export function personMaskKey(imageId: number, faceIndex: number): string {
  return `masks/${imageId}_${faceIndex}.png`;
}

/** Which pixels of the stored aligned crop are real photo (255) and which are padding (0). */
export function validityMaskKey(imageId: number, faceIndex: number): string {
  return `masks/valid-${imageId}_${faceIndex}.png`;
}

export function originalKey(imageId: number): string {
  return `originals/${imageId}`;
}
