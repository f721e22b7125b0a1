import type { PlanarImage } from '../packs/image-tensor.ts';

/**
 * One channel of a planar image at a continuous position (pixel centres at integers), bilinear,
 * clamped to the border: for the few hundred pixels an expression repaints, where a GridSample
 * pass over the whole crop would cost more than it saves.
 */
export function samplePlanar(image: PlanarImage, channel: number, x: number, y: number): number {
  const { size, data } = image;
  const cx = Math.max(0, Math.min(size - 1, x));
  const cy = Math.max(0, Math.min(size - 1, y));
  const [ix, iy] = [Math.min(size - 2, Math.floor(cx)), Math.min(size - 2, Math.floor(cy))];
  const [fx, fy] = [cx - ix, cy - iy];
  const base = channel * size * size;
  const row = (yy: number) => data[base + yy * size + ix] * (1 - fx) + data[base + yy * size + ix + 1] * fx;
  return row(iy) * (1 - fy) + row(iy + 1) * fy;
}
