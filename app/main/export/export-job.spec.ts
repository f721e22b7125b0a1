import { describe, expect, it } from 'vitest';
import { exportProgressMessage } from './export-job.ts';

describe('export job progress', () => {
  it('groups both counts alike', () => {
    expect(exportProgressMessage(692, 2423)).toBe('692 of 2,423 files');
    expect(exportProgressMessage(12_000, 12_000)).toBe('12,000 of 12,000 files');
  });
});
