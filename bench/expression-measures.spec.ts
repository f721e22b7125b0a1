import { describe, expect, it } from 'vitest';
import { EYES } from '../app/main/synthesis/geometry/closed-lids.ts';
import { rotateMesh } from '../app/main/synthesis/geometry/head-rotation.ts';
import { expressionMeasures } from './expression-measures.ts';

const LEAN = Math.tan((10 * Math.PI) / 180);

/**
 * A frontal face drawn by hand (crop pixels, y down): eye centres 100 px apart on y = 0, each eye 60
 * px wide with its lids 12 px apart, brows 30 px above the eye line, mouth corners 90 px apart 10 px
 * above the lip centre. The face leans back as a real one does (the mouth nearer the camera than the
 * eyes), so the head's frame reads it as frontal.
 */
function face({ lids = 12, brows = 30, corners = 10 } = {}): Float32Array {
  const mesh = new Float32Array(468 * 3);
  // The eyes stand upright (their lids at one depth); the rest leans back with the face.
  const set = (p: number, x: number, y: number, lean = LEAN) => mesh.set([x, y, -y * lean], p * 3);
  for (let p = 0; p < 468; p += 1) set(p, 0, 50);
  for (const [side, eye] of EYES.entries()) {
    const sign = side === 0 ? -1 : 1;
    set(eye.outer, sign * 80, 0, 0);
    set(eye.inner, sign * 20, 0, 0);
    const xs = [70, 62, 56, 50, 44, 38, 30];
    for (const [i, [upper, lower]] of eye.lids.entries()) {
      set(upper, sign * xs[i], -lids / 2, 0);
      set(lower, sign * xs[i], lids / 2, 0);
    }
  }
  for (const p of [46, 53, 52, 65, 55, 70, 63, 105, 66, 107]) set(p, -50, -brows);
  for (const p of [276, 283, 282, 295, 285, 300, 293, 334, 296, 336]) set(p, 50, -brows);
  set(13, 0, 100);
  set(14, 0, 110);
  set(61, -45, 105 - corners);
  set(291, 45, 105 - corners);
  return mesh;
}

describe('expression measures', () => {
  it('reads widths, lifts, openings and heights in eye distances on a frontal face', () => {
    const m = expressionMeasures(face());
    expect(m.mouthWidth).toBeCloseTo(0.9, 3);
    expect(m.cornerLift).toBeCloseTo(0.1, 3);
    expect(m.eyeOpening).toBeCloseTo(12 / 60, 3);
    expect(m.browHeight).toBeCloseTo(0.3, 3);
  });

  it('moves each measure the way its expression does: corners up, lids shut, brows up', () => {
    const plain = expressionMeasures(face());
    expect(expressionMeasures(face({ corners: 15 })).cornerLift - plain.cornerLift).toBeCloseTo(0.05, 3);
    expect(expressionMeasures(face({ lids: 3 })).eyeOpening).toBeCloseTo(3 / 60, 3);
    expect(expressionMeasures(face({ brows: 38 })).browHeight - plain.browHeight).toBeCloseTo(0.08, 3);
  });

  it('reads the same on the face turned, tilted, rolled or photographed larger', () => {
    const plain = expressionMeasures(face());
    const turned = expressionMeasures(rotateMesh(face(), { yaw: 30, pitch: -12, roll: 15 }));
    const larger = expressionMeasures(face().map((v) => v * 2.5));
    for (const m of [turned, larger])
      for (const key of ['mouthWidth', 'cornerLift', 'eyeOpening', 'browHeight'] as const) expect(m[key]).toBeCloseTo(plain[key], 3);
  });

  it('takes the more open eye, so one eye shut is not closed eyes', () => {
    const mesh = face();
    // Shut the image-left eye only: its upper lid points drop onto the lower ones.
    for (const [upper, lower] of EYES[0].lids) mesh.set(mesh.subarray(lower * 3, lower * 3 + 3), upper * 3);
    expect(expressionMeasures(mesh).eyeOpening).toBeCloseTo(12 / 60, 3);
  });
});
