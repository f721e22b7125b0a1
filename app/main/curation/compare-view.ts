import sharp from 'sharp';
import type { CompareView } from '#api/curation.ts';
import { ApiError } from '#api/errors.ts';
import { resolveMedia } from '../project/media-resolver.ts';
import type { ProjectSession } from '../project/project-session.ts';
import { loadAlignedCrop } from '../vision/aligned-crop.ts';
import { originalKey, validityMaskKey } from '../media/media-keys.ts';
import { differenceImage, type RawRgb } from './difference-image.ts';
import type { VariantQuery } from './variant-query.ts';

interface CompareRow {
  recipe: string;
  pack_name: string | null;
  pack_version: string | null;
  width: number | null;
  height: number | null;
  source_face_id: number | null;
}

/** Source | variant | difference for one variant, with everything the compare panel prints. */
export async function compareView(session: ProjectSession, query: VariantQuery, variantId: number): Promise<CompareView> {
  const variant = query.tile(variantId);
  if (!variant) throw new ApiError('NOT_FOUND', `no variant ${variantId}`);
  const row = session.db
    .prepare(
      `SELECT v.recipe, p.name AS pack_name, p.version AS pack_version, i.width, i.height, v.source_face_id
       FROM variants v LEFT JOIN packs p ON p.id = v.pack_id JOIN images i ON i.id = v.source_image_id WHERE v.id = ?`,
    )
    .get(variantId) as CompareRow;
  const aligned = row.source_face_id === null ? null : await alignedFace(session, row.source_face_id, variant.width, variant.height);
  const source = aligned ?? (await resolveMedia(session, originalKey(variant.sourceImageId))).path;
  const difference = await differenceImage(source, session.media.pathOf(variant.fileKey), variant.width, variant.height);
  return {
    variant,
    sourceWidth: row.width,
    sourceHeight: row.height,
    recipe: row.recipe,
    packName: row.pack_name,
    packVersion: row.pack_version,
    alignedSource: aligned ? await pngDataUrl(aligned) : null,
    validityKey: aligned && row.source_face_id !== null ? storedValidityKey(session, row.source_face_id) : null,
    difference: difference.dataUrl,
    meanAbsDifference: difference.mean,
  };
}

/** The generator crops square faces; a face that cannot be aligned (no landmarks) falls back to the photo. */
async function alignedFace(session: ProjectSession, faceId: number, width: number, height: number): Promise<RawRgb | null> {
  if (width !== height) return null;
  try {
    const crop = await loadAlignedCrop(session, faceId, { template: 'generator', size: width });
    return { data: crop.data, width: crop.width, height: crop.height };
  } catch {
    return null;
  }
}

function storedValidityKey(session: ProjectSession, faceId: number): string | null {
  const face = session.db.prepare('SELECT image_id, face_index FROM faces WHERE id = ?').get(faceId) as
    { image_id: number; face_index: number } | undefined;
  const key = face && validityMaskKey(face.image_id, face.face_index);
  return key && (session.media.has(key) || session.media.canProduce(key)) ? key : null;
}

async function pngDataUrl(image: RawRgb): Promise<string> {
  const png = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .png()
    .toBuffer();
  return `data:image/png;base64,${png.toString('base64')}`;
}
