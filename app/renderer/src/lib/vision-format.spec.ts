import { describe, expect, it } from 'vitest';
import type { ImageBadge } from '#api/vision.ts';
import { faceStatus, faceStatusText, faceStatusTitle, qualityBand } from './vision-format.ts';

const badge = (status: ImageBadge['status'], faceCount: number): ImageBadge => ({
  imageId: 1,
  status,
  faceCount,
  quality: null,
  outlier: false,
});

describe('vision format', () => {
  it('says what a tile’s face badge means', () => {
    const cases = [badge(null, 0), badge('no_face', 0), badge('ok', 1), badge('multiple_faces', 3), badge('error', 0)];
    expect(cases.map(faceStatus)).toEqual(['unanalysed', 'no_face', 'ok', 'multiple_faces', 'error']);
    expect(cases.map(faceStatusText)).toEqual(['–', '0', '1', '3', '!']);
    expect(cases.map(faceStatusTitle)).toEqual(['Not analysed yet', 'No face found', 'One face', '3 faces', 'Could not analyse']);
  });

  it('bands quality', () => {
    expect([0.85, 0.6, 0.45, 0.3, 0.1].map(qualityBand)).toEqual(['good', 'good', 'fair', 'fair', 'poor']);
  });
});
