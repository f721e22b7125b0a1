import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { embeddingModelNames } from './embedding-models.ts';
import { identityCalibration, identityThreshold } from './identity-calibration.ts';

describe('identity calibration', () => {
  it.each(embeddingModelNames)('is stricter and accepts fewer same-person pairs as the FAR falls (%s)', (model) => {
    const { thresholds } = identityCalibration(model);
    expect(thresholds.map((t) => t.far)).toEqual([1e-2, 1e-3, 1e-4]);
    for (let i = 1; i < thresholds.length; i++) {
      expect(thresholds[i].threshold).toBeGreaterThan(thresholds[i - 1].threshold);
      expect(thresholds[i].tar).toBeLessThan(thresholds[i - 1].tar);
    }
    expect(identityThreshold(model, 1e-3)).toBe(thresholds[1].threshold);
    expect(thresholds[1].label).toBe('same person at FAR 1e-3');
  });

  it('ships the thresholds bench/results/identity.json measured', () => {
    const measured = JSON.parse(readFileSync(join(import.meta.dirname, '../../../bench/results/identity.json'), 'utf8')) as {
      calibration: Record<string, { thresholds: Record<'far1e2' | 'far1e3' | 'far1e4', number> }>;
    };
    for (const model of embeddingModelNames) {
      const shipped = identityCalibration(model).thresholds.map((t) => t.threshold);
      const { far1e2, far1e3, far1e4 } = measured.calibration[model].thresholds;
      [far1e2, far1e3, far1e4].forEach((value, i) => expect(shipped[i], `${model} threshold ${i}`).toBeCloseTo(value, 4));
    }
  });
});
