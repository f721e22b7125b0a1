import sharp from 'sharp';
import type { ProjectSession } from '../project/project-session.ts';
import { loadAlignedCrop } from '../vision/aligned-crop.ts';

/** An original's face cropped to the generator template, the framing its variants were made in. */
export async function alignedOriginalPng(session: ProjectSession, faceId: number, size: number): Promise<Uint8Array> {
  const crop = await loadAlignedCrop(session, faceId, { template: 'generator', size });
  return sharp(crop.data, { raw: { width: crop.width, height: crop.height, channels: crop.channels } })
    .png()
    .toBuffer();
}
