import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { sharedFacesDir, sharedFacesOrSkip } from '../../../test/fixtures/shared-faces.ts';
import { DecodeGate } from './decode-gate.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('DecodeGate', () => {
  it('runs decodes side by side and retries a failed one while nothing else runs', async () => {
    const gate = new DecodeGate();
    let active = 0;
    let peak = 0;
    const activeDuringRetry: number[] = [];
    let failedOnce = false;
    const decode = (n: number) => async () => {
      active += 1;
      peak = Math.max(peak, active);
      try {
        await sleep(5 + (n % 3) * 5);
        if (n === 2 && !failedOnce) {
          failedOnce = true;
          throw new Error('flaky');
        }
        if (n === 2) activeDuringRetry.push(active);
        return n;
      } finally {
        active -= 1;
      }
    };
    const results = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => gate.run(decode(n))));
    expect(results).toEqual([1, 2, 3, 4, 5, 6]);
    expect(peak).toBeGreaterThan(1);
    expect(activeDuringRetry).toEqual([1]);
  });

  it('rethrows what the lone retry throws', async () => {
    const gate = new DecodeGate();
    let calls = 0;
    await expect(
      gate.run(async () => {
        calls += 1;
        throw new Error(`attempt ${calls}`);
      }),
    ).rejects.toThrow('attempt 2');
  });

  it.runIf(sharedFacesOrSkip())('gives each of many failing sharp decodes its own libvips message', async () => {
    const jpeg = readFileSync(join(sharedFacesDir, 'johns/John_Simm/000288_00470387.jpg'));
    const cut = jpeg.subarray(0, jpeg.length >> 1);
    const gate = new DecodeGate();
    const messages = await Promise.all(
      Array.from({ length: 24 }, () =>
        gate
          .run(() => sharp(cut, { failOn: 'error' }).raw().toBuffer())
          .then(
            () => 'decoded',
            (error: Error) => error.message,
          ),
      ),
    );
    expect(new Set(messages)).toEqual(new Set(['VipsJpeg: premature end of JPEG image']));
  });
});
