import { describe, expect, it } from 'vitest';
import { formatFar, scoreBand } from './score-bands.ts';
import type { IdentityCalibration } from './vision.ts';

const calibration: IdentityCalibration = {
  model: 'dlib',
  source: 'test',
  thresholds: [
    { far: 1e-2, threshold: 0.91, tar: 0.98, label: 'same person at FAR 1e-2' },
    { far: 1e-3, threshold: 0.93, tar: 0.91, label: 'same person at FAR 1e-3' },
    { far: 1e-4, threshold: 0.94, tar: 0.77, label: 'same person at FAR 1e-4' },
  ],
};

describe('scoreBand', () => {
  it('names the strictest calibrated threshold a score clears', () => {
    expect(scoreBand(calibration, 0.95)).toEqual({ far: 1e-4, label: 'same person at FAR 1e-4' });
    expect(scoreBand(calibration, 0.935)).toEqual({ far: 1e-3, label: 'same person at FAR 1e-3' });
    expect(scoreBand(calibration, 0.92).far).toBe(1e-2);
  });

  it('says a score below every threshold is not confirmed', () => {
    expect(scoreBand(calibration, 0.5)).toEqual({ far: null, label: 'not confirmed (below the FAR 1e-2 threshold)' });
  });

  it('writes FARs the way the UI shows them', () => {
    expect([1e-2, 1e-3, 1e-4].map(formatFar)).toEqual(['1e-2', '1e-3', '1e-4']);
  });
});
