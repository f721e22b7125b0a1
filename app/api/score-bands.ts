import type { IdentityCalibration } from './vision.ts';

export interface ScoreBand {
  /** The strictest calibrated FAR the score clears, or null below every threshold. */
  readonly far: number | null;
  readonly label: string;
}

/** What an identity score means in calibrated terms, e.g. "same person at FAR 1e-3". */
export function scoreBand(calibration: IdentityCalibration, score: number): ScoreBand {
  const cleared = calibration.thresholds.filter((t) => score > t.threshold).sort((a, b) => a.far - b.far)[0];
  if (cleared) return { far: cleared.far, label: cleared.label };
  const loosest = [...calibration.thresholds].sort((a, b) => b.far - a.far)[0];
  return { far: null, label: loosest ? `not confirmed (below the FAR ${formatFar(loosest.far)} threshold)` : 'not calibrated' };
}

/** 0.001 → "1e-3". */
export function formatFar(far: number): string {
  const exponent = Math.round(Math.log10(far));
  return Math.abs(far - 10 ** exponent) < 1e-12 ? `1e${exponent}` : String(far);
}
