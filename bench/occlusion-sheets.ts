/**
 * Contact sheets of occlusion variants (`npm run sheets:occlusion`) into docs/synthesis/:
 * - occlusion-johns.png: colour photos (../shared/faces/johns), source | each occluder;
 * - occlusion-lfw.png: in the wild (../shared/lfw/dev), the same, with the mesh's head pose in the
 *   source's label, including turned faces (the accessories must turn with them).
 * Every tile is made by the synthesis planner and variant renderer, as a job makes it.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp, { type OverlayOptions } from 'sharp';
import { InferenceClient } from '../app/main/inference/inference-client.ts';
import { HeadFrame } from '../app/main/synthesis/occlusion/head-frame.ts';
import { rgbFromPlanar, type PlanarImage } from '../app/main/synthesis/packs/image-tensor.ts';
import { AnalysedPhotoSource, type PhotoEntry } from '../app/main/synthesis/testing/analysed-photo-source.ts';
import { sharedFaceChips } from '../app/main/synthesis/testing/shared-face-chips.ts';
import { VisionRuntime } from '../app/main/vision/vision-runtime.ts';
import { isEntryPoint } from './bench-results.ts';
import { lfwPeople } from './lfw-faces.ts';
import { BenchVariants, OCCLUSION_EDITS } from './edit-variants.ts';

const out = fileURLToPath(new URL('../docs/synthesis/', import.meta.url));
const TILE = 192;
const LABEL = 22;

async function tile(image: PlanarImage): Promise<Buffer> {
  return sharp(Buffer.from(rgbFromPlanar(image)), { raw: { width: image.size, height: image.size, channels: 3 } })
    .resize(TILE, TILE)
    .png()
    .toBuffer();
}

function label(text: string, width = TILE): Buffer {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${LABEL}"><rect width="100%" height="100%" fill="#111"/><text x="${width / 2}" y="15" font-family="sans-serif" font-size="12" fill="#eee" text-anchor="middle">${text}</text></svg>`;
  return Buffer.from(svg);
}

async function sheet(file: string, headers: readonly string[], rows: readonly { caption: string; tiles: Buffer[] }[]): Promise<void> {
  const cols = headers.length;
  const height = LABEL + rows.length * (TILE + LABEL);
  const overlays: OverlayOptions[] = headers.map((text, c) => ({ input: label(text), left: c * TILE, top: 0 }));
  rows.forEach((row, r) => {
    const top = LABEL + r * (TILE + LABEL);
    overlays.push({ input: label(row.caption, cols * TILE), left: 0, top });
    row.tiles.forEach((input, c) => overlays.push({ input, left: c * TILE, top: top + LABEL }));
  });
  await sharp({ create: { width: cols * TILE, height, channels: 3, background: '#000' } })
    .composite(overlays)
    .png({ compressionLevel: 9 })
    .toFile(join(out, file));
}

async function occlusionRows(client: InferenceClient, vision: VisionRuntime, photos: readonly PhotoEntry[], names: readonly string[]) {
  const faces = await AnalysedPhotoSource.analyse(photos, vision);
  const variants = await BenchVariants.open(client, faces);
  try {
    const rows: { caption: string; tiles: Buffer[] }[] = [];
    for (const source of faces.faces()) {
      const recipes = OCCLUSION_EDITS.map((edit) => variants.plan(edit, source, 0, source.imageId));
      const rendered = await variants.render(recipes);
      const pose = new HeadFrame((await faces.templateMesh(source.faceId, 256))!).pose();
      const caption = `${names[source.imageId - 1]} · mesh yaw ${pose.yaw.toFixed(0)}° roll ${pose.roll.toFixed(0)}°`;
      rows.push({ caption, tiles: [await tile(rendered[0].source), ...(await Promise.all(rendered.map((v) => tile(v.image))))] });
    }
    return rows;
  } finally {
    await variants.close();
  }
}

export async function occlusionSheets(lfwSample: readonly string[]): Promise<void> {
  const client = new InferenceClient();
  try {
    const vision = new VisionRuntime(client);
    const headers = ['source', ...OCCLUSION_EDITS.map((e) => e.label)];
    const johns = sharedFaceChips(['johns'], 1);
    await sheet(
      'occlusion-johns.png',
      headers,
      await occlusionRows(
        client,
        vision,
        johns.map((c) => ({ path: c.path, identityId: c.identityId })),
        johns.map((c) => c.path.split('/').slice(-2).join('/')),
      ),
    );
    await sheet(
      'occlusion-lfw.png',
      headers,
      await occlusionRows(
        client,
        vision,
        lfwSample.map((path, i) => ({ path, identityId: i + 1 })),
        lfwSample.map((p) => p.split('/').pop()!),
      ),
    );
    console.log(`wrote ${join(out, 'occlusion-johns.png')} and ${join(out, 'occlusion-lfw.png')}`);
  } finally {
    await client.close();
  }
}

/** A seeded handful of LFW people (first photo) and, for turned heads, photos picked by name. */
const LFW_SHEET_SEED = 12;

if (isEntryPoint(import.meta.url)) {
  const people = lfwPeople(4, { sample: 6, seed: LFW_SHEET_SEED });
  const extra = (process.env.LFW_EXTRA ?? '').split(',').filter(Boolean);
  occlusionSheets([...people.map((p) => p.photos[0]), ...extra]).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
