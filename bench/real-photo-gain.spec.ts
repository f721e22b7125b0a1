import { describe, expect, it } from 'vitest';
import { gainPairs, gainWithout, realPhotoGains, showsCondition, type MeasuredPhoto } from './real-photo-gain.ts';

/** A unit embedding at `degrees` in a plane: the cosine of two is the cosine of their angle. */
const at = (degrees: number) => Float32Array.of(Math.cos((degrees * Math.PI) / 180), Math.sin((degrees * Math.PI) / 180));
const photo = (degrees: number, measures: Partial<Omit<MeasuredPhoto, 'embedding'>> = {}): MeasuredPhoto => ({
  embedding: at(degrees),
  yaw: 0,
  pitch: 0,
  lipGap: 0,
  mouthWidth: 0.85,
  cornerLift: 0.03,
  eyeOpening: 0.2,
  browHeight: 0.27,
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
    expect(showsCondition(turn, source, photo(0, { yaw: 33, pitch: 2 }), [source])).toBe(true);
    expect(showsCondition(turn, source, photo(0, { yaw: 15, pitch: 2 }), [source])).toBe(false);
    expect(showsCondition(turn, source, photo(0, { yaw: 33, pitch: 10 }), [source])).toBe(false);
    expect(showsCondition({ kind: 'none', why: 'no measure' }, source, photo(0), [source])).toBeNull();
  });

  it('takes a smile to need both a wide mouth and lifted corners, and closed eyes the more open eye shut', () => {
    const smile = { kind: 'smile', width: 0.97, lift: 0.077 } as const;
    const source = photo(0);
    expect(showsCondition(smile, source, photo(0, { mouthWidth: 1.0, cornerLift: 0.08 }), [source])).toBe(true);
    // A wide mouth with level corners (speaking) or lifted corners on a narrow mouth is not a smile.
    expect(showsCondition(smile, source, photo(0, { mouthWidth: 1.0, cornerLift: 0.02 }), [source])).toBe(false);
    expect(showsCondition(smile, source, photo(0, { mouthWidth: 0.9, cornerLift: 0.1 }), [source])).toBe(false);
    const closed = { kind: 'eyesClosed', atMost: 0.133 } as const;
    expect(showsCondition(closed, source, photo(0, { eyeOpening: 0.12 }), [source])).toBe(true);
    expect(showsCondition(closed, source, photo(0, { eyeOpening: 0.15 }), [source])).toBe(false);
  });

  it('measures raised brows from the person’s median brow height, so high-browed people do not always match', () => {
    const raised = { kind: 'browsRaised', aboveOwnMedian: 0.04 } as const;
    // Median of 0.30, 0.31, 0.32, 0.36 is 0.315: 0.36 is 0.045 above it, 0.32 only 0.005.
    const person = [0.3, 0.31, 0.32, 0.36].map((browHeight) => photo(0, { browHeight }));
    expect(showsCondition(raised, person[0], person[3], person)).toBe(true);
    expect(showsCondition(raised, person[0], person[2], person)).toBe(false);
    // The same 0.36 among a low-browed person's photos is raised by 0.12; alone in a high-browed set, by none.
    const low = [0.22, 0.24, 0.36].map((browHeight) => photo(0, { browHeight }));
    expect(showsCondition(raised, low[0], low[2], low)).toBe(true);
    const high = [0.36, 0.37, 0.36].map((browHeight) => photo(0, { browHeight }));
    expect(showsCondition(raised, high[1], high[0], high)).toBe(false);
  });
});
