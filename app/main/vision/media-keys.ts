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

export function originalKey(imageId: number): string {
  return `originals/${imageId}`;
}
