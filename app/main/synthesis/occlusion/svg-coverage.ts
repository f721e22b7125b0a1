import sharp from 'sharp';

export type Point2 = readonly [number, number];

/** SVG path data of a polygon (closed) or polyline in crop pixels. */
export function pathData(points: readonly Point2[], closed: boolean): string {
  const body = points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${x.toFixed(2)} ${y.toFixed(2)}`).join(' ');
  return closed ? `${body} Z` : body;
}

/**
 * Renders SVG elements (white on black) to one 0‥1 channel at size × size through libvips/librsvg:
 * anti-aliased edges, strokes, gradients and a Gaussian softening of `blur` pixels (real photos
 * are never pixel-sharp; a crisp accessory edge is what makes it look pasted on).
 */
export async function svgCoverage(size: number, elements: string, blur = 0, defs = ''): Promise<Float32Array> {
  const filter =
    blur > 0
      ? `<filter id="soft" filterUnits="userSpaceOnUse" x="0" y="0" width="${size}" height="${size}"><feGaussianBlur stdDeviation="${blur.toFixed(3)}"/></filter>`
      : '';
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}">` +
    `<defs>${filter}${defs}</defs><rect width="${size}" height="${size}" fill="#000"/>` +
    `<g${blur > 0 ? ' filter="url(#soft)"' : ''}>${elements}</g></svg>`;
  const data = await sharp(Buffer.from(svg), { density: 72 }).extractChannel(0).raw().toBuffer();
  if (data.length !== size * size) throw new Error(`occlusion: the SVG rasterised to ${data.length} pixels, not ${size}²`);
  return Float32Array.from(data, (v) => v / 255);
}
