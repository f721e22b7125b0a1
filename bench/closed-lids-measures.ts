/**
 * How closed the painted lids look (`npx tsx bench/closed-lids-measures.ts [crops-dir]`): for the most
 * frontal of the first photos of the five johns (colour), of two fixed spreads of ten LFW people
 * (the expression sheet's and one beside it) and of four ORL people (grey), the closed-eyes variant
 * against its source. Prints one line per face and the medians; with a folder, also writes each
 * face's eyes before | after, enlarged, there. The analysed faces are kept in
 * $TMPDIR/likeness-closed-lids, so a rerun (of this or an older commit's painting) measures the
 * painting only.
 *
 * - opening: the more open eye's lid opening (`expressionMeasures`) FaceMesh finds on the variant
 *   analysed as a photo, and on the source; shut lids read near 0, real narrowed eyes ≈ 0.13.
 * - ΔE: the painted lid (the middle half of the eye's width, from the source's upper lid to just
 *   above the lash line) against the skin ring around the eye (0.05‥0.12 eye distances outside the
 *   eye's box, under the brow's lower edge), both medians in Oklab, ×100; and the lightness
 *   difference alone (lid minus ring, so a dark smear is negative).
 * - identity: ArcFace cosine of the variant to its source, each analysed as a photo.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { sharedFacesDir } from '../test/fixtures/shared-faces.ts';
import { EYES, eyeFrame } from '../app/main/synthesis/geometry/closed-lids.ts';
import { contourAt } from '../app/main/synthesis/geometry/contour-profile.ts';
import { expressionMesh, renderExpression } from '../app/main/synthesis/geometry/expression.ts';
import { GridSampler } from '../app/main/synthesis/geometry/grid-sampler.ts';
import { meshPose } from '../app/main/synthesis/geometry/head-rotation.ts';
import { POSE_CROP_SIZE, type MeshFace } from '../app/main/synthesis/geometry/mesh-render.ts';
import { oklabFromRgb } from '../app/main/synthesis/math/oklab.ts';
import { rgbFromPlanar, type PlanarImage } from '../app/main/synthesis/packs/image-tensor.ts';
import { AnalysedPhotoSource } from '../app/main/synthesis/testing/analysed-photo-source.ts';
import { median } from '../app/main/core/median.ts';
import { cosineSimilarity } from '../app/main/vision/identity-embedder.ts';
import type { VisionRuntime } from '../app/main/vision/vision-runtime.ts';
import { runAsScript, withVision } from './bench-main.ts';
import { expressionMeasures } from './expression-measures.ts';
import { lfwSpread, photosIn } from './lfw-faces.ts';
import { analyseAsPhoto } from './yale-faces.ts';

const size = POSE_CROP_SIZE;
const cacheDir = join(tmpdir(), 'likeness-closed-lids');

/** The most frontal of `photos` as a mesh face, with its embedding and lid opening found as a photo; kept in the cache. */
async function sourceFace(
  name: string,
  photos: readonly string[],
  vision: VisionRuntime,
): Promise<{ face: MeshFace; embedding: Float32Array; opening: number } | null> {
  const file = join(cacheDir, `${name}.json`);
  if (existsSync(file)) {
    const kept = JSON.parse(readFileSync(file, 'utf8')) as {
      image: number[];
      mesh: number[];
      validity: number[] | null;
      embedding: number[];
      opening: number;
    } | null;
    if (!kept) return null;
    const face = {
      image: { size, data: Float32Array.from(kept.image) },
      mesh: Float32Array.from(kept.mesh),
      validity: kept.validity && Float32Array.from(kept.validity),
    };
    return { face, embedding: Float32Array.from(kept.embedding), opening: kept.opening };
  }
  const faces = await AnalysedPhotoSource.analyse(
    photos.map((path) => ({ path, identityId: 1 })),
    vision,
  );
  let best: { faceId: number; mesh: Float32Array; yaw: number } | null = null;
  for (const f of faces.faces()) {
    const mesh = (await faces.templateMesh(f.faceId, size))!;
    const yaw = Math.abs(meshPose(mesh).yaw);
    if (!best || yaw < best.yaw) best = { faceId: f.faceId, mesh, yaw };
  }
  const found = best ? await analyseAsPhoto(await faces.alignedCrop(best.faceId, size), vision) : null;
  if (!best || !found) {
    writeFileSync(file, 'null');
    return null;
  }
  const face = {
    image: await faces.alignedCrop(best.faceId, size),
    mesh: best.mesh,
    validity: await faces.validityMask(best.faceId, size),
  };
  const opening = expressionMeasures(found.mesh).eyeOpening;
  writeFileSync(
    file,
    JSON.stringify({
      image: Array.from(face.image.data),
      mesh: Array.from(face.mesh),
      validity: face.validity && Array.from(face.validity),
      embedding: Array.from(found.embedding),
      opening,
    }),
  );
  return { face, embedding: found.embedding, opening };
}

/** Per eye, the painted lid's and the skin ring's median Oklab on `image` (see the header). */
function lidAndRing(image: PlanarImage, source: Float32Array, target: Float32Array): { lid: number[]; ring: number[] }[] {
  const plane = size * size;
  const at = (mesh: Float32Array, p: number) => [mesh[p * 3], mesh[p * 3 + 1]] as const;
  const eyes = Math.hypot(at(source, 263)[0] - at(source, 33)[0], at(source, 263)[1] - at(source, 33)[1]);
  return [...EYES.keys()].map((e) => {
    const { length, local, upper, lower, closed, brow } = eyeFrame(source, target, e);
    const top = Math.min(...upper.map(([, v]) => v));
    const bottom = Math.max(...lower.map(([, v]) => v), ...closed.map(([, v]) => v));
    const lash = Math.max(0.8, 0.012 * eyes);
    const [inner, outer] = [0.05 * eyes, 0.12 * eyes];
    const lid: number[][] = [];
    const ring: number[][] = [];
    for (let y = 0; y < size; y += 1) {
      for (let x = 0; x < size; x += 1) {
        const [u, v] = local(x + 0.5, y + 0.5);
        const colour = () => oklabFromRgb([0, 1, 2].map((c) => image.data[c * plane + y * size + x]));
        if (u > 0.25 * length && u < 0.75 * length && v > contourAt(upper, u) && v < contourAt(closed, u) - 2 * lash) lid.push(colour());
        const outside = Math.max(-u, u - length, top - v, v - bottom);
        if (outside > inner && outside < outer && v > brow + 0.02 * eyes) ring.push(colour());
      }
    }
    const medianOf = (colours: number[][]) => [0, 1, 2].map((k) => median(colours.map((c) => c[k])));
    return { lid: lid.length ? medianOf(lid) : [NaN, NaN, NaN], ring: medianOf(ring) };
  });
}

/** Both eyes of `images` side by side, enlarged ×3, as a PNG. */
async function eyeStrip(images: readonly PlanarImage[], mesh: Float32Array): Promise<Buffer> {
  const xs = [33, 133, 263, 362, 70, 300].map((p) => mesh[p * 3]);
  const ys = [33, 263, 70, 300, 145, 374].map((p) => mesh[p * 3 + 1]);
  const left = Math.max(0, Math.floor(Math.min(...xs) - 8));
  const top = Math.max(0, Math.floor(Math.min(...ys) - 8));
  const width = Math.min(size - left, Math.ceil(Math.max(...xs) + 8) - left);
  const height = Math.min(size - top, Math.ceil(Math.max(...ys) + 14) - top);
  const parts = await Promise.all(
    images.map((image) =>
      sharp(Buffer.from(rgbFromPlanar(image)), { raw: { width: size, height: size, channels: 3 } })
        .extract({ left, top, width, height })
        .resize(width * 3, height * 3, { kernel: 'nearest' })
        .png()
        .toBuffer(),
    ),
  );
  return sharp({
    create: { width: width * 3, height: height * 3 * parts.length + 4 * (parts.length - 1), channels: 3, background: '#000' },
  })
    .composite(parts.map((input, i) => ({ input, left: 0, top: i * (height * 3 + 4) })))
    .png()
    .toBuffer();
}

runAsScript(import.meta.url, async () => {
  const crops = process.argv[2];
  if (crops) mkdirSync(crops, { recursive: true });
  mkdirSync(cacheDir, { recursive: true });
  const johns = join(sharedFacesDir, 'johns');
  const orl = join(sharedFacesDir, 'orl');
  const people = [
    ...readdirSync(johns)
      .sort()
      .map((p) => ({ set: 'johns', name: p, photos: photosIn(join(johns, p)).slice(0, 8) })),
    ...[5, 11].flatMap((k) => lfwSpread(k, 10).map((p) => ({ set: 'lfw', name: p.name, photos: p.photos.slice(0, 8) }))),
    ...['s10', 's11', 's12', 's13'].map((p) => ({ set: 'orl', name: `orl-${p}`, photos: photosIn(join(orl, p)).slice(0, 10) })),
  ];
  const rows: {
    set: string;
    name: string;
    before: number;
    after: number | null;
    deltaE: number;
    lightness: number;
    identity: number | null;
  }[] = [];
  await withVision(async (vision, client) => {
    const sampler = new GridSampler(client);
    for (const person of people) {
      const source = await sourceFace(person.name, person.photos, vision);
      if (!source) continue;
      const { image } = await renderExpression(source.face, 'closed-eyes', sampler);
      const found = await analyseAsPhoto(image, vision);
      const target = expressionMesh(source.face.mesh, 'closed-eyes');
      const eyes = lidAndRing(image, source.face.mesh, target);
      const deltaE = median(eyes.map(({ lid, ring }) => 100 * Math.hypot(...lid.map((x, k) => x - ring[k]))));
      const lightness = median(eyes.map(({ lid, ring }) => 100 * (lid[0] - ring[0])));
      rows.push({
        set: person.set,
        name: person.name,
        before: source.opening,
        after: found ? expressionMeasures(found.mesh).eyeOpening : null,
        deltaE,
        lightness,
        identity: found ? cosineSimilarity(found.embedding, source.embedding) : null,
      });
      if (crops) writeFileSync(join(crops, `${person.name}.png`), await eyeStrip([source.face.image, image], source.face.mesh));
    }
  });
  const f = (v: number | null, digits: number) => (v === null ? '–' : v.toFixed(digits));
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(28)} opening ${f(r.before, 3)} → ${f(r.after, 3)} | lid ΔE ${f(r.deltaE, 1)} (L ${f(r.lightness, 1)}) | identity ${f(r.identity, 4)}`,
    );
  }
  const med = (values: (number | null)[], digits: number) => {
    const kept = values.filter((v): v is number => v !== null);
    return kept.length ? median(kept).toFixed(digits) : '–';
  };
  for (const set of ['johns', 'lfw', 'orl']) {
    const of = rows.filter((r) => r.set === set);
    const identities = of.flatMap((r) => (r.identity === null ? [] : [r.identity]));
    console.log(
      `${set}: ${of.length} faces; medians: opening ${med(
        of.map((r) => r.before),
        3,
      )} → ${med(
        of.map((r) => r.after),
        3,
      )} (${of.filter((r) => r.after === null).length} lost), lid ΔE ${med(
        of.map((r) => r.deltaE),
        1,
      )}, lid − ring L ${med(
        of.map((r) => r.lightness),
        1,
      )}; identity mean ${(identities.reduce((s, v) => s + v, 0) / Math.max(1, identities.length)).toFixed(4)}`,
    );
  }
});
