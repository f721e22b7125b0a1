import type { AnalysisStatus } from '../../../../api/vision.ts';

const labels: Record<AnalysisStatus, string> = {
  ok: 'one face',
  no_face: 'no face found',
  multiple_faces: 'several faces',
  error: 'could not analyse',
};

export function statusLabel(status: AnalysisStatus): string {
  return labels[status];
}

export function percent(value: number): string {
  return `${Math.round(value * 100)}%`;
}
