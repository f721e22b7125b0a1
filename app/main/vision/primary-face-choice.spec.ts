import { describe, expect, it } from 'vitest';
import { choosePrimaryFace, faceMatchingIdentity } from './primary-face-choice.ts';

const unit = (...v: number[]) => {
  const n = Math.hypot(...v);
  return Float32Array.from(v, (x) => x / n);
};

const image = { width: 400, height: 300 };
const centreBig = { box: { x: 150, y: 100, width: 100, height: 100 }, embedding: unit(1, 0, 0) };
const edgeSmall = { box: { x: 0, y: 0, width: 60, height: 60 }, embedding: unit(0, 1, 0) };

describe('choosePrimaryFace', () => {
  it('takes the central, larger face without references', () => {
    expect(choosePrimaryFace([edgeSmall, centreBig], image)).toBe(1);
    expect(choosePrimaryFace([], image)).toBeNull();
  });

  it('takes the face matching the identity’s other photos over the central one', () => {
    const references = [unit(0.1, 1, 0), unit(0, 1, 0.1)];
    expect(choosePrimaryFace([edgeSmall, centreBig], image, references)).toBe(0);
  });

  it('keeps the geometric choice when no face clears the similarity floor', () => {
    const references = [unit(0, 0, 1)];
    expect(faceMatchingIdentity([edgeSmall, centreBig], references, 0.5)).toBeNull();
    expect(choosePrimaryFace([edgeSmall, centreBig], image, references, 0.5)).toBe(1);
  });
});
