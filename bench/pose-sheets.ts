/**
 * Contact sheets of the pose edit (`npm run sheets:pose`) into docs/synthesis/: per person, the
 * most frontal photo (by mesh yaw) | turned −30°, −15°, +15°, +30° | turned to the mesh yaw of the
 * person's most turned other photo | that real photo. pose-johns.png in colour
 * (../shared/faces/johns); pose-lfw.png in the wild (../shared/lfw/dev: of a fixed spread of people
 * with six photos or more, the six with the widest yaw range). Pixels the variant marks as not
 * photo (padding, what the turn uncovered and the mirrored half could not fill) are shown dimmed; a
 * turn a job's edit gate refuses (more of the face filled from its mirrored half than it allows) is
 * drawn all the same and captioned with that share.
 * expressions-johns.png and expressions-lfw.png: source | each mesh expression, for the same people;
 * expressions-orl.png the same for the first six ORL people with an open-mouth photo to lend the
 * opened mouth its inside.
 */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp, { type OverlayOptions } from 'sharp';
import { InferenceClient } from '../app/main/inference/inference-client.ts';
import { GridSampler } from '../app/main/synthesis/geometry/grid-sampler.ts';
import { EXPRESSIONS, renderExpression } from '../app/main/synthesis/geometry/expression.ts';
import { lipGap, pickMouthDonor } from '../app/main/synthesis/geometry/mouth-cavity.ts';
import { meshPose } from '../app/main/synthesis/geometry/head-rotation.ts';
import { mirroredFillShare, POSE_CROP_SIZE, renderPose, type MeshFace } from '../app/main/synthesis/geometry/mesh-render.ts';
import { MAX_MIRRORED_FILL } from '../app/main/synthesis/edits/edit-gate.ts';
import { rgbFromPlanar, type PlanarImage } from '../app/main/synthesis/packs/image-tensor.ts';
import { AnalysedPhotoSource } from '../app/main/synthesis/testing/analysed-photo-source.ts';
import { VisionRuntime } from '../app/main/vision/vision-runtime.ts';
import { lfwDevRoot, lfwSpread, photosIn } from './lfw-faces.ts';

const out = fileURLToPath(new URL('../docs/synthesis/', import.meta.url));
const shared = resolve(fileURLToPath(new URL('../../shared/', import.meta.url)));
const TILE = 160;
const LABEL = 22;
const YAWS = [-30, -15, 15, 30];

const signed = (v: number) => `${v >= 0 ? '+' : '−'}${Math.abs(Math.round(v))}°`;

async function tile(image: PlanarImage, validity?: Float32Array): Promise<Buffer> {
  const rgb = rgbFromPlanar(image);
  if (validity) for (let j = 0; j < validity.length; j += 1) if (validity[j] < 0.5) for (let c = 0; c < 3; c += 1) rgb[j * 3 + c] *= 0.3;
  return sharp(Buffer.from(rgb), { raw: { width: image.size, height: image.size, channels: 3 } })
    .resize(TILE, TILE)
    .png()
    .toBuffer();
}

function label(text: string): Buffer {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${TILE}" height="${LABEL}"><rect width="100%" height="100%" fill="#111"/><text x="${TILE / 2}" y="15" font-family="sans-serif" font-size="12" fill="#eee" text-anchor="middle">${text}</text></svg>`;
  return Buffer.from(svg);
}

async function sheet(file: string, headers: readonly string[], rows: readonly { tiles: Buffer[]; captions: string[] }[]): Promise<void> {
  const overlays: OverlayOptions[] = headers.map((text, c) => ({ input: label(text), left: c * TILE, top: 0 }));
  const rowHeight = TILE + LABEL;
  rows.forEach((row, r) => {
    row.tiles.forEach((input, c) => overlays.push({ input, left: c * TILE, top: LABEL + r * rowHeight }));
    row.captions.forEach((text, c) => text && overlays.push({ input: label(text), left: c * TILE, top: LABEL + r * rowHeight + TILE }));
  });
  await sharp({ create: { width: headers.length * TILE, height: LABEL + rows.length * rowHeight, channels: 3, background: '#000' } })
    .composite(overlays)
    .png({ compressionLevel: 9 })
    .toFile(join(out, file));
}

/**
 * Source | every mesh expression, for the most frontal of a person's photos; the opened mouth takes
 * its inside from the person's photo with the widest-open mouth when one opens it enough (as the job does).
 */
async function expressionRow(
  photos: readonly string[],
  vision: VisionRuntime,
  sampler: GridSampler,
): Promise<{ tiles: Buffer[]; captions: string[]; lent: boolean } | null> {
  const faces = await AnalysedPhotoSource.analyse(
    photos.map((path) => ({ path, identityId: 1 })),
    vision,
  );
  const all: { faceId: number; mesh: Float32Array; yaw: number }[] = [];
  for (const f of faces.faces()) {
    const mesh = (await faces.templateMesh(f.faceId, POSE_CROP_SIZE))!;
    all.push({ faceId: f.faceId, mesh, yaw: Math.abs(meshPose(mesh).yaw) });
  }
  if (all.length === 0) return null;
  const best = all.reduce((a, b) => (b.yaw < a.yaw ? b : a));
  const face: MeshFace = {
    image: await faces.alignedCrop(best.faceId, POSE_CROP_SIZE),
    mesh: best.mesh,
    validity: await faces.validityMask(best.faceId, POSE_CROP_SIZE),
  };
  const others = all.filter((f) => f !== best);
  const pick = pickMouthDonor(others.map((f) => f.mesh));
  const donor = pick === null ? null : { image: await faces.alignedCrop(others[pick].faceId, POSE_CROP_SIZE), mesh: others[pick].mesh };
  const tiles = [await tile(face.image, face.validity!)];
  const captions = [''];
  for (const expression of EXPRESSIONS) {
    const rendered = await renderExpression(face, expression, sampler, 1, donor);
    tiles.push(await tile(rendered.image, rendered.validity));
    captions.push(expression !== 'open-mouth' ? '' : donor ? `from own photo, gap ${lipGap(donor.mesh).toFixed(2)}` : 'inside: shaded');
  }
  return { tiles, captions, lent: donor !== null };
}

/** One person's row, or null when fewer than two photos have a face. */
async function personRow(
  photos: readonly string[],
  vision: VisionRuntime,
  sampler: GridSampler,
): Promise<{ tiles: Buffer[]; captions: string[]; spread: number } | null> {
  const faces = await AnalysedPhotoSource.analyse(
    photos.map((path) => ({ path, identityId: 1 })),
    vision,
  );
  const all = await Promise.all(
    faces.faces().map(async (f) => {
      const mesh = (await faces.templateMesh(f.faceId, POSE_CROP_SIZE))!;
      return { faceId: f.faceId, mesh, yaw: meshPose(mesh).yaw };
    }),
  );
  if (all.length < 2) return null;
  const frontal = all.reduce((best, f) => (Math.abs(f.yaw) < Math.abs(best.yaw) ? f : best));
  const turned = all
    .filter((f) => f !== frontal)
    .reduce((best, f) => (Math.abs(f.yaw - frontal.yaw) > Math.abs(best.yaw - frontal.yaw) ? f : best));
  const face: MeshFace = {
    image: await faces.alignedCrop(frontal.faceId, POSE_CROP_SIZE),
    mesh: frontal.mesh,
    validity: await faces.validityMask(frontal.faceId, POSE_CROP_SIZE),
  };
  const tiles = [await tile(face.image, face.validity!)];
  const captions = [`mesh yaw ${signed(frontal.yaw)}`];
  // A turn the job's gate would refuse is still drawn, so the sheet shows why, and says so.
  const refusedShare = (yaw: number) => {
    const share = mirroredFillShare(face.mesh, { yaw, pitch: 0, roll: 0 }, POSE_CROP_SIZE);
    return share > MAX_MIRRORED_FILL ? `${(share * 100).toFixed(1)} %` : null;
  };
  for (const yaw of YAWS) {
    const rendered = await renderPose(face, { yaw, pitch: 0, roll: 0 }, sampler);
    tiles.push(await tile(rendered.image, rendered.validity));
    const refused = refusedShare(yaw);
    captions.push(refused ? `refused: ${refused} mirrored` : '');
  }
  const delta = Math.max(-45, Math.min(45, turned.yaw - frontal.yaw));
  const matched = await renderPose(face, { yaw: delta, pitch: 0, roll: 0 }, sampler);
  tiles.push(await tile(matched.image, matched.validity));
  const refused = refusedShare(delta);
  captions.push(refused ? `${signed(delta)}: refused, ${refused}` : `turned ${signed(delta)}`);
  tiles.push(await tile(await faces.alignedCrop(turned.faceId, POSE_CROP_SIZE), await faces.validityMask(turned.faceId, POSE_CROP_SIZE)));
  captions.push(`real, mesh yaw ${signed(turned.yaw)}`);
  return { tiles, captions, spread: Math.abs(turned.yaw - frontal.yaw) };
}

const headers = ['source (most frontal)', ...YAWS.map((y) => `yaw ${signed(y)}`), 'turned to the real yaw', 'real photo'];
const client = new InferenceClient();
try {
  const vision = new VisionRuntime(client);
  const sampler = new GridSampler(client);
  const johns = join(shared, 'faces/johns');
  const johnsRows = [];
  for (const person of readdirSync(johns).sort()) {
    const row = await personRow(photosIn(join(johns, person)), vision, sampler);
    if (row) johnsRows.push(row);
  }
  await sheet('pose-johns.png', headers, johnsRows);

  // A fixed spread of people with six photos or more, keeping the six with the widest yaw range.
  const candidates = lfwSpread(5, 12);
  const lfwRows = [];
  for (const person of candidates) {
    const row = await personRow(person.photos.slice(0, 8), vision, sampler);
    if (row) lfwRows.push(row);
  }
  lfwRows.sort((a, b) => b.spread - a.spread);
  await sheet('pose-lfw.png', headers, lfwRows.slice(0, 6));

  const expressionHeaders = ['source', ...EXPRESSIONS.map((e) => e.replace('-', ' '))];
  for (const [file, folders] of [
    [
      'expressions-johns.png',
      readdirSync(johns)
        .sort()
        .map((p) => join(johns, p)),
    ],
    ['expressions-lfw.png', candidates.slice(0, 6).map((p) => join(lfwDevRoot(), p.name))],
    [
      'expressions-orl.png',
      readdirSync(join(shared, 'faces/orl'))
        .filter((p) => /^s\d+$/.test(p))
        .sort()
        .map((p) => join(shared, 'faces/orl', p)),
    ],
  ] as const) {
    const rows = [];
    for (const folder of folders) {
      const row = await expressionRow(photosIn(folder).slice(0, file.includes('orl') ? 10 : 8), vision, sampler);
      // ORL is there to show the inside lent from a person's own open-mouth photo: its first six such people.
      if (row && (row.lent || !file.includes('orl'))) rows.push(row);
    }
    await sheet(file, expressionHeaders, rows.slice(0, 6));
  }
  console.log(`wrote pose-johns.png, pose-lfw.png, expressions-johns.png, expressions-lfw.png and expressions-orl.png in ${out}`);
} finally {
  await client.close();
}
