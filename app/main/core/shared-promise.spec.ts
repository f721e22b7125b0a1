import { describe, expect, it } from 'vitest';
import { sharedPromise } from './shared-promise.ts';

describe('sharedPromise', () => {
  it('starts the work once for callers that ask while it runs, and again after it failed', async () => {
    const store = new Map<string, Promise<number>>();
    let starts = 0;
    let fail = true;
    const make = async () => {
      starts += 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (fail) throw new Error('model file missing');
      return 7;
    };
    const first = sharedPromise(store, 'dlib', make);
    const second = sharedPromise(store, 'dlib', make);
    expect(second).toBe(first);
    await expect(first).rejects.toThrow('model file missing');
    expect(starts).toBe(1);
    expect(store.has('dlib')).toBe(false);
    fail = false;
    await expect(sharedPromise(store, 'dlib', make)).resolves.toBe(7);
    await expect(sharedPromise(store, 'dlib', make)).resolves.toBe(7);
    expect(starts).toBe(2);
  });
});
