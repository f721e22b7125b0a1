import { faceFileOf } from '../media/media-keys.ts';
import type { MediaProducer } from '../media/media-store.ts';
import type { ProjectSession } from '../project/project-session.ts';
import { loadAlignedCrop } from './aligned-crop.ts';
import { encodePng } from './rgb-image.ts';

/** Side of the generator-template crop analysis works in, and so of the crops and masks it serves. */
export const GENERATOR_CROP_SIZE = 256;

/**
 * Recomputes a face's aligned crop and its validity mask from the original photo and the stored
 * transform, through the one crop path analysis used, so the served file has the very pixels a
 * stored one had (test: aligned-crop-media.spec.ts). Storing them cost 7× the photos themselves.
 */
export function faceMediaProducer(session: ProjectSession): MediaProducer {
  return async (key) => {
    const file = faceFileOf(key);
    if (!file || file.kind === 'person') return null;
    const face = session.db.prepare('SELECT id FROM faces WHERE image_id = ? AND face_index = ?').get(file.imageId, file.faceIndex) as
      { id: number } | undefined;
    if (!face) return null;
    const crop = await loadAlignedCrop(session, face.id, { template: 'generator', size: GENERATOR_CROP_SIZE });
    if (file.kind === 'validity') return encodePng({ width: crop.width, height: crop.height, data: crop.mask });
    return encodePng(crop);
  };
}
