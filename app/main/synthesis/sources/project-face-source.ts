import sharp from 'sharp';
import { applyAffine, composeAffine, invertAffine, type Affine } from '../../vision/affine.ts';
import { loadAlignedCrop, referenceTransform, validityMask } from '../../vision/aligned-crop.ts';
import { decodeLandmarks } from '../../project/landmark-codec.ts';
import { AnalyzeParams } from '../../vision/analyze-job.ts';
import { alignedCropKey, personMaskKey, validityMaskKey } from '../../media/media-keys.ts';
import { meshToTemplate } from '../relight/template-mesh.ts';
import { transformForSize } from '../../vision/face-templates.ts';
import { personMask } from '../../vision/person-mask.ts';
import { decodeRgb, type RgbImage } from '../../vision/rgb-image.ts';
import { sourceImagePath } from '../../project/original-files.ts';
import type { VisionRuntime } from '../../vision/vision-runtime.ts';
import type { ProjectSession } from '../../project/project-session.ts';
import type { FaceSource, SourceFace } from './face-source.ts';
import { scoringContextOf } from './project-identity-scorer.ts';
import { boxDownsample, planarFromInterleaved, type PlanarImage } from '../packs/image-tensor.ts';

interface GeometryRow {
  image_id: number;
  face_index: number;
  landmarks: Buffer | null;
  five_points: string | null;
  generator_transform: string | null;
  arcface_transform: string | null;
  width: number | null;
  height: number | null;
}

/** A project's analysed faces, as the vision pipeline aligned them to the generator template. */
export class ProjectFaceSource implements FaceSource {
  readonly #session: ProjectSession;
  readonly #vision: VisionRuntime;
  readonly cropSize: number = AnalyzeParams.parse({}).generatorSize;

  constructor(session: ProjectSession, vision: VisionRuntime) {
    this.#session = session;
    this.#vision = vision;
  }

  faces(): readonly SourceFace[] {
    return this.#session.db
      .prepare(
        `SELECT f.id AS faceId, f.image_id AS imageId, i.identity_id AS identityId
           FROM faces f JOIN images i ON i.id = f.image_id
          WHERE f.is_primary = 1 AND i.status = 'ok'
          ORDER BY f.id`,
      )
      .all() as SourceFace[];
  }

  /**
   * The generator-template crop as the media store serves it (stored by an older release, or
   * recomputed once into its cache), when it can give `size` exactly (same size, or an integer box
   * reduction of it): decoding a large original photo per face would dominate a fit. Otherwise the
   * face is aligned afresh from the original.
   */
  async alignedCrop(faceId: number, size: number): Promise<PlanarImage> {
    const row = this.#geometry(faceId);
    const file = row && (await this.#mediaFile(alignedCropKey(row.image_id, row.face_index)));
    if (file) {
      const { data, info } = await sharp(file).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
      if (info.width === info.height && info.channels === 3 && info.width % size === 0) {
        const stored = planarFromInterleaved(data, info.width, 255);
        return info.width === size ? stored : { size, data: boxDownsample(stored.data, info.width, size) };
      }
    }
    // 8-bit like a served crop, so a face gives the same pixels whichever way it was read.
    const crop = await loadAlignedCrop(this.#session, faceId, { template: 'generator', size });
    return planarFromInterleaved(crop.data, size, 255);
  }

  async templateLandmarks(faceId: number, size: number): Promise<Float32Array | null> {
    const row = this.#geometry(faceId);
    const toTemplate = row && generatorTransform(row, size);
    if (!row?.landmarks || !toTemplate) return null;
    const source = decodeLandmarks(row.landmarks);
    const points = new Float32Array((source.length / 3) * 2);
    for (let p = 0; p < points.length / 2; p += 1) {
      const [x, y] = applyAffine(toTemplate, [source[p * 3], source[p * 3 + 1]]);
      points[p * 2] = x;
      points[p * 2 + 1] = y;
    }
    return points;
  }

  async templateMesh(faceId: number, size: number): Promise<Float32Array | null> {
    const row = this.#geometry(faceId);
    const toTemplate = row && generatorTransform(row, size);
    if (!row?.landmarks || !toTemplate) return null;
    const source = decodeLandmarks(row.landmarks);
    return meshToTemplate(source, toTemplate);
  }

  /** The mask analysis stored with the face, resized; computed with the person model only when none was stored. */
  async personMask(faceId: number, size: number): Promise<Float32Array | null> {
    const row = this.#geometry(faceId);
    if (!row) return null;
    const key = personMaskKey(row.image_id, row.face_index);
    if (this.#session.media.has(key)) {
      const grey = await sharp(this.#session.media.pathOf(key)).greyscale().resize(size, size, { fit: 'fill' }).raw().toBuffer();
      return Float32Array.from(grey, (v) => v / 255);
    }
    const toTemplate = generatorTransform(row, size);
    if (!toTemplate) return null;
    const image = await decodeRgb(sourceImagePath(this.#session.db, row.image_id));
    const mask = await personMask(image, toTemplate, size, this.#vision);
    return Float32Array.from(mask.data, (v) => v / 255);
  }

  /** The mask analysis stored with the crop, resized; for a face analysed before masks were stored, worked out from the geometry. */
  async validityMask(faceId: number, size: number): Promise<Float32Array> {
    const row = this.#require(faceId);
    const key = validityMaskKey(row.image_id, row.face_index);
    if (this.#session.media.has(key)) {
      const grey = await sharp(this.#session.media.pathOf(key)).extractChannel(0).resize(size, size, { fit: 'fill' }).raw().toBuffer();
      const valid = new Float32Array(grey.length);
      for (let i = 0; i < valid.length; i++) valid[i] = grey[i] / 255;
      return valid;
    }
    const toTemplate = generatorTransform(row, size);
    if (!toTemplate || row.width === null || row.height === null) return new Float32Array(size * size).fill(1);
    return Float32Array.from(validityMask({ width: row.width, height: row.height }, toTemplate, size), (v) => v / 255);
  }

  async scoringFrame(faceId: number, size: number): Promise<Affine> {
    const row = this.#require(faceId);
    const toTemplate = generatorTransform(row, size);
    const toArcface = referenceTransform(row, 'arcface');
    if (!toTemplate || !toArcface) throw new Error(`face ${faceId} has no alignment to score it by`);
    return composeAffine(toArcface, invertAffine(toTemplate));
  }

  async scoringContext(faceId: number): Promise<RgbImage> {
    const row = this.#require(faceId);
    const toArcface = referenceTransform(row, 'arcface');
    if (!toArcface) throw new Error(`face ${faceId} has no alignment to score it by`);
    const image = await decodeRgb(sourceImagePath(this.#session.db, row.image_id));
    return scoringContextOf(image, toArcface);
  }

  async #mediaFile(key: string): Promise<string | null> {
    if (this.#session.media.has(key)) return this.#session.media.pathOf(key);
    if (!this.#session.media.canProduce(key)) return null;
    return this.#session.media.resolve(key).catch(() => null);
  }

  #require(faceId: number): GeometryRow {
    const row = this.#geometry(faceId);
    if (!row) throw new Error(`no face ${faceId}`);
    return row;
  }

  #geometry(faceId: number): GeometryRow | undefined {
    return this.#session.db
      .prepare(
        `SELECT f.image_id, f.face_index, f.landmarks, f.five_points, f.generator_transform, f.arcface_transform, i.width, i.height
           FROM faces f JOIN images i ON i.id = f.image_id WHERE f.id = ?`,
      )
      .get(faceId) as GeometryRow | undefined;
  }
}

function generatorTransform(row: GeometryRow, size: number): Affine | null {
  const reference = referenceTransform(row, 'generator');
  return reference && transformForSize(reference, 'generator', size);
}
