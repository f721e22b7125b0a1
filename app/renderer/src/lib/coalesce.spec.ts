import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { coalesce } from './coalesce.ts';

describe('coalesce', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs a burst of calls once, after it goes quiet', async () => {
    const run = vi.fn(() => Promise.resolve());
    const refresh = coalesce(run, { quietMs: 300, maxWaitMs: 5000 });
    for (let i = 0; i < 5; i++) {
      refresh();
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(run).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(300);
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('still runs during a burst that never goes quiet, once per max wait', async () => {
    const run = vi.fn(() => Promise.resolve());
    const refresh = coalesce(run, { quietMs: 300, maxWaitMs: 1000 });
    for (let i = 0; i < 25; i++) {
      refresh();
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(run).toHaveBeenCalledTimes(2);
  });

  it('never starts a run while one is in flight, and runs once more after it for calls made meanwhile', async () => {
    let finish: () => void = () => undefined;
    const run = vi.fn(() => new Promise<void>((resolve) => (finish = resolve)));
    const refresh = coalesce(run, { quietMs: 10, maxWaitMs: 10 });
    refresh();
    await vi.advanceTimersByTimeAsync(20);
    expect(run).toHaveBeenCalledTimes(1);
    refresh();
    await vi.advanceTimersByTimeAsync(50);
    refresh();
    await vi.advanceTimersByTimeAsync(50);
    expect(run).toHaveBeenCalledTimes(1);
    finish();
    await vi.advanceTimersByTimeAsync(20);
    expect(run).toHaveBeenCalledTimes(2);
  });

  it('keeps the minimum interval between starts, and a cancelled call never runs', async () => {
    const run = vi.fn(() => Promise.resolve());
    const refresh = coalesce(run, { quietMs: 10, maxWaitMs: 10, minIntervalMs: 1000 });
    refresh();
    await vi.advanceTimersByTimeAsync(20);
    refresh();
    await vi.advanceTimersByTimeAsync(500);
    expect(run).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(500);
    expect(run).toHaveBeenCalledTimes(2);
    refresh();
    refresh.cancel();
    await vi.advanceTimersByTimeAsync(5000);
    expect(run).toHaveBeenCalledTimes(2);
  });
});
