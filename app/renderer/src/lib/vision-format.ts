import type { AnalysisStatus, ImageBadge } from '#api/vision.ts';

/** What a tile's face badge says: the analysis status, or that there is none yet. */
export type FaceStatus = AnalysisStatus | 'unanalysed';

export type QualityBand = 'good' | 'fair' | 'poor';

const labels: Record<AnalysisStatus, string> = {
  ok: 'one face',
  no_face: 'no face found',
  multiple_faces: 'several faces',
  error: 'could not analyse',
};

export function statusLabel(status: AnalysisStatus): string {
  return labels[status];
}

export function faceStatus(badge: ImageBadge): FaceStatus {
  return badge.status ?? 'unanalysed';
}

/** The tile badge's text: a face count, or a mark where counting makes no sense. */
export function faceStatusText(badge: ImageBadge): string {
  if (badge.status === null) return '–';
  if (badge.status === 'error') return '!';
  return String(badge.faceCount);
}

export function faceStatusTitle(badge: ImageBadge): string {
  if (badge.status === null) return 'Not analysed yet';
  if (badge.status === 'multiple_faces') return `${badge.faceCount} faces`;
  const label = statusLabel(badge.status);
  return label[0].toUpperCase() + label.slice(1);
}

/**
 * Quality is a product of four 0‥1 factors (detector, sharpness, size, pose), so a clear frontal
 * face of decent size scores around 0.8 and any one weak factor pulls it under 0.5.
 */
export function qualityBand(quality: number): QualityBand {
  if (quality >= 0.6) return 'good';
  if (quality >= 0.3) return 'fair';
  return 'poor';
}

export function percent(value: number): string {
  return `${Math.round(value * 100)}%`;
}
