import { describe, expect, it, vi } from 'vitest';
import { baseName, datasetTotalLabel, formatEta, formatPercent, formatWhen } from './format.ts';
import { throttle } from './throttle.ts';

describe('format', () => {
  it('says how long is left in the largest sensible units', () => {
    expect(formatEta(0.4)).toBe('0 s');
    expect(formatEta(59)).toBe('59 s');
    expect(formatEta(95)).toBe('1 min 35 s');
    expect(formatEta(3_725)).toBe('1 h 02 min');
  });

  it('never rounds a job up to 100% before it is done', () => {
    expect(formatPercent(0.999)).toBe('99%');
  });

  it('dates recent things relatively', () => {
    const now = Date.parse('2025-06-01T12:00:00Z');
    expect(formatWhen('2025-06-01T11:59:40Z', now)).toBe('just now');
    expect(formatWhen('2025-06-01T11:15:00Z', now)).toBe('45 min ago');
    expect(formatWhen('2025-06-01T07:00:00Z', now)).toBe('5 h ago');
    expect(formatWhen('not a date', now)).toBe('not a date');
  });

  it('takes the file name from POSIX and Windows paths', () => {
    expect(baseName('/data/a/b.png')).toBe('b.png');
    expect(baseName('C:\\data\\b.png')).toBe('b.png');
  });
});

describe('throttle', () => {
  it('runs at most once per interval and always runs after the last call', () => {
    vi.useFakeTimers();
    const run = vi.fn();
    const throttled = throttle(run, 500);
    throttled();
    throttled();
    vi.advanceTimersByTime(0);
    expect(run).toHaveBeenCalledTimes(1);
    throttled();
    vi.advanceTimersByTime(499);
    expect(run).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1);
    expect(run).toHaveBeenCalledTimes(2);
    throttled();
    throttled.cancel();
    vi.advanceTimersByTime(1_000);
    expect(run).toHaveBeenCalledTimes(2);
    vi.useRealTimers();
  });
});

describe('datasetTotalLabel', () => {
  it('counts usable images as the sidebar does and the duplicate apart, never 55 against 54', () => {
    expect(datasetTotalLabel(55, 54)).toBe('54 images + 1 not used (duplicate or unreadable)');
    expect(datasetTotalLabel(54, 54)).toBe('54 images');
    expect(datasetTotalLabel(3, null)).toBe('3 images');
    expect(datasetTotalLabel(1, 1)).toBe('1 image');
  });
});
