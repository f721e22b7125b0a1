import { describe, expect, it } from 'vitest';
import { mapInOrder } from './ordered-pool.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('mapInOrder', () => {
  it('yields in input order while at most `concurrency` items run', async () => {
    let running = 0;
    let peak = 0;
    const results: number[] = [];
    const work = async (n: number) => {
      running += 1;
      peak = Math.max(peak, running);
      await sleep((7 - n) * 3);
      running -= 1;
      return n * 10;
    };
    for await (const value of mapInOrder([1, 2, 3, 4, 5, 6], 3, work)) results.push(value);
    expect(results).toEqual([10, 20, 30, 40, 50, 60]);
    expect(peak).toBe(3);
  });

  it('waits for started work when the caller stops early, and starts no more', async () => {
    const finished: number[] = [];
    const started: number[] = [];
    for await (const value of mapInOrder([1, 2, 3, 4, 5], 2, async (n) => {
      started.push(n);
      await sleep(n === 1 ? 1 : 20);
      finished.push(n);
      return n;
    })) {
      if (value === 1) break;
    }
    expect(started).toEqual([1, 2]);
    expect(finished.sort()).toEqual([1, 2]);
  });

  it('surfaces a failure in order without an unhandled rejection from later items', async () => {
    const seen: number[] = [];
    const run = async () => {
      for await (const value of mapInOrder([1, 2, 3], 3, async (n) => {
        if (n === 3) throw new Error('third failed');
        await sleep(5);
        return n;
      })) {
        seen.push(value);
      }
    };
    await expect(run()).rejects.toThrow('third failed');
    expect(seen).toEqual([1, 2]);
  });
});
