/**
 * Identity scorers on real photos (`npm run eval:identity`), every model and a score fusion through
 * the analysis path the app runs (decode → detect → mesh → align → embed):
 *
 * - lfw-dev: the LFW verification protocol restricted to people A–J (../shared/lfw/pairs-dev.txt),
 *   10-fold accuracy ± std with each fold's threshold chosen on the other nine, AUC, TAR at FAR
 *   1e-2 and 1e-3; a photo where no face is found fails to enrol and its pairs count as errors.
 * - calibration: every different-person pair among the lfw-dev photos (millions), for the
 *   thresholds at FAR 1e-2 / 1e-3 / 1e-4 that app/main/vision/identity-calibration.ts ships.
 * - shared faces (../shared/faces): same-person pairs against different-person pairs drawn within
 *   one collection and, separately, across collections (which any model tells apart).
 * - primary face: on multi-face lfw-dev photos, how often picking by the person's centroid changes
 *   the geometric choice (centre and size).
 *
 * Embeddings are cached under .tmp/eval-identity/ (keyed by a hash of the pipeline's code and model
 * files), so a rerun only scores. Writes bench/results/identity.json.
 */
import { seededUniform } from '../app/main/core/seeded-random.ts';
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mapInOrder } from '../app/main/dataset/ordered-pool.ts';
import { InferenceClient } from '../app/main/inference/inference-client.ts';
import { embeddingModelNames, embeddingSpecs, type EmbeddingModelName } from '../app/main/vision/embedding-models.ts';
import { analyseImage } from '../app/main/vision/face-analysis.ts';
import { cosineSimilarity } from '../app/main/vision/identity-embedder.ts';
import { choosePrimaryFace } from '../app/main/vision/primary-face-choice.ts';
import { decodeRgb } from '../app/main/vision/rgb-image.ts';
import { VisionRuntime } from '../app/main/vision/vision-runtime.ts';
import { runAsScript } from './bench-main.ts';
import { writeBenchResult } from './bench-results.ts';
import {
  acceptRate,
  foldedAccuracy,
  fuseScores,
  impostorZNorm,
  rocSummary,
  thresholdAtFar,
  type FoldedAccuracy,
  type RocSummary,
  type ScoredPair,
  type ZNorm,
} from './verification-metrics.ts';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..');
const sharedDir = resolve(repoRoot, '../shared');

export interface LabelledImage {
  readonly set: string;
  readonly identity: string;
  readonly path: string;
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
        if (IMAGE.test(file))
          out.push({ set: set.name, identity: `${set.name}/${identity.name}`, path: join(root, set.name, identity.name, file) });
      }
    }
  }
  return out;
}

export interface LfwPair {
  readonly a: string;
  readonly b: string;
  readonly same: boolean;
}

/**
 * pairs.txt restricted to a subset keeps the original order: each of the ten folds is a run of
 * same-person lines (`name n1 n2`) followed by a run of different-person lines (`name1 n1 name2 n2`),
 * so a fold starts wherever a same-person line follows a different-person one.
 */
export function parseLfwPairs(text: string, imageDir: string): LfwPair[][] {
  const photo = (name: string, n: string) => join(imageDir, name, `${name}_${n.padStart(4, '0')}.jpg`);
  const folds: LfwPair[][] = [];
  let previousSame = false;
  text.split(/\r?\n/).forEach((line, i) => {
    const fields = line.trim().split(/\s+/);
    if (fields.length === 1 && fields[0] === '') return;
    let pair: LfwPair;
    if (fields.length === 3) pair = { a: photo(fields[0], fields[1]), b: photo(fields[0], fields[2]), same: true };
    else if (fields.length === 4) pair = { a: photo(fields[0], fields[1]), b: photo(fields[2], fields[3]), same: false };
    else throw new Error(`pairs file line ${i + 1}: expected 3 or 4 fields, got ${fields.length}`);
    if (folds.length === 0 || (pair.same && !previousSame)) folds.push([]);
    folds[folds.length - 1].push(pair);
    previousSame = pair.same;
  });
  return folds;
}

interface CachedFace {
  readonly box: { x: number; y: number; width: number; height: number };
  readonly quality: number;
  readonly embeddings: Partial<Record<EmbeddingModelName, string>>;
}

interface CachedAnalysis {
  readonly path: string;
  readonly status: string;
  readonly primary: number | null;
  readonly faces: readonly CachedFace[];
}

const CACHE_INPUTS = [
  'app/main/vision/face-analysis.ts',
  'app/main/vision/face-detector.ts',
  'app/main/vision/face-mesh.ts',
  'app/main/vision/five-points.ts',
  'app/main/vision/face-templates.ts',
  'app/main/vision/dlib-chip.ts',
  'app/main/vision/bilinear-warp.ts',
  'app/main/vision/rgb-image.ts',
  ...['blazeface', 'facemesh', ...embeddingModelNames].map((m) => `models/${m}.manifest.json`),
];

/** Changes whenever code or a model that shapes an embedding changes, so a stale cache is never read. */
function pipelineFingerprint(): string {
  const hash = createHash('sha256').update(JSON.stringify(embeddingSpecs));
  for (const file of CACHE_INPUTS) hash.update(file).update(readFileSync(join(repoRoot, file)));
  return hash.digest('hex').slice(0, 16);
}

function encodeVector(v: Float32Array): string {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
}

function decodeVector(s: string): Float32Array {
  const bytes = Buffer.from(s, 'base64');
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float32Array(copy.buffer);
}

/** Append-only JSON lines, so an interrupted run keeps everything done so far. */
class AnalysisCache {
  readonly file: string;
  readonly entries = new Map<string, CachedAnalysis>();

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true });
    this.file = join(dir, `analyses-${pipelineFingerprint()}.jsonl`);
    if (existsSync(this.file)) {
      for (const line of readFileSync(this.file, 'utf8').split('\n')) {
        if (!line) continue;
        try {
          const entry = JSON.parse(line) as CachedAnalysis;
          this.entries.set(entry.path, entry);
        } catch {
          // A line cut short by a kill: that image is simply analysed again.
        }
      }
    }
  }

  has(path: string, models: readonly EmbeddingModelName[]): boolean {
    const entry = this.entries.get(path);
    return !!entry && entry.faces.every((f) => models.every((m) => f.embeddings[m] !== undefined));
  }

  put(entry: CachedAnalysis): void {
    this.entries.set(entry.path, entry);
    appendFileSync(this.file, `${JSON.stringify(entry)}\n`);
  }
}

async function analyseAll(
  paths: readonly string[],
  runtime: VisionRuntime,
  cache: AnalysisCache,
  models: readonly EmbeddingModelName[],
  label: string,
): Promise<void> {
  const todo = paths.filter((p) => !cache.has(relative(sharedDir, p), models));
  if (todo.length === 0) return;
  const started = performance.now();
  let done = 0;
  const work = async (path: string): Promise<CachedAnalysis> => {
    const analysis = await analyseImage(await decodeRgb(path), runtime, { embeddingModels: models });
    return {
      path: relative(sharedDir, path),
      status: analysis.status,
      primary: analysis.primary,
      faces: analysis.faces.map((f) => ({
        box: f.box,
        quality: f.quality,
        embeddings: Object.fromEntries(Object.entries(f.embeddings).map(([m, v]) => [m, encodeVector(v as Float32Array)])),
      })),
    };
  };
  for await (const entry of mapInOrder(todo, 2, work)) {
    cache.put(entry);
    if (++done % 250 === 0 || done === todo.length) {
      const rate = done / ((performance.now() - started) / 1000);
      console.log(
        `${label}: ${done}/${todo.length} photos analysed, ${rate.toFixed(1)}/s, about ${((todo.length - done) / rate / 60).toFixed(1)} min left`,
      );
    }
  }
}

/** Scorers: each model alone, or a fusion of several (mean of z-normalised cosines). */
type Scorer = readonly EmbeddingModelName[];

const scorerName = (scorer: Scorer) => scorer.join('+');

type Embeddings = Map<string, Partial<Record<EmbeddingModelName, Float32Array>>>;

/** The primary face's embeddings of every enrolled photo, keyed by its path under ../shared. */
function primaryEmbeddings(cache: AnalysisCache): Embeddings {
  const out: Embeddings = new Map();
  for (const [path, entry] of cache.entries) {
    if (entry.primary === null) continue;
    const face = entry.faces[entry.primary];
    out.set(path, Object.fromEntries(Object.entries(face.embeddings).map(([m, v]) => [m, decodeVector(v as string)])));
  }
  return out;
}

function modelScore(embeddings: Embeddings, model: EmbeddingModelName, a: string, b: string): number | null {
  const x = embeddings.get(a)?.[model];
  const y = embeddings.get(b)?.[model];
  return x && y ? cosineSimilarity(x, y) : null;
}

interface ProtocolResult extends RocSummary {
  readonly accuracy: number;
  readonly std: number;
  readonly perFold: readonly number[];
  readonly thresholds: readonly number[];
}

function evaluateLfw(folds: readonly (readonly LfwPair[])[], embeddings: Embeddings, scorer: Scorer): ProtocolResult {
  const key = (p: string) => relative(sharedDir, p);
  const raw = folds.map((fold) => fold.map((pair) => scorer.map((m) => modelScore(embeddings, m, key(pair.a), key(pair.b)))));
  const fuse = (norms: readonly ZNorm[]) =>
    folds.map((fold, k) =>
      fold.map((pair, i): ScoredPair => ({ same: pair.same, score: scorer.length === 1 ? raw[k][i][0] : fuseScores(raw[k][i], norms) })),
    );
  const normsFrom = (foldIndices: readonly number[]) =>
    scorer.map((_, m) => impostorZNorm(foldIndices.flatMap((k) => folds[k].map((pair, i) => ({ same: pair.same, score: raw[k][i][m] })))));
  const all = folds.map((_, k) => k);
  // The fusion's normalisation is fitted on the nine training folds of each split, never on the test fold.
  const folded: FoldedAccuracy = foldedAccuracy(
    fuse(normsFrom(all)),
    scorer.length === 1 ? undefined : (k) => fuse(normsFrom(all.filter((j) => j !== k))),
  );
  return {
    ...rocSummary(fuse(normsFrom(all)).flat()),
    accuracy: folded.accuracy,
    std: folded.std,
    perFold: folded.perFold,
    thresholds: folded.thresholds,
  };
}

export interface Calibration {
  readonly differentPairs: number;
  readonly samePairs: number;
  /** Cosine (or fused z-score) above which FAR 1e-2 / 1e-3 / 1e-4 of different-person pairs score. */
  readonly thresholds: { readonly far1e2: number; readonly far1e3: number; readonly far1e4: number };
  readonly tar: { readonly far1e2: number; readonly far1e3: number; readonly far1e4: number };
  /** For a fusion: the impostor mean and std of each model's cosine. */
  readonly norms?: readonly ZNorm[];
}

/** Every same-person and every different-person pair among the enrolled lfw-dev photos. */
function calibrate(paths: readonly string[], embeddings: Embeddings, scorer: Scorer): Calibration {
  const enrolled = paths.map((p) => relative(sharedDir, p)).filter((p) => scorer.every((m) => embeddings.get(p)?.[m]));
  const person = enrolled.map((p) => p.split('/').at(-2) as string);
  const vectors = scorer.map((m) => enrolled.map((p) => embeddings.get(p)?.[m] as Float32Array));
  const cos = (m: number, i: number, j: number) => {
    const a = vectors[m][i];
    const b = vectors[m][j];
    let dot = 0;
    for (let k = 0; k < a.length; k++) dot += a[k] * b[k];
    return dot;
  };
  const perModel = scorer.map(() => ({ sum: 0, sumSq: 0, n: 0 }));
  if (scorer.length > 1) {
    for (let i = 0; i < enrolled.length; i++) {
      for (let j = i + 1; j < enrolled.length; j++) {
        if (person[i] === person[j]) continue;
        perModel.forEach((acc, m) => {
          const s = cos(m, i, j);
          acc.sum += s;
          acc.sumSq += s * s;
          acc.n++;
        });
      }
    }
  }
  const norms = perModel.map(({ sum, sumSq, n }) =>
    n ? { mean: sum / n, std: Math.sqrt(sumSq / n - (sum / n) ** 2) } : { mean: 0, std: 1 },
  );
  const score = (i: number, j: number) =>
    scorer.length === 1
      ? cos(0, i, j)
      : scorer.reduce((acc, _, m) => acc + (cos(m, i, j) - norms[m].mean) / norms[m].std, 0) / scorer.length;
  const same: number[] = [];
  const different = new Float64Array((enrolled.length * (enrolled.length - 1)) / 2);
  let n = 0;
  for (let i = 0; i < enrolled.length; i++) {
    for (let j = i + 1; j < enrolled.length; j++) {
      if (person[i] === person[j]) same.push(score(i, j));
      else different[n++] = score(i, j);
    }
  }
  const sortedDifferent = different.subarray(0, n).sort();
  same.sort((a, b) => a - b);
  const thresholds = {
    far1e2: thresholdAtFar(sortedDifferent, 1e-2),
    far1e3: thresholdAtFar(sortedDifferent, 1e-3),
    far1e4: thresholdAtFar(sortedDifferent, 1e-4),
  };
  return {
    differentPairs: n,
    samePairs: same.length,
    thresholds,
    tar: {
      far1e2: acceptRate(same, thresholds.far1e2),
      far1e3: acceptRate(same, thresholds.far1e3),
      far1e4: acceptRate(same, thresholds.far1e4),
    },
    ...(scorer.length > 1 ? { norms } : {}),
  };
}

interface CollectionResult {
  readonly images: number;
  readonly enrolled: number;
  /** Same-person pairs against different people of the same collection (the honest figure). */
  readonly withinCollection: RocSummary;
  /** Same-person pairs against people of other collections (photo conditions differ: easy). */
  readonly acrossCollections: RocSummary;
  readonly bySet: Record<string, RocSummary>;
}

function evaluateCollections(
  images: readonly LabelledImage[],
  embeddings: Embeddings,
  model: EmbeddingModelName,
  seed: number,
): CollectionResult {
  const enrolled = images.filter((im) => embeddings.get(relative(sharedDir, im.path))?.[model]);
  const vector = (i: number) => embeddings.get(relative(sharedDir, enrolled[i].path))?.[model] as Float32Array;
  const same: ScoredPair[] = [];
  const sameBySet = new Map<string, ScoredPair[]>();
  for (let i = 0; i < enrolled.length; i++) {
    for (let j = i + 1; j < enrolled.length; j++) {
      if (enrolled[i].identity !== enrolled[j].identity) continue;
      const pair = { same: true, score: cosineSimilarity(vector(i), vector(j)) };
      same.push(pair);
      sameBySet.set(enrolled[i].set, [...(sameBySet.get(enrolled[i].set) ?? []), pair]);
    }
  }
  const random = seededUniform(seed);
  const draw = (count: number, accept: (a: LabelledImage, b: LabelledImage) => boolean, pool: readonly number[]): ScoredPair[] => {
    const out: ScoredPair[] = [];
    const seen = new Set<string>();
    for (let tries = 0; out.length < count && tries < count * 200; tries++) {
      const i = pool[Math.floor(random() * pool.length)];
      const j = pool[Math.floor(random() * pool.length)];
      if (i === j || !accept(enrolled[i], enrolled[j]) || seen.has(`${Math.min(i, j)}:${Math.max(i, j)}`)) continue;
      seen.add(`${Math.min(i, j)}:${Math.max(i, j)}`);
      out.push({ same: false, score: cosineSimilarity(vector(i), vector(j)) });
    }
    return out;
  };
  const everyone = enrolled.map((_, i) => i);
  const bySet: Record<string, RocSummary> = {};
  const within: ScoredPair[] = [];
  for (const [set, pairs] of [...sameBySet].sort(([a], [b]) => a.localeCompare(b))) {
    const pool = everyone.filter((i) => enrolled[i].set === set);
    const different = draw(pairs.length, (a, b) => a.identity !== b.identity, pool);
    within.push(...different);
    bySet[set] = rocSummary([...pairs, ...different]);
  }
  const across = draw(same.length, (a, b) => a.set !== b.set, everyone);
  return {
    images: images.length,
    enrolled: enrolled.length,
    withinCollection: rocSummary([...same, ...within]),
    acrossCollections: rocSummary([...same, ...across]),
    bySet,
  };
}

interface PrimaryFaceStudy {
  readonly multiFacePhotos: number;
  /** Photos whose person has another enrolled single-face photo to build a centroid from. */
  readonly withCentroid: number;
  /** Of those, where the centroid match picks another face than centre-and-size does. */
  readonly changed: number;
  readonly changedPhotos: readonly string[];
}

/** Multi-face photos: the face the centroid rule picks against the geometric choice, per person of lfw-dev. */
function studyPrimaryFaces(cache: AnalysisCache, model: EmbeddingModelName, minSimilarity: number): PrimaryFaceStudy {
  const lfw = [...cache.entries.values()].filter((e) => e.path.startsWith('lfw/'));
  const person = (e: CachedAnalysis) => e.path.split('/').at(-2) as string;
  const singles = new Map<string, Float32Array[]>();
  for (const e of lfw) {
    const vector = e.status === 'ok' ? e.faces[0].embeddings[model] : undefined;
    if (vector) singles.set(person(e), [...(singles.get(person(e)) ?? []), decodeVector(vector)]);
  }
  const multi = lfw.filter((e) => e.faces.length > 1);
  let withCentroid = 0;
  const changedPhotos: string[] = [];
  for (const e of multi) {
    const references = singles.get(person(e));
    if (!references?.length) continue;
    withCentroid++;
    const choice = choosePrimaryFace(
      e.faces.map((f) => ({ box: f.box, embedding: f.embeddings[model] ? decodeVector(f.embeddings[model]) : undefined })),
      { width: 250, height: 250 },
      references,
      minSimilarity,
    );
    if (choice !== e.primary) changedPhotos.push(e.path);
  }
  return { multiFacePhotos: multi.length, withCentroid, changed: changedPhotos.length, changedPhotos };
}

export interface IdentityEvaluation {
  readonly provider: string;
  readonly lfwDev: {
    readonly pairs: number;
    readonly photos: number;
    readonly failedToEnrol: number;
    readonly scorers: Record<string, ProtocolResult>;
    readonly best: string;
  };
  readonly calibration: Record<string, Calibration>;
  readonly sharedFaces: Record<EmbeddingModelName, CollectionResult>;
  readonly primaryFace: PrimaryFaceStudy;
  readonly seconds: number;
}

export async function evaluateIdentity(options: { allLfw?: boolean } = {}): Promise<IdentityEvaluation> {
  const lfwDir = join(sharedDir, 'lfw/dev');
  const pairsFile = join(sharedDir, 'lfw/pairs-dev.txt');
  const facesDir = join(sharedDir, 'faces');
  for (const needed of [lfwDir, pairsFile, facesDir])
    if (!existsSync(needed)) throw new Error(`eval:identity needs ${needed} (../shared beside the checkout)`);
  const started = performance.now();
  const folds = parseLfwPairs(readFileSync(pairsFile, 'utf8'), lfwDir);
  const pairPhotos = [...new Set(folds.flat().flatMap((p) => [p.a, p.b]))].sort();
  const lfwPhotos = options.allLfw ? listLabelledImages(join(sharedDir, 'lfw')).map((im) => im.path) : pairPhotos;
  const collection = listLabelledImages(facesDir);

  const client = new InferenceClient();
  try {
    const runtime = new VisionRuntime(client);
    const cache = new AnalysisCache(join(repoRoot, '.tmp/eval-identity'));
    const models = [...embeddingModelNames];
    await analyseAll(lfwPhotos, runtime, cache, models, 'lfw-dev');
    await analyseAll(
      collection.map((im) => im.path),
      runtime,
      cache,
      models,
      'faces',
    );
    const embeddings = primaryEmbeddings(cache);

    const singles: Scorer[] = models.map((m) => [m]);
    const scorers: Record<string, ProtocolResult> = {};
    for (const scorer of singles) scorers[scorerName(scorer)] = evaluateLfw(folds, embeddings, scorer);
    const ranked = [...singles].sort((a, b) => scorers[scorerName(b)].accuracy - scorers[scorerName(a)].accuracy);
    const fusions: Scorer[] = [[ranked[0][0], ranked[1][0]], models];
    for (const scorer of fusions) scorers[scorerName(scorer)] = evaluateLfw(folds, embeddings, scorer);
    const best = Object.entries(scorers).sort(([, a], [, b]) => b.accuracy - a.accuracy)[0][0];

    const calibration: Record<string, Calibration> = {};
    for (const scorer of [...singles, fusions[0]]) calibration[scorerName(scorer)] = calibrate(pairPhotos, embeddings, scorer);

    const sharedFaces = Object.fromEntries(models.map((m) => [m, evaluateCollections(collection, embeddings, m, 1234)])) as Record<
      EmbeddingModelName,
      CollectionResult
    >;
    const enrolled = pairPhotos.filter((p) => embeddings.has(relative(sharedDir, p))).length;
    const handle = await runtime.model('blazeface');
    return {
      provider: handle.provider,
      lfwDev: { pairs: folds.flat().length, photos: pairPhotos.length, failedToEnrol: pairPhotos.length - enrolled, scorers, best },
      calibration,
      sharedFaces,
      primaryFace: studyPrimaryFaces(cache, ranked[0][0], calibration[ranked[0][0]].thresholds.far1e2),
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await client.close();
  }
}

function report(result: IdentityEvaluation): void {
  const pct = (v: number) => `${(100 * v).toFixed(2)}%`;
  const { lfwDev } = result;
  console.log(`lfw-dev: ${lfwDev.pairs} pairs over ${lfwDev.photos} photos, ${lfwDev.failedToEnrol} failed to enrol (${result.provider})`);
  console.log('scorer                  10-fold acc ± std     AUC      TAR@FAR1e-2  TAR@FAR1e-3');
  for (const [name, r] of Object.entries(lfwDev.scorers)) {
    console.log(
      `${name.padEnd(22)}  ${pct(r.accuracy)} ± ${pct(r.std).padEnd(6)}   ${r.auc.toFixed(4)}   ${pct(r.tarAtFar1e2).padStart(7)}      ${pct(r.tarAtFar1e3).padStart(7)}`,
    );
  }
  console.log(`best on lfw-dev: ${lfwDev.best}`);
  for (const [name, c] of Object.entries(result.calibration)) {
    const t = c.thresholds;
    console.log(
      `calibration ${name}: ${c.differentPairs} different / ${c.samePairs} same pairs; thresholds FAR1e-2 ${t.far1e2.toFixed(4)} (TAR ${pct(c.tar.far1e2)}), ` +
        `1e-3 ${t.far1e3.toFixed(4)} (TAR ${pct(c.tar.far1e3)}), 1e-4 ${t.far1e4.toFixed(4)} (TAR ${pct(c.tar.far1e4)})`,
    );
  }
  for (const [model, r] of Object.entries(result.sharedFaces)) {
    console.log(
      `faces ${model.padEnd(10)} within collections AUC ${r.withinCollection.auc.toFixed(4)} TAR@FAR1e-3 ${pct(r.withinCollection.tarAtFar1e3)}; ` +
        `across AUC ${r.acrossCollections.auc.toFixed(4)} TAR@FAR1e-3 ${pct(r.acrossCollections.tarAtFar1e3)}; ` +
        Object.entries(r.bySet)
          .map(([set, m]) => `${set} ${m.auc.toFixed(4)}`)
          .join(', '),
    );
  }
  const p = result.primaryFace;
  console.log(
    `primary face: ${p.multiFacePhotos} multi-face lfw photos, ${p.withCentroid} with a centroid, the centroid changes the choice on ${p.changed}`,
  );
  console.log(`${result.seconds.toFixed(0)} s`);
}

runAsScript(import.meta.url, async () => {
  const result = await evaluateIdentity({ allLfw: process.argv.includes('--all-lfw') });
  writeBenchResult('identity', result);
  report(result);
});
