/**
 * Ground truth for pose (`npm run eval:pose` → bench/results/pose.json). No set with labelled head
 * angles exists here, so real photos stand in: for a seeded sample of people in ../shared/lfw/dev
 * with several photos, the most frontal photo (by mesh yaw) is turned to the mesh yaw of each of
 * the person's other photos and compared with that real photo: landmark error (similarity-aligned,
 * over the inter-ocular distance) for the re-projected mesh the variant stores and for FaceMesh run
 * again on the variant, and identity cosine variant ↔ real photo, per yaw bucket, each against the
 * unedited frontal photo as the baseline. Also how often FaceMesh finds the face again in turns of
 * ±15°, ±30°, ±45°. Every image is scored as a photo is: detect → mesh → align → embed.
 * Analyses of the real photos are cached under .tmp/eval-pose/. Bounded: POSE_EVAL_PEOPLE people
 * (default 30) × at most 6 photos.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SeededRandom } from '../app/main/core/seeded-random.ts';
import { InferenceClient } from '../app/main/inference/inference-client.ts';
import { GridSampler } from '../app/main/synthesis/geometry/grid-sampler.ts';
import { meshPose } from '../app/main/synthesis/geometry/head-rotation.ts';
import { POSE_CROP_SIZE, POSE_DEPTH_SCALE, renderPose, type MeshFace } from '../app/main/synthesis/geometry/mesh-render.ts';
import { rgbFromPlanar, type PlanarImage } from '../app/main/synthesis/packs/image-tensor.ts';
import { AnalysedPhotoSource } from '../app/main/synthesis/testing/analysed-photo-source.ts';
import { DEFAULT_EMBEDDING_MODEL } from '../app/main/vision/embedding-models.ts';
import { analyseImage } from '../app/main/vision/face-analysis.ts';
import { cosineSimilarity } from '../app/main/vision/identity-embedder.ts';
import { decodeRgb } from '../app/main/vision/rgb-image.ts';
import { VisionRuntime } from '../app/main/vision/vision-runtime.ts';
import { isEntryPoint, writeBenchResult } from './bench-results.ts';

const lfwDir = resolve(fileURLToPath(new URL('../../shared/lfw/dev', import.meta.url)));
const cacheDir = fileURLToPath(new URL('../.tmp/eval-pose/', import.meta.url));
const SEED = 12;
const MIN_PHOTOS = 4;
const MAX_PHOTOS = 6;
const GRID_YAWS = [-45, -30, -15, 15, 30, 45];
const BUCKETS = [0, 10, 20, 30, 46] as const;
/** Outer eye corners: the inter-ocular distance landmark errors are divided by. */
const EYES = [33, 263] as const;
/** The depth stretch to evaluate: the product's, unless POSE_DEPTH_SCALE asks for another (then nothing is written). */
const depthScale = Number(process.env.POSE_DEPTH_SCALE ?? POSE_DEPTH_SCALE);

interface Analysis {
  readonly yaw: number;
  readonly landmarks: Float32Array;
  readonly embedding: Float32Array;
}

interface Pair {
  readonly person: string;
  readonly deltaYaw: number;
  readonly baseline: { landmarkError: number; cosine: number | null };
  readonly rendered: { landmarkError: number; redetectedError: number | null; cosine: number | null; found: boolean };
}

function listPeople(): { person: string; photos: string[] }[] {
  if (!existsSync(lfwDir)) {
    const reason = `LFW photos not found at ${lfwDir} (expected ../shared/lfw/dev beside the checkout)`;
    if (process.env.CI) throw new Error(reason);
    console.warn(`SKIPPED: ${reason}`);
    return [];
  }
  const people = readdirSync(lfwDir)
    .sort()
    .map((person) => ({
      person,
      photos: readdirSync(join(lfwDir, person))
        .filter((f) => /\.jpe?g$/i.test(f))
        .sort()
        .map((f) => join(lfwDir, person, f)),
    }))
    .filter((p) => p.photos.length >= MIN_PHOTOS);
  const random = new SeededRandom(SEED);
  for (let i = people.length - 1; i > 0; i -= 1) {
    const j = random.int(i + 1);
    [people[i], people[j]] = [people[j], people[i]];
  }
  const count = Number.parseInt(process.env.POSE_EVAL_PEOPLE ?? '30', 10);
  return people.slice(0, count).map((p) => ({ ...p, photos: p.photos.slice(0, MAX_PHOTOS) }));
}

async function analysePhoto(path: string, vision: VisionRuntime): Promise<Analysis | null> {
  const key = createHash('sha256')
    .update(`${path}:${statSync(path).mtimeMs}:${DEFAULT_EMBEDDING_MODEL}`)
    .digest('hex')
    .slice(0, 24);
  const file = join(cacheDir, `${key}.json`);
  if (existsSync(file)) {
    const cached = JSON.parse(readFileSync(file, 'utf8')) as { yaw: number; landmarks: number[]; embedding: number[] } | null;
    return cached && { yaw: cached.yaw, landmarks: Float32Array.from(cached.landmarks), embedding: Float32Array.from(cached.embedding) };
  }
  const analysis = await analyseImage(await decodeRgb(path), vision, { embeddingModels: [DEFAULT_EMBEDDING_MODEL], maxFaces: 1 });
  const face = analysis.primary === null ? null : analysis.faces[analysis.primary];
  const result = face && {
    yaw: meshPose(face.landmarks).yaw,
    landmarks: face.landmarks,
    embedding: face.embeddings[DEFAULT_EMBEDDING_MODEL]!,
  };
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(file, JSON.stringify(result && { yaw: result.yaw, landmarks: [...result.landmarks], embedding: [...result.embedding] }));
  return result;
}

/** A crop analysed as a photo is: FaceMesh's landmarks (crop pixels) and the embedding, or null when no face is found. */
async function asPhoto(image: PlanarImage, vision: VisionRuntime): Promise<{ landmarks: Float32Array; embedding: Float32Array } | null> {
  const rgb = { width: image.size, height: image.size, data: rgbFromPlanar(image) };
  const analysis = await analyseImage(rgb, vision, { embeddingModels: [DEFAULT_EMBEDDING_MODEL], maxFaces: 1 });
  if (analysis.primary === null) return null;
  const face = analysis.faces[analysis.primary];
  return { landmarks: face.landmarks, embedding: face.embeddings[DEFAULT_EMBEDDING_MODEL]! };
}

/**
 * Mean distance between two 468-point landmark sets (x, y of `a` and `b` read with strides 3 or 4)
 * after the similarity that best maps `a` onto `b`, over `b`'s inter-ocular distance; points with
 * `use[p]` 0 are left out.
 */
export function alignedLandmarkError(a: Float32Array, strideA: number, b: Float32Array, use?: Uint8Array): number {
  const idx = [...Array(468).keys()].filter((p) => !use || use[p]);
  const ax = idx.map((p) => a[p * strideA]);
  const ay = idx.map((p) => a[p * strideA + 1]);
  const bx = idx.map((p) => b[p * 3]);
  const by = idx.map((p) => b[p * 3 + 1]);
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const [max, may, mbx, mby] = [mean(ax), mean(ay), mean(bx), mean(by)];
  // Complex least squares: b − mb ≈ k (a − ma), k = Σ conj(a)·b / Σ |a|².
  let re = 0;
  let im = 0;
  let norm = 0;
  for (let i = 0; i < idx.length; i += 1) {
    const [xa, ya, xb, yb] = [ax[i] - max, ay[i] - may, bx[i] - mbx, by[i] - mby];
    re += xa * xb + ya * yb;
    im += xa * yb - ya * xb;
    norm += xa * xa + ya * ya;
  }
  const [kr, ki] = [re / norm, im / norm];
  let error = 0;
  for (let i = 0; i < idx.length; i += 1) {
    const [xa, ya] = [ax[i] - max, ay[i] - may];
    error += Math.hypot(kr * xa - ki * ya + mbx - bx[i], ki * xa + kr * ya + mby - by[i]);
  }
  const iod = Math.hypot(b[EYES[1] * 3] - b[EYES[0] * 3], b[EYES[1] * 3 + 1] - b[EYES[0] * 3 + 1]);
  return error / idx.length / iod;
}

const round = (v: number | null, digits = 4) => (v === null || Number.isNaN(v) ? null : Math.round(v * 10 ** digits) / 10 ** digits);
const meanOf = (values: readonly (number | null)[]) => {
  const known = values.filter((v): v is number => v !== null);
  return known.length ? known.reduce((s, v) => s + v, 0) / known.length : null;
};

export async function evalPose(): Promise<object> {
  const people = listPeople();
  const client = new InferenceClient();
  const vision = new VisionRuntime(client);
  const sampler = new GridSampler(client);
  const pairs: Pair[] = [];
  const grid: { yaw: number; found: boolean }[] = [];
  let renderMs = 0;
  let renders = 0;
  try {
    for (const { person, photos } of people) {
      const analysed = (await Promise.all(photos.map(async (path) => ({ path, analysis: await analysePhoto(path, vision) })))).filter(
        (p): p is { path: string; analysis: Analysis } => p.analysis !== null,
      );
      if (analysed.length < 2) continue;
      const frontal = analysed.reduce((best, p) => (Math.abs(p.analysis.yaw) < Math.abs(best.analysis.yaw) ? p : best));
      const source = await AnalysedPhotoSource.analyse([{ path: frontal.path, identityId: 1 }], vision);
      const [face] = source.faces();
      if (!face) continue;
      const mesh = (await source.templateMesh(face.faceId, POSE_CROP_SIZE))!;
      const meshFace: MeshFace = {
        image: await source.alignedCrop(face.faceId, POSE_CROP_SIZE),
        mesh,
        validity: await source.validityMask(face.faceId, POSE_CROP_SIZE),
      };
      const unedited = await asPhoto(meshFace.image, vision);
      const sourceYaw = meshPose(mesh).yaw;
      for (const other of analysed) {
        if (other === frontal) continue;
        const deltaYaw = Math.max(-45, Math.min(45, other.analysis.yaw - sourceYaw));
        const started = performance.now();
        const turned = await renderPose(meshFace, { yaw: deltaYaw, pitch: 0, roll: 0 }, sampler, depthScale);
        renderMs += performance.now() - started;
        renders += 1;
        const again = await asPhoto(turned.image, vision);
        const real = other.analysis;
        pairs.push({
          person,
          deltaYaw,
          baseline: {
            landmarkError: alignedLandmarkError(mesh, 3, real.landmarks),
            cosine: unedited && cosineSimilarity(unedited.embedding, real.embedding),
          },
          rendered: {
            landmarkError: alignedLandmarkError(turned.mesh, 3, real.landmarks, turned.landmarkValid),
            redetectedError: again && alignedLandmarkError(again.landmarks, 3, real.landmarks),
            cosine: again && cosineSimilarity(again.embedding, real.embedding),
            found: again !== null,
          },
        });
      }
      for (const yaw of GRID_YAWS) {
        const turned = await renderPose(meshFace, { yaw, pitch: 0, roll: 0 }, sampler, depthScale);
        grid.push({ yaw, found: (await asPhoto(turned.image, vision)) !== null });
      }
      process.stdout.write(`  ${person}: ${analysed.length} photos, frontal yaw ${sourceYaw.toFixed(1)}°\n`);
    }
  } finally {
    await client.close();
  }
  const buckets = BUCKETS.slice(0, -1).map((low, i) => {
    const high = BUCKETS[i + 1];
    const inBucket = pairs.filter((p) => Math.abs(p.deltaYaw) >= low && Math.abs(p.deltaYaw) < high);
    return {
      yawDifference: `${low}–${high === 46 ? 45 : high}°`,
      pairs: inBucket.length,
      landmarkError: {
        unedited: round(meanOf(inBucket.map((p) => p.baseline.landmarkError))),
        renderedMesh: round(meanOf(inBucket.map((p) => p.rendered.landmarkError))),
        redetected: round(meanOf(inBucket.map((p) => p.rendered.redetectedError))),
      },
      cosineToReal: {
        unedited: round(meanOf(inBucket.map((p) => p.baseline.cosine))),
        rendered: round(meanOf(inBucket.map((p) => p.rendered.cosine))),
      },
      faceFound: round(inBucket.filter((p) => p.rendered.found).length / Math.max(1, inBucket.length), 3),
    };
  });
  const foundByYaw = Object.fromEntries(
    GRID_YAWS.map((yaw) => {
      const runs = grid.filter((g) => g.yaw === yaw);
      return [`${yaw}`, round(runs.filter((g) => g.found).length / Math.max(1, runs.length), 3)];
    }),
  );
  return {
    protocol: {
      data: 'lfw/dev',
      seed: SEED,
      people: new Set(pairs.map((p) => p.person)).size,
      pairs: pairs.length,
      embedding: DEFAULT_EMBEDDING_MODEL,
      depthScale,
      landmarkError: 'mean point distance after a similarity fit, over the real photo’s outer-eye-corner distance',
      yawBuckets: 'absolute mesh-yaw difference between the real photo and the frontal source (the turn applied, clamped to ±45°)',
    },
    buckets,
    faceMeshRefound: {
      gridYaws: GRID_YAWS,
      rate: round(grid.filter((g) => g.found).length / Math.max(1, grid.length), 3),
      byYaw: foundByYaw,
      renders: grid.length,
    },
    renderMsPerVariant: round(renderMs / Math.max(1, renders), 1),
  };
}

if (isEntryPoint(import.meta.url)) {
  const result = await evalPose();
  console.log(JSON.stringify(result, null, 2));
  if (process.env.POSE_DEPTH_SCALE === undefined) console.log(`wrote ${writeBenchResult('pose', result)}`);
}
