/**
 * The in-the-wild set: ../shared/lfw/dev (LFW people A–J, ImageFolder layout). Lists people with
 * enough photos and draws a seeded sample of them, so every run of an eval sees the same faces.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deriveSeed, SeededRandom } from '../app/main/core/seeded-random.ts';
import { DEFAULT_EMBEDDING_MODEL } from '../app/main/vision/embedding-models.ts';
import { analyseImage } from '../app/main/vision/face-analysis.ts';
import { decodeRgb } from '../app/main/vision/rgb-image.ts';
import type { VisionRuntime } from '../app/main/vision/vision-runtime.ts';
import { meshPose } from '../app/main/synthesis/geometry/head-rotation.ts';
import { lipGap } from '../app/main/synthesis/geometry/mouth-cavity.ts';
import { expressionMeasures } from './expression-measures.ts';
import type { MeasuredPhoto } from './real-photo-gain.ts';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export interface LfwPerson {
  readonly name: string;
  /** Photo paths in file-name order. */
  readonly photos: readonly string[];
}

export function lfwDevRoot(): string {
  const root = resolve(process.env.LIKENESS_LFW_DIR ?? join(repoRoot, '../shared/lfw'), 'dev');
  if (!existsSync(root)) throw new Error(`LFW (dev half) not found at ${root}: the in-the-wild evals need ../shared/lfw/dev`);
  return root;
}

/** People with at least `minPhotos` photos, by name; `sample` of them drawn with `seed` (all when absent). */
export function lfwPeople(minPhotos: number, options: { sample?: number; seed?: number; maxPhotos?: number } = {}): LfwPerson[] {
  const root = lfwDevRoot();
  const people = readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .map((name) => ({ name, photos: photosIn(join(root, name)) }))
    .filter((p) => p.photos.length >= minPhotos);
  if (options.sample === undefined || options.sample >= people.length) return people.map((p) => cap(p, options.maxPhotos));
  const random = new SeededRandom(deriveSeed(options.seed ?? 0, people.length));
  const order = people.map((p) => ({ p, key: random.next() })).sort((a, b) => a.key - b.key);
  return order
    .slice(0, options.sample)
    .map(({ p }) => cap(p, options.maxPhotos))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The photos in a folder (JPEG, PNG), in file-name order. */
export function photosIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /\.(jpe?g|png)$/i.test(f))
    .sort()
    .map((f) => join(dir, f));
}

/**
 * A fixed spread of the people with six photos or more, as the pose and expression sheets draw
 * them: every 17th from `offset`, the first `count`.
 */
export function lfwSpread(offset: number, count: number): LfwPerson[] {
  return lfwPeople(6)
    .filter((_, i) => i % 17 === offset)
    .slice(0, count);
}

function cap(person: LfwPerson, maxPhotos: number | undefined): LfwPerson {
  return maxPhotos === undefined ? person : { ...person, photos: person.photos.slice(0, maxPhotos) };
}

/**
 * The product's analysis (detect → mesh → align → embed, default model) of each photo, with its
 * mesh's yaw, pitch, lip gap and expression measures, cached in .tmp/ by path: null where no face is found.
 */
export async function lfwAnalyses(paths: readonly string[], vision: VisionRuntime): Promise<Map<string, MeasuredPhoto | null>> {
  const cacheDir = join(repoRoot, '.tmp');
  // Named apart from the caches it replaces, whose entries lack the mesh's pose or expression measures.
  const cacheFile = join(cacheDir, `lfw-expressions-${DEFAULT_EMBEDDING_MODEL}.json`);
  const cache: Record<string, CachedPhoto | null> = existsSync(cacheFile)
    ? (JSON.parse(readFileSync(cacheFile, 'utf8')) as Record<string, CachedPhoto | null>)
    : {};
  const out = new Map<string, MeasuredPhoto | null>();
  let fresh = 0;
  for (const path of paths) {
    const key = relative(lfwDevRoot(), path);
    if (!(key in cache)) {
      const analysis = await analyseImage(await decodeRgb(path), vision, { embeddingModels: [DEFAULT_EMBEDDING_MODEL], maxFaces: 1 });
      const face = analysis.primary === null ? null : analysis.faces[analysis.primary];
      cache[key] = face && {
        embedding: [...face.embeddings[DEFAULT_EMBEDDING_MODEL]!],
        ...meshPose(face.landmarks),
        lipGap: lipGap(face.landmarks),
        ...expressionMeasures(face.landmarks),
      };
      fresh += 1;
      // Saved as it goes: a bounded run that is stopped keeps what it analysed.
      if (fresh % 50 === 0) save(cacheDir, cacheFile, cache);
    }
    const cached = cache[key];
    out.set(path, cached ? { ...cached, embedding: Float32Array.from(cached.embedding) } : null);
  }
  if (fresh > 0) save(cacheDir, cacheFile, cache);
  return out;
}

interface CachedPhoto extends Omit<MeasuredPhoto, 'embedding'> {
  readonly embedding: number[];
}

function save(dir: string, file: string, cache: object): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, JSON.stringify(cache));
}
