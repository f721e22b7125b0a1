import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '#api/client.ts';
import { sharedFacesDir, sharedFacesOrSkip } from '../../../test/fixtures/shared-faces.ts';
import { createAppServices, type AppServices } from '../host/app-services.ts';
import { inProcessTransport } from '../host/in-process-transport.ts';
import { closeSharedInferenceClient } from '../inference/shared-inference-client.ts';
import { alignedCropKey, personMaskKey, thumbKey, validityMaskKey } from '../media/media-keys.ts';
import { sourceImagePath } from '../project/original-files.ts';
import { resolveMedia } from '../project/media-resolver.ts';
import type { ProjectSession } from '../project/project-session.ts';
import type { FaceSource } from '../synthesis/sources/face-source.ts';
import { ProjectFaceSource } from '../synthesis/sources/project-face-source.ts';
import { cropFrame, projectCentroids, visionIdentityScorer } from '../synthesis/sources/project-identity-scorer.ts';
import { planarFromInterleaved } from '../synthesis/packs/image-tensor.ts';
import { meshToTemplate } from '../synthesis/relight/template-mesh.ts';
import { alignCrop, storedReference } from './aligned-crop.ts';
import { vectorFromBlob } from './analysis-store.ts';
import { DEFAULT_EMBEDDING_MODEL } from './embedding-models.ts';
import { analyseImage } from './face-analysis.ts';
import { GENERATOR_CROP_SIZE } from './face-media.ts';
import { generatorFraming, transformForSize } from './face-templates.ts';
import { cosineSimilarity } from './identity-embedder.ts';
import { decodeRgb, encodePng } from './rgb-image.ts';
import { defaultVisionRuntime } from './vision-runtime.ts';

interface Face {
  faceId: number;
  imageId: number;
  faceIndex: number;
  vector: Buffer;
}

/** What the previous release kept for a face: the crop and masks it stored, and the float32 mesh. */
interface Legacy {
  crop: Uint8Array;
  cropPng: Uint8Array;
  validPng: Uint8Array;
  landmarks: Float32Array;
}

/**
 * Media proportional to the data: analysis stores no aligned crop (recomputed on request from the
 * photo and the stored transform) and packs the mesh, and a project of the previous release
 * (flat folders, stored crops, float32 meshes) still opens and serves everything.
 */
describe.runIf(sharedFacesOrSkip())('face media recomputed from the stored transform', () => {
  const root = mkdtempSync(join(tmpdir(), 'likeness-face-media-'));
  const project = join(root, 'faces.likeness');
  let services: AppServices;
  let client: ApiClient;
  let faces: Face[];
  const legacy = new Map<number, Legacy>();

  const session = (): ProjectSession => services.workspace.require();

  beforeAll(async () => {
    // Two people, two photos each, copied into a scratch dataset (never into the repository).
    const dataset = join(root, 'dataset');
    for (const person of readdirSync(join(sharedFacesDir, 'johns')).sort().slice(0, 2)) {
      mkdirSync(join(dataset, person), { recursive: true });
      for (const photo of readdirSync(join(sharedFacesDir, 'johns', person))
        .sort()
        .slice(0, 2)) {
        copyFileSync(join(sharedFacesDir, 'johns', person, photo), join(dataset, person, photo));
      }
    }
    services = createAppServices({ host: 'cli', settingsDir: join(root, 'settings'), log: () => undefined });
    client = new ApiClient(inProcessTransport(services));
    await client.call('project.create', { path: project });
    await client.call('dataset.import', { layout: 'imagefolder', root: dataset });
    await session().jobs.idle();
    await client.call('vision.analyze', {});
    await session().jobs.idle();
    faces = session()
      .db.prepare(
        `SELECT f.id AS faceId, f.image_id AS imageId, f.face_index AS faceIndex, e.vector
           FROM faces f JOIN embeddings e ON e.face_id = f.id AND e.model = ? WHERE f.is_primary = 1 ORDER BY f.id`,
      )
      .all(DEFAULT_EMBEDDING_MODEL) as Face[];
    // The crop the previous release stored: the analysis's own transform, aligned and written as PNG.
    for (const face of faces) {
      const image = await decodeRgb(sourceImagePath(session().db, face.imageId));
      const analysed = await analyseImage(image, defaultVisionRuntime(), { embeddingModels: [DEFAULT_EMBEDDING_MODEL] });
      const reference = generatorFraming(analysed.faces[face.faceIndex].generatorTransform, image);
      const crop = await alignCrop(image, reference, { template: 'generator', size: GENERATOR_CROP_SIZE });
      legacy.set(face.faceId, {
        crop: crop.data,
        cropPng: await encodePng(crop),
        validPng: await encodePng({ width: crop.width, height: crop.height, data: crop.mask }),
        landmarks: analysed.faces[face.faceIndex].landmarks,
      });
    }
  }, 300_000);

  afterAll(async () => {
    await services?.shutdown();
    await closeSharedInferenceClient();
    rmSync(root, { recursive: true, force: true });
  });

  it('keeps no aligned crop or validity mask on disk, only person masks and thumbnails in hashed sub-folders', () => {
    expect(faces.length).toBe(4);
    const media = session().media;
    for (const face of faces) {
      expect(media.has(alignedCropKey(face.imageId, face.faceIndex))).toBe(false);
      expect(media.has(validityMaskKey(face.imageId, face.faceIndex))).toBe(false);
      const mask = media.pathOf(personMaskKey(face.imageId, face.faceIndex));
      expect(existsSync(mask)).toBe(true);
      expect(basename(join(mask, '..'))).toMatch(/^[0-9a-f]{2}$/);
    }
    for (const kind of ['thumbs', 'masks']) {
      const entries = readdirSync(join(media.root, kind));
      expect(entries.length).toBeGreaterThan(0);
      for (const entry of entries) {
        expect(entry).toMatch(/^[0-9a-f]{2}$/);
        expect(statSync(join(media.root, kind, entry)).isDirectory()).toBe(true);
      }
    }
  });

  it('serves each aligned crop and validity mask recomputed, pixel for pixel the crop analysis made', async () => {
    for (const face of faces) {
      const before = legacy.get(face.faceId)!;
      const crop = await resolveMedia(session(), alignedCropKey(face.imageId, face.faceIndex));
      expect(crop.contentType).toBe('image/png');
      const pixels = await sharp(crop.path).raw().toBuffer({ resolveWithObject: true });
      expect([pixels.info.width, pixels.info.channels]).toEqual([GENERATOR_CROP_SIZE, 3]);
      expect(Buffer.compare(pixels.data, Buffer.from(before.crop))).toBe(0);
      const valid = await resolveMedia(session(), validityMaskKey(face.imageId, face.faceIndex));
      const stored = await sharp(before.validPng).extractChannel(0).raw().toBuffer();
      expect(Buffer.compare(await sharp(valid.path).extractChannel(0).raw().toBuffer(), stored)).toBe(0);
    }
  });

  it('scores identity from recomputed crops and packed meshes within 1e-4 of the stored crops and float32 meshes', async () => {
    const current = new ProjectFaceSource(session(), defaultVisionRuntime());
    const size = current.cropSize;
    const stored: FaceSource = {
      cropSize: size,
      faces: () => current.faces(),
      templateLandmarks: (faceId, at) => current.templateLandmarks(faceId, at),
      personMask: (faceId, at) => current.personMask(faceId, at),
      validityMask: (faceId, at) => current.validityMask(faceId, at),
      scoringFrame: (faceId, at) => current.scoringFrame(faceId, at),
      scoringContext: (faceId) => current.scoringContext(faceId),
      alignedCrop: async (faceId: number) => {
        const { data } = await sharp(legacy.get(faceId)!.cropPng).raw().toBuffer({ resolveWithObject: true });
        return planarFromInterleaved(data, size, 255);
      },
      // The same stored transform, applied to the float32 mesh analysis had in memory.
      templateMesh: async (faceId: number, at: number) =>
        meshToTemplate(
          legacy.get(faceId)!.landmarks,
          transformForSize(storedReference(session(), faceId, 'generator').reference, 'generator', at),
        ),
    };
    const scorer = visionIdentityScorer(defaultVisionRuntime(), projectCentroids(session().db));
    const score = async (source: FaceSource) => {
      const crops = await Promise.all(faces.map((f) => source.alignedCrop(f.faceId, size)));
      const frames = await Promise.all(faces.map((f) => cropFrame(source, f.faceId, size)));
      const embeddings = await scorer.embed(crops, frames);
      return faces.map((f, i) => cosineSimilarity(embeddings[i], vectorFromBlob(f.vector)));
    };
    const before = await score(stored);
    const after = await score(current);
    console.info(
      `identity scores, stored crops vs recomputed: largest difference ${Math.max(...after.map((a, i) => Math.abs(a - before[i]))).toExponential(2)}`,
    );
    for (const [i, cosine] of after.entries()) expect(Math.abs(cosine - before[i]), `face ${faces[i].faceId}`).toBeLessThanOrEqual(1e-4);
    expect(Math.min(...after)).toBeGreaterThan(0.95);
  });

  it('opens a project of the previous layout (flat folders, stored crops, float32 meshes) and serves all its media', async () => {
    const db = session().db;
    const thumbs = db.prepare("SELECT thumb_key FROM images WHERE status = 'ok'").pluck().all() as string[];
    await services.workspace.close();
    // Rewrite the project as the previous release left it.
    const media = `${project}.media`;
    for (const kind of ['thumbs', 'masks', 'aligned']) {
      const folder = join(media, kind);
      for (const shard of readdirSync(folder)) {
        for (const name of readdirSync(join(folder, shard))) renameSync(join(folder, shard, name), join(folder, name));
        rmSync(join(folder, shard), { recursive: true });
      }
    }
    const old = new Database(project);
    const setMesh = old.prepare('UPDATE faces SET landmarks = ? WHERE id = ?');
    for (const face of faces) {
      const { landmarks, cropPng, validPng } = legacy.get(face.faceId)!;
      setMesh.run(Buffer.from(landmarks.buffer, landmarks.byteOffset, landmarks.byteLength), face.faceId);
      await sharp(cropPng).toFile(join(media, alignedCropKey(face.imageId, face.faceIndex)));
      await sharp(validPng).toFile(join(media, validityMaskKey(face.imageId, face.faceIndex)));
    }
    old.close();
    expect(existsSync(join(media, thumbs[0]))).toBe(true);

    await client.call('project.open', { path: project });
    const reopened = session();
    expect(existsSync(join(media, thumbs[0]))).toBe(false);
    for (const key of thumbs) {
      expect(key).toBe(thumbKey(basename(key, '.webp')));
      expect((await resolveMedia(reopened, key)).path).toBe(reopened.media.pathOf(key));
    }
    for (const face of faces) {
      for (const key of [alignedCropKey, validityMaskKey, personMaskKey].map((k) => k(face.imageId, face.faceIndex))) {
        const served = await resolveMedia(reopened, key);
        // Stored files of the old layout are served from their new sub-folder, not recomputed.
        expect(served.path).toBe(reopened.media.pathOf(key));
      }
      const detail = await client.call('vision.imageDetail', { imageId: face.imageId });
      const mesh = detail.faces[face.faceIndex].landmarks;
      expect(mesh).toHaveLength(468);
      const exact = legacy.get(face.faceId)!.landmarks;
      expect(mesh[10][0]).toBeCloseTo(exact[30], 4);
    }
    const original = await resolveMedia(reopened, `originals/${faces[0].imageId}`);
    expect(original.contentType).toBe('image/jpeg');
  });
});
