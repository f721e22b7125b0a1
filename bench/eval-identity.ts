/**
 * Face verification on the real photos in ../shared/faces (`npm run eval:identity`): every
 * same-identity pair, as many random different-identity pairs (fixed seed), scored by cosine
 * similarity of each embedding model's L2-normalised descriptors of the primary face. Writes
 * bench/results/identity.json; the default scorer (DEFAULT_EMBEDDING_MODEL) is chosen from it.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InferenceClient } from '../app/main/inference/inference-client.ts';
import { embeddingModelNames, type EmbeddingModelName } from '../app/main/vision/embedding-models.ts';
import { analyseImage } from '../app/main/vision/face-analysis.ts';
import { cosineSimilarity } from '../app/main/vision/identity-embedder.ts';
import { decodeRgb } from '../app/main/vision/rgb-image.ts';
import { VisionRuntime } from '../app/main/vision/vision-runtime.ts';

export interface LabelledImage {
  readonly set: string;
  readonly identity: string;
  readonly path: string;
}

export interface VerificationMetrics {
  readonly samePairs: number;
  readonly differentPairs: number;
  readonly auc: number;
  readonly tarAtFar1e2: number;
  readonly tarAtFar1e3: number;
  /** The cosine above which at most 1e-3 of the different-identity pairs score: the strict accept line. */
  readonly thresholdAtFar1e3: number;
  /** Cosine threshold with the best accuracy on these pairs, and that accuracy. */
  readonly bestThreshold: number;
  readonly bestAccuracy: number;
  readonly meanSame: number;
  readonly meanDifferent: number;
}

const IMAGE = /\.(png|jpe?g|webp|bmp|tiff?)$/i;

/** `<root>/<set>/<identity>/<image>` for every image file. */
export function listLabelledImages(root: string): LabelledImage[] {
  const out: LabelledImage[] = [];
  for (const set of readdirSync(root, { withFileTypes: true })) {
    if (!set.isDirectory()) continue;
    for (const identity of readdirSync(join(root, set.name), { withFileTypes: true })) {
      if (!identity.isDirectory()) continue;
      for (const file of readdirSync(join(root, set.name, identity.name)).sort()) {
        if (IMAGE.test(file)) out.push({ set: set.name, identity: `${set.name}/${identity.name}`, path: join(root, set.name, identity.name, file) });
      }
    }
  }
  return out;
}

/** A small deterministic PRNG (mulberry32), so the different-identity pairs are the same every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** All same-label index pairs, plus the same number of distinct random different-label pairs. */
export function verificationPairs(labels: readonly string[], seed: number): { same: [number, number][]; different: [number, number][] } {
  const same: [number, number][] = [];
  for (let i = 0; i < labels.length; i++) for (let j = i + 1; j < labels.length; j++) if (labels[i] === labels[j]) same.push([i, j]);
  const random = seededRandom(seed);
  const seen = new Set<number>();
  const different: [number, number][] = [];
  const possible = (labels.length * (labels.length - 1)) / 2 - same.length;
  const wanted = Math.min(same.length, possible);
  while (different.length < wanted) {
    const i = Math.floor(random() * labels.length);
    const j = Math.floor(random() * labels.length);
    if (i === j || labels[i] === labels[j]) continue;
    const [a, b] = i < j ? [i, j] : [j, i];
    const key = a * labels.length + b;
    if (seen.has(key)) continue;
    seen.add(key);
    different.push([a, b]);
  }
  return { same, different };
}

export function verificationMetrics(same: readonly number[], different: readonly number[]): VerificationMetrics {
  const neg = [...different].sort((a, b) => a - b);
  const pos = [...same].sort((a, b) => a - b);
  // AUC as the Mann–Whitney statistic: P(same score > different score), ties counted half.
  let wins = 0;
  for (const p of pos) wins += lowerBound(neg, p) + (upperBound(neg, p) - lowerBound(neg, p)) / 2;
  const thresholdAt = (far: number) => {
    const allowed = Math.floor(far * neg.length);
    return neg.length === 0 ? -Infinity : neg[neg.length - 1 - Math.min(allowed, neg.length - 1)];
  };
  const tarAt = (far: number) => (pos.length === 0 ? 0 : (pos.length - upperBound(pos, thresholdAt(far))) / pos.length);
  let bestThreshold = 0;
  let bestAccuracy = 0;
  for (const t of [...pos, ...neg]) {
    const correct = pos.length - lowerBound(pos, t) + lowerBound(neg, t);
    const accuracy = correct / (pos.length + neg.length);
    if (accuracy > bestAccuracy) {
      bestAccuracy = accuracy;
      bestThreshold = t;
    }
  }
  const mean = (v: readonly number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : 0);
  return {
    samePairs: pos.length,
    differentPairs: neg.length,
    auc: pos.length && neg.length ? wins / (pos.length * neg.length) : 0,
    tarAtFar1e2: tarAt(1e-2),
    tarAtFar1e3: tarAt(1e-3),
    thresholdAtFar1e3: thresholdAt(1e-3),
    bestThreshold,
    bestAccuracy,
    meanSame: mean(pos),
    meanDifferent: mean(neg),
  };
}

function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

interface Embedded {
  readonly image: LabelledImage;
  readonly embeddings: Record<EmbeddingModelName, Float32Array>;
}

export interface IdentityEvaluation {
  readonly seed: number;
  readonly images: number;
  readonly detection: { readonly detected: number; readonly singleFace: number; readonly rate: number; readonly bySet: Record<string, { images: number; detected: number; rate: number }> };
  readonly models: Record<EmbeddingModelName, { overall: VerificationMetrics; bySet: Record<string, VerificationMetrics> }>;
  readonly provider: string;
}

export async function evaluateIdentity(root: string, runtime: VisionRuntime, seed = 1234): Promise<IdentityEvaluation> {
  const images = listLabelledImages(root);
  const embedded: Embedded[] = [];
  const detectionBySet: Record<string, { images: number; detected: number; rate: number }> = {};
  let singleFace = 0;
  for (const image of images) {
    const analysis = await analyseImage(await decodeRgb(image.path), runtime, { embeddingModels: embeddingModelNames });
    const bucket = (detectionBySet[image.set] ??= { images: 0, detected: 0, rate: 0 });
    bucket.images++;
    if (analysis.primary === null) continue;
    bucket.detected++;
    if (analysis.status === 'ok') singleFace++;
    embedded.push({ image, embeddings: analysis.faces[analysis.primary].embeddings as Record<EmbeddingModelName, Float32Array> });
  }
  for (const bucket of Object.values(detectionBySet)) bucket.rate = bucket.detected / bucket.images;
  const score = (model: EmbeddingModelName, subset: readonly Embedded[]) => {
    const { same, different } = verificationPairs(subset.map((e) => e.image.identity), seed);
    const sim = ([i, j]: [number, number]) => cosineSimilarity(subset[i].embeddings[model], subset[j].embeddings[model]);
    return verificationMetrics(same.map(sim), different.map(sim));
  };
  const sets = [...new Set(embedded.map((e) => e.image.set))].sort();
  const models = Object.fromEntries(
    embeddingModelNames.map((model) => [
      model,
      {
        overall: score(model, embedded),
        bySet: Object.fromEntries(sets.map((set) => [set, score(model, embedded.filter((e) => e.image.set === set))])),
      },
    ]),
  ) as IdentityEvaluation['models'];
  const handle = await runtime.model('mobileface');
  return {
    seed,
    images: images.length,
    detection: { detected: embedded.length, singleFace, rate: embedded.length / images.length, bySet: detectionBySet },
    models,
    provider: handle.provider,
  };
}

async function main(): Promise<void> {
  const here = dirname(fileURLToPath(import.meta.url));
  const root = resolve(process.env.LIKENESS_FACES_DIR ?? join(here, '../../shared/faces'));
  const client = new InferenceClient();
  try {
    const result = await evaluateIdentity(root, new VisionRuntime(client));
    mkdirSync(join(here, 'results'), { recursive: true });
    writeFileSync(join(here, 'results/identity.json'), `${JSON.stringify(result, null, 2)}\n`);
    const pct = (v: number) => `${(100 * v).toFixed(2)}%`;
    console.log(`images ${result.images}, face found ${pct(result.detection.rate)} (${result.provider})`);
    for (const [model, { overall, bySet }] of Object.entries(result.models)) {
      console.log(
        `${model.padEnd(10)} AUC ${overall.auc.toFixed(4)}  TAR@FAR1e-2 ${pct(overall.tarAtFar1e2)}  TAR@FAR1e-3 ${pct(overall.tarAtFar1e3)}  threshold ${overall.bestThreshold.toFixed(3)} (acc ${pct(overall.bestAccuracy)})`,
      );
      for (const [set, m] of Object.entries(bySet)) console.log(`  ${set.padEnd(8)} AUC ${m.auc.toFixed(4)}  TAR@FAR1e-3 ${pct(m.tarAtFar1e3)}`);
    }
  } finally {
    await client.close();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
