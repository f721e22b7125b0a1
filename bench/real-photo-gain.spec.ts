import { describe, expect, it } from 'vitest';
import { gainPairs, gainWithout, realPhotoGains, showsCondition, type MeasuredPhoto } from './real-photo-gain.ts';

/** A unit embedding at `degrees` in a plane: the cosine of two is the cosine of their angle. */
const at = (degrees: number) => Float32Array.of(Math.cos((degrees * Math.PI) / 180), Math.sin((degrees * Math.PI) / 180));
const photo = (degrees: number, measures: Partial<Omit<MeasuredPhoto, 'embedding'>> = {}): MeasuredPhoto => ({
  embedding: at(degrees),
  yaw: 0,
  pitch: 0,
  lipGap: 0,
  ...measures,
});
const cos = (degrees: number) => Math.cos((degrees * Math.PI) / 180);

describe('real-photo gain', () => {
  it('scores a probe against the other probes only, never against itself', () => {
    // Were probe 0 counted, its cosine 1 to itself would lift its gain well above the source's.
    const probes = [at(20), at(40)];
    expect(gainWithout(probes[0], at(0), probes, 0)).toBeCloseTo(cos(20) - cos(40), 6);
    expect(gainWithout(probes[0], at(0), [probes[0]], 0)).toBeNull();
  });

  it('is below zero for a real photo unlike the rest, above for one like them, against a typical source', () => {
    // Probes at 0°, 5°, 10° and one turned away at 60°; the source sits among the many at 5°.
    const gains = realPhotoGains(at(5), [at(0), at(10), at(5), at(60)]);
    expect(gains).toHaveLength(4);
    expect(gains[3]).toBeLessThan(-0.2);
    expect(gains[2]).toBeCloseTo(0, 6);
  });

  it('sets each probe beside the variant over the same probes, and marks the probes showing the condition', () => {
    const source = photo(0);
    const probes = [photo(10, { lipGap: 0.05 }), photo(30, { lipGap: 0.1 }), photo(50, { lipGap: 0.2 })];
    const pairs = gainPairs(at(30), source, probes, { kind: 'lipGap', atLeast: 0.1 });
    expect(pairs.map((p) => p.matched)).toEqual([false, true, true]);
    // The variant equals probe 1, so over the probes left when probe 1 is out both gains are one number.
    expect(pairs[1].variant).toBeCloseTo(pairs[1].real, 6);
    expect(pairs[0].variant).toBeCloseTo((cos(0) + cos(20)) / 2 - (cos(30) + cos(50)) / 2, 6);
  });

  it('matches a turn to the photos in the bucket of the source turned by it, not of the turn alone', () => {
    const source = photo(0, { yaw: 12, pitch: -3 });
    const turn = { kind: 'turn', yaw: 15, pitch: 0 } as const;
    // 12° + 15° = 27° lies in the 30° bucket (22.5–37.5°); 15° does not, though it is the turn itself.
    expect(showsCondition(turn, source, photo(0, { yaw: 33, pitch: 2 }))).toBe(true);
    expect(showsCondition(turn, source, photo(0, { yaw: 15, pitch: 2 }))).toBe(false);
    expect(showsCondition(turn, source, photo(0, { yaw: 33, pitch: 10 }))).toBe(false);
    expect(showsCondition({ kind: 'none', why: 'no measure' }, source, photo(0))).toBeNull();
  });
});
