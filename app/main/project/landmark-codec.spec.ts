import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listLabelledImages } from '../../../bench/eval-identity.ts';
import { sharedFacesDir, sharedFacesOrSkip } from '../../../test/fixtures/shared-faces.ts';
import { seededUniform } from '../core/seeded-random.ts';
import { InferenceClient } from '../inference/inference-client.ts';
import { analyseImage } from '../vision/face-analysis.ts';
import { decodeRgb } from '../vision/rgb-image.ts';
import { VisionRuntime } from '../vision/vision-runtime.ts';
import { decodeLandmarks, encodeLandmarks, isCompactLandmarks, landmarkTolerance } from './landmark-codec.ts';
import { migrate, schemaVersion } from './project-database.ts';
import { migrations } from './schema/index.ts';

function mesh(seed: number, scale: number, offset: number, points = 468): Float32Array {
  const random = seededUniform(seed);
  return Float32Array.from({ length: points * 3 }, (_, i) => offset * (i % 3 === 2 ? 0 : 1) + (random() - 0.5) * scale);
}

function worstError(a: Float32Array, b: Float32Array): number {
  return Math.max(...a.map((v, i) => Math.abs(v - b[i])));
}

/** The worst error on each axis as a share of that axis's tolerance for `original`: at most 1 (float32 rounding aside). */
function errorShare(decoded: Float32Array, original: Float32Array): number {
  const tolerance = landmarkTolerance(original);
  return Math.max(...decoded.map((v, i) => Math.abs(v - original[i]) / tolerance[i % 3]));
}

/** The 12-bit packing of the previous release (v1), as its projects hold it. */
function packV1(values: Float32Array): Buffer {
  const min = [0, 1, 2].map((axis) => Math.min(...values.filter((_, i) => i % 3 === axis)));
  const max = [0, 1, 2].map((axis) => Math.max(...values.filter((_, i) => i % 3 === axis)));
  const out = Buffer.alloc(28 + Math.ceil((values.length * 12) / 8));
  out.set([0x4c, 0x4d, 1, 12]);
  for (let axis = 0; axis < 3; axis++) {
    out.writeFloatLE(min[axis], 4 + axis * 4);
    out.writeFloatLE(max[axis] - min[axis], 16 + axis * 4);
  }
  let bit = 28 * 8;
  values.forEach((v, i) => {
    const axis = i % 3;
    const span = out.readFloatLE(16 + axis * 4);
    const q = span > 0 ? Math.round(((v - out.readFloatLE(4 + axis * 4)) / span) * 4095) : 0;
    for (let b = 11; b >= 0; b--, bit++) if ((q >> b) & 1) out[bit >> 3] |= 0x80 >> (bit & 7);
  });
  return out;
}

describe('the stored landmark mesh', () => {
  it('keeps x, y of any 468-point mesh within 1/4096 of its x, y extent, and depth within 1/2048', () => {
    for (const [scale, offset] of [
      [100, 120],
      [1500, 3000],
    ]) {
      const values = mesh(scale, scale, offset);
      const back = decodeLandmarks(encodeLandmarks(values));
      expect(back).toHaveLength(values.length);
      expect(landmarkTolerance(values)).toEqual([scale / 4096, scale / 4096, scale / 2048].map((t) => expect.closeTo(t, 0)));
      expect(errorShare(back, values)).toBeLessThanOrEqual(1.001);
    }
  });

  it('packs meshes of another length in 12 bits, within 1/8000 of their extent', () => {
    const values = mesh(7, 200, 50, 100);
    const packed = encodeLandmarks(values);
    expect(packed.length).toBe(28 + (100 * 3 * 12) / 8);
    expect(worstError(decodeLandmarks(packed), values)).toBeLessThanOrEqual(200 / 8000);
  });

  it('still reads the float32 blobs of older projects, from unaligned buffers too', () => {
    const values = mesh(3, 200, 50);
    const bytes = Buffer.alloc(values.byteLength + 1);
    Buffer.from(values.buffer).copy(bytes, 1);
    expect(decodeLandmarks(bytes.subarray(1))).toEqual(values);
  });

  it('keeps a flat axis (all points at one depth) within tolerance', () => {
    const values = mesh(4, 80, 10).map((v, i) => (i % 3 === 2 ? 7 : v));
    const back = decodeLandmarks(encodeLandmarks(values));
    for (let i = 2; i < back.length; i += 3) expect(Math.abs(back[i] - 7)).toBeLessThanOrEqual(landmarkTolerance(values)[2] * 1.001);
  });
});

describe.runIf(sharedFacesOrSkip())('the stored landmark mesh of real faces', () => {
  let client: InferenceClient;
  const meshes: Float32Array[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'likeness-landmarks-'));

  beforeAll(async () => {
    client = new InferenceClient();
    const runtime = new VisionRuntime(client);
    // Two photos of every johns person, a lit and a dark Yale shot of three people, glasses and expressions from ORL.
    const seen = new Map<string, number>();
    const images = listLabelledImages(sharedFacesDir).filter((image) => {
      const n = seen.get(image.identity) ?? 0;
      seen.set(image.identity, n + 1);
      return image.set === 'johns' ? n < 2 : image.set === 'yale' ? n % 32 === 0 && seen.size % 3 === 0 : n === 4 && seen.size % 4 === 0;
    });
    for (const image of images) {
      const analysis = await analyseImage(await decodeRgb(image.path), runtime, { embeddingModels: [] });
      for (const face of analysis.faces) meshes.push(face.landmarks);
    }
  }, 300_000);

  afterAll(async () => {
    await client?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('decodes x, y within 1/4096 of the face’s extent and depth within 1/2048 (under 0.07 px in x, y on the largest face here), in under 1 kB a face', () => {
    expect(meshes.length).toBeGreaterThanOrEqual(15);
    let bytes = 0;
    const worst = [0, 0, 0];
    for (const values of meshes) {
      const blob = encodeLandmarks(values);
      bytes += blob.length;
      const decoded = decodeLandmarks(blob);
      expect(errorShare(decoded, values)).toBeLessThanOrEqual(1.001);
      decoded.forEach((v, i) => (worst[i % 3] = Math.max(worst[i % 3], Math.abs(v - values[i]))));
    }
    expect(Math.max(worst[0], worst[1])).toBeLessThan(0.07);
    expect(worst[2]).toBeLessThan(0.14);
    console.info(
      `landmarks of ${meshes.length} real faces: ${Math.round(bytes / meshes.length)} B a face, worst error x ${worst[0].toFixed(3)} px, y ${worst[1].toFixed(3)} px, depth ${worst[2].toFixed(3)} px`,
    );
    expect(bytes / meshes.length).toBeLessThan(1000);
    expect(bytes / meshes.length / packV1(meshes[0]).length).toBeLessThan(0.45);
  });

  it('are re-coded by migration 21 from the formats of earlier releases, within the same tolerance', () => {
    const db = new Database(join(dir, 'previous.likeness'));
    migrate(
      db,
      migrations.filter((m) => m.version < 21),
    );
    const now = new Date().toISOString();
    const dataset = db
      .prepare("INSERT INTO datasets (root, layout, created_at) VALUES ('/faces', 'imagefolder', ?)")
      .run(now).lastInsertRowid;
    const insertImage = db.prepare("INSERT INTO images (dataset_id, rel_path, status, imported_at) VALUES (?, ?, 'ok', ?)");
    const insertFace = db.prepare("INSERT INTO faces (image_id, face_index, box, score, landmarks) VALUES (?, 0, '{}', 0.9, ?)");
    const stored = meshes.map((values, i) => {
      const image = insertImage.run(dataset, `${i}.jpg`, now).lastInsertRowid;
      // The older half as bare float32, the rest 12-bit packed.
      const blob: Buffer = i % 2 === 0 ? Buffer.from(values.buffer, values.byteOffset, values.byteLength) : packV1(values);
      return { id: Number(insertFace.run(image, blob).lastInsertRowid), before: blob };
    });
    migrate(
      db,
      migrations.filter((m) => m.version <= 21),
    );
    expect(schemaVersion(db)).toBe(21);
    for (const face of stored) {
      const blob = db.prepare('SELECT landmarks FROM faces WHERE id = ?').pluck().get(face.id) as Buffer;
      expect(isCompactLandmarks(blob)).toBe(true);
      // Within tolerance of what the row held (a v1 row was already up to 1/8190 of its extent off).
      expect(errorShare(decodeLandmarks(blob), decodeLandmarks(face.before))).toBeLessThanOrEqual(1.001);
    }
    db.close();
  });
});
