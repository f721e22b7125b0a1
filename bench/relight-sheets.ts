/**
 * Contact sheets of physically-based relighting (`npm run sheets:relight`) into docs/synthesis/:
 * - relight-yale.png: per person, the frontal source | four relights | the real photos under the
 *   same four Yale lamps (ground truth), the lamp written over each column;
 * - relight-johns.png: colour photos relit with warm and cool lamps (the chip itself as the crop,
 *   mirror-padded, until the shared crop path stops stretching borders).
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp, { type OverlayOptions } from 'sharp';
import { InferenceClient } from '../app/main/inference/inference-client.ts';
import { rgbFromPlanar, type PlanarImage } from '../app/main/synthesis/packs/image-tensor.ts';
import type { LightSpec } from '../app/main/synthesis/relight/light-spec.ts';
import { prepareRelight, RELIGHT_CROP_SIZE, renderRelight } from '../app/main/synthesis/relight/relight-face.ts';
import { sharedFaceChips } from '../app/main/synthesis/testing/shared-face-chips.ts';
import { analyseImage } from '../app/main/vision/face-analysis.ts';
import { decodeRgb } from '../app/main/vision/rgb-image.ts';
import { VisionRuntime } from '../app/main/vision/vision-runtime.ts';
import { analyseYale, chipCrop, listYale, yaleCrop } from './yale-faces.ts';

const out = fileURLToPath(new URL('../docs/synthesis/', import.meta.url));
const TILE = 160;
const LABEL = 22;

const YALE_PEOPLE = ['yaleB02', 'yaleB05', 'yaleB07', 'yaleB10'];
const YALE_LIGHTS: readonly [number, number][] = [
  [50, 0],
  [-70, 45],
  [110, 15],
  [0, -35],
];
const JOHNS_LIGHTS: readonly LightSpec[] = [
  { azimuth: 50, elevation: 15, ambient: 0.25, temperature: 3200 },
  { azimuth: -60, elevation: -20, ambient: 0.25, temperature: 9000 },
  { azimuth: 0, elevation: 45, ambient: 0.25, temperature: 6500 },
  { azimuth: -85, elevation: 20, ambient: 0.25, temperature: 4500 },
];

async function tile(image: PlanarImage): Promise<Buffer> {
  return sharp(Buffer.from(rgbFromPlanar(image)), { raw: { width: image.size, height: image.size, channels: 3 } })
    .resize(TILE, TILE)
    .png()
    .toBuffer();
}

function label(text: string): Buffer {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${TILE}" height="${LABEL}"><rect width="100%" height="100%" fill="#111"/><text x="${TILE / 2}" y="15" font-family="sans-serif" font-size="12" fill="#eee" text-anchor="middle">${text}</text></svg>`;
  return Buffer.from(svg);
}

async function sheet(file: string, headers: readonly string[], rows: readonly Buffer[][]): Promise<void> {
  const cols = headers.length;
  const overlays: OverlayOptions[] = headers.map((text, c) => ({ input: label(text), left: c * TILE, top: 0 }));
  rows.forEach((row, r) => row.forEach((input, c) => overlays.push({ input, left: c * TILE, top: LABEL + r * TILE })));
  await sharp({ create: { width: cols * TILE, height: LABEL + rows.length * TILE, channels: 3, background: '#000' } })
    .composite(overlays)
    .png({ compressionLevel: 9 })
    .toFile(join(out, file));
}

const lamp = (a: number, e: number) => `A${a >= 0 ? '+' : ''}${a}° E${e >= 0 ? '+' : ''}${e}°`;

async function yaleSheet(vision: VisionRuntime): Promise<void> {
  const photos = listYale().filter(
    (p) => YALE_PEOPLE.includes(p.person) && (p.frontal || YALE_LIGHTS.some(([a, e]) => a === p.azimuth && e === p.elevation)),
  );
  const analysed = await analyseYale(photos, vision);
  const rows: Buffer[][] = [];
  for (const person of YALE_PEOPLE) {
    const source = analysed.find((p) => p.person === person && p.frontal)!;
    const crop = await yaleCrop(source, RELIGHT_CROP_SIZE, source);
    const face = prepareRelight(crop);
    const row = [await tile(crop.image)];
    for (const [azimuth, elevation] of YALE_LIGHTS)
      row.push(await tile(renderRelight(face, { azimuth, elevation, ambient: 0.05, temperature: 6500 }).image));
    for (const [azimuth, elevation] of YALE_LIGHTS) {
      const real = analysed.find((p) => p.person === person && p.azimuth === azimuth && p.elevation === elevation)!;
      row.push(await tile((await yaleCrop(real, RELIGHT_CROP_SIZE, source)).image));
    }
    rows.push(row);
  }
  const headers = [
    'source (frontal)',
    ...YALE_LIGHTS.map(([a, e]) => `relit ${lamp(a, e)}`),
    ...YALE_LIGHTS.map(([a, e]) => `real ${lamp(a, e)}`),
  ];
  await sheet('relight-yale.png', headers, rows);
}

async function johnsSheet(vision: VisionRuntime): Promise<void> {
  const rows: Buffer[][] = [];
  for (const chip of sharedFaceChips(['johns'], 1)) {
    const analysis = await analyseImage(await decodeRgb(chip.path), vision, { embeddingModels: [], maxFaces: 1 });
    if (analysis.primary === null) throw new Error(`${chip.path}: no face found`);
    const crop = await chipCrop(chip.path, RELIGHT_CROP_SIZE, analysis.faces[analysis.primary].landmarks);
    const face = prepareRelight(crop);
    const row = [await tile(crop.image)];
    for (const light of JOHNS_LIGHTS) row.push(await tile(renderRelight(face, light).image));
    rows.push(row);
  }
  const headers = ['source', ...JOHNS_LIGHTS.map((l) => `${lamp(l.azimuth, l.elevation)} ${l.temperature} K`)];
  await sheet('relight-johns.png', headers, rows);
}

const client = new InferenceClient();
try {
  const vision = new VisionRuntime(client);
  await yaleSheet(vision);
  await johnsSheet(vision);
  console.log(`wrote ${join(out, 'relight-yale.png')} and ${join(out, 'relight-johns.png')}`);
} finally {
  await client.close();
}
