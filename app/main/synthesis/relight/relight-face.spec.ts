import { describe, expect, it } from 'vitest';
import { castShadows } from './cast-shadows.ts';
import { rasteriseFace } from './face-surface.ts';
import { lightDirection, temperatureGains, yaleSubset, type LightSpec } from './light-spec.ts';
import { prepareRelight, renderRelight } from './relight-face.ts';

const SIZE = 128;

/**
 * A 468-point dome (sunflower layout, the shape of a face seen from the front) with a textured
 * albedo, rendered as a Lambertian surface under a known lamp: the ground truth a relighting must
 * reproduce. Geometry and shading come from the same rasterised surface the relighter builds.
 */
function dome(): Float32Array {
  const points = new Float32Array(468 * 3);
  const radius = SIZE * 0.42;
  for (let i = 0; i < 468; i += 1) {
    const r = radius * Math.sqrt((i + 0.5) / 468);
    const a = i * 2.399963;
    points[i * 3] = SIZE / 2 + r * Math.cos(a);
    points[i * 3 + 1] = SIZE / 2 + r * Math.sin(a);
    points[i * 3 + 2] = -Math.sqrt(Math.max(0, (radius * 1.05) ** 2 - r * r));
  }
  return points;
}

function render(landmarks: Float32Array, light: LightSpec): Float32Array {
  const surface = rasteriseFace(landmarks, SIZE);
  const plane = SIZE * SIZE;
  const [lx, ly, lz] = lightDirection(light);
  const out = new Float32Array(plane * 3);
  for (let j = 0; j < plane; j += 1) {
    const x = j % SIZE;
    const y = Math.floor(j / SIZE);
    const albedo = 0.55 + 0.15 * Math.sin(x * 0.7) * Math.cos(y * 0.5);
    const n = surface.normals;
    const shading = 0.05 + 0.9 * Math.max(0, n[j] * lx + n[plane + j] * ly + n[2 * plane + j] * lz);
    for (let c = 0; c < 3; c += 1) out[c * plane + j] = albedo * shading * [1, 0.9, 0.8][c];
  }
  return out;
}

const lamp = (azimuth: number, elevation: number): LightSpec => ({ azimuth, elevation, ambient: 0.05, temperature: 6500 });

function psnrOver(a: Float32Array, b: Float32Array, mask: Float32Array): number {
  const plane = SIZE * SIZE;
  let sum = 0;
  let n = 0;
  for (let j = 0; j < plane; j += 1) {
    if (mask[j] < 0.999) continue;
    for (let c = 0; c < 3; c += 1) sum += (a[c * plane + j] - b[c * plane + j]) ** 2;
    n += 3;
  }
  return 10 * Math.log10(1 / (sum / n));
}

describe('physically-based relighting', () => {
  const landmarks = dome();

  it('estimates the direction of the lamp a face was lit by', () => {
    for (const [azimuth, elevation] of [
      [0, 0],
      [35, 15],
      [-50, 0],
      [20, -30],
    ] as const) {
      const face = prepareRelight({ image: { size: SIZE, data: render(landmarks, lamp(azimuth, elevation)) }, landmarks });
      expect(Math.abs(face.estimated.azimuth - azimuth)).toBeLessThan(3);
      expect(Math.abs(face.estimated.elevation - elevation)).toBeLessThan(3);
      expect(face.estimated.ambient).toBeCloseTo(0.05 / 0.9, 1);
      expect(face.estimated.sh).toHaveLength(27);
    }
  });

  it('relit from one lamp to another, a face matches a render under the other lamp', () => {
    const face = prepareRelight({ image: { size: SIZE, data: render(landmarks, lamp(0, 0)) }, landmarks });
    for (const [azimuth, elevation] of [
      [50, 0],
      [-35, 40],
      [0, -35],
      [70, 20],
    ] as const) {
      const relit = renderRelight(face, lamp(azimuth, elevation), { shadowStrength: 0 });
      const truth = render(landmarks, lamp(azimuth, elevation));
      const unedited = psnrOver(face.image.data, truth, face.surface.coverage);
      const psnr = psnrOver(relit.image.data, truth, face.surface.coverage);
      expect(psnr).toBeGreaterThan(24);
      expect(psnr).toBeGreaterThan(unedited + 5);
    }
  });

  it('keeps texture: a shadowed pixel is darkened, not replaced', () => {
    const source = render(landmarks, lamp(0, 0));
    const face = prepareRelight({ image: { size: SIZE, data: source }, landmarks });
    const relit = renderRelight(face, lamp(80, 0)).image.data;
    const row = SIZE / 2;
    // Along the row the albedo's ripple survives on the lit side (image left for a positive azimuth).
    const ripple = (data: Float32Array) => {
      let s = 0;
      for (let x = 30; x < 60; x += 1) s += Math.abs(data[row * SIZE + x + 1] - data[row * SIZE + x]);
      return s;
    };
    expect(ripple(relit)).toBeGreaterThan(0.5 * ripple(source));
    const left = relit[row * SIZE + 35];
    const right = relit[row * SIZE + 93];
    expect(left).toBeGreaterThan(3 * right);
  });

  it('carries the change of light past the mesh edge without a step (no seam where the face ends)', () => {
    const surface = rasteriseFace(landmarks, SIZE);
    const plane = SIZE * SIZE;
    // Off the mesh a flat grey "background"; on it the dome under a frontal lamp.
    const source = render(landmarks, lamp(0, 0));
    for (let j = 0; j < plane; j += 1) if (surface.coverage[j] <= 0) for (let c = 0; c < 3; c += 1) source[c * plane + j] = 0.5;
    const face = prepareRelight({ image: { size: SIZE, data: source }, landmarks });
    const y = SIZE / 2;
    const coverage = (x: number) => surface.coverage[y * SIZE + x];
    let first = 0;
    while (coverage(first) <= 0) first += 1;
    let inner = first;
    while (coverage(inner) < 0.999) inner += 1;
    let last = SIZE - 1;
    while (coverage(last) <= 0) last -= 1;
    let innerRight = last;
    while (coverage(innerRight) < 0.999) innerRight -= 1;
    for (const azimuth of [-70, 60]) {
      const relit = renderRelight(face, lamp(azimuth, 0)).image.data;
      const gain = (x: number) => relit[y * SIZE + x] / source[y * SIZE + x];
      for (const [outside, inside] of [
        [first - 2, inner],
        [last + 2, innerRight],
      ]) {
        const [a, b] = [gain(outside), gain(inside)];
        expect(Math.abs(a - b), `lamp at ${azimuth}°: gain ${a.toFixed(3)} outside the mesh, ${b.toFixed(3)} inside`).toBeLessThan(
          0.15 * Math.max(a, b) + 0.03,
        );
      }
    }
  });

  it('casts shadows away from the lamp, and none for a frontal lamp', () => {
    const height = new Float32Array(SIZE * SIZE);
    for (let y = 0; y < SIZE; y += 1) for (let x = 0; x < SIZE; x += 1) height[y * SIZE + x] = Math.abs(x - 64) < 4 ? 40 : 0;
    const fromLeft = castShadows(height, SIZE, lightDirection({ azimuth: 60, elevation: 0 }));
    expect(fromLeft[64 * SIZE + 80]).toBeLessThan(0.1);
    expect(fromLeft[64 * SIZE + 40]).toBeGreaterThan(0.9);
    const fromRight = castShadows(height, SIZE, lightDirection({ azimuth: -60, elevation: 0 }));
    expect(fromRight[64 * SIZE + 40]).toBeLessThan(0.1);
    expect(fromRight[64 * SIZE + 80]).toBeGreaterThan(0.9);
    expect(Math.min(...castShadows(height, SIZE, lightDirection({ azimuth: 0, elevation: 0 })))).toBe(1);
  });

  it('treats lamps on either side alike: mirroring the face and the lamp mirrors the relit face', () => {
    // A lopsided source (lamp from one side, albedo brighter on one half), so a slip that favours
    // one side of the image in the fit, the normals, the shadows or the fill cannot cancel out.
    const plane = SIZE * SIZE;
    const source = render(landmarks, lamp(25, 10));
    for (let j = 0; j < plane; j += 1) for (let c = 0; c < 3; c += 1) source[c * plane + j] *= 0.8 + (0.3 * (j % SIZE)) / SIZE;
    const mirrorX = (data: Float32Array, channels: number) => {
      const out = new Float32Array(data.length);
      for (let c = 0; c < channels; c += 1)
        for (let y = 0; y < SIZE; y += 1)
          for (let x = 0; x < SIZE; x += 1) out[c * plane + y * SIZE + x] = data[c * plane + y * SIZE + SIZE - 1 - x];
      return out;
    };
    const mirroredMesh = Float32Array.from(landmarks, (v, i) => (i % 3 === 0 ? SIZE - v : v));
    const face = prepareRelight({ image: { size: SIZE, data: source }, landmarks });
    const mirrored = prepareRelight({ image: { size: SIZE, data: mirrorX(source, 3) }, landmarks: mirroredMesh });
    expect(Math.abs(face.estimated.azimuth + mirrored.estimated.azimuth)).toBeLessThanOrEqual(1.5);
    expect(Math.abs(face.estimated.elevation - mirrored.estimated.elevation)).toBeLessThanOrEqual(1.5);
    const meanAbs = (a: Float32Array, b: Float32Array) => {
      let sum = 0;
      for (let j = 0; j < a.length; j += 1) sum += Math.abs(a[j] - b[j]);
      return sum / a.length;
    };
    for (const [azimuth, elevation] of [
      [50, 0],
      [85, -20],
      [110, 15],
      [35, 40],
    ] as const) {
      const relit = renderRelight(face, lamp(azimuth, elevation)).image.data;
      const mirroredBack = mirrorX(renderRelight(mirrored, lamp(-azimuth, elevation)).image.data, 3);
      const otherSide = renderRelight(face, lamp(-azimuth, elevation)).image.data;
      const slip = meanAbs(relit, mirroredBack);
      expect(slip, `lamp at ${azimuth}°, ${elevation}°`).toBeLessThan(1e-3);
      expect(meanAbs(relit, otherSide)).toBeGreaterThan(10 * slip);
    }
  });

  it('warms and cools the light with the colour temperature, keeping luminance', () => {
    const warm = temperatureGains(3200);
    const cool = temperatureGains(10000);
    expect(warm[0]).toBeGreaterThan(warm[2]);
    expect(cool[2]).toBeGreaterThan(cool[0]);
    for (const g of [warm, cool]) expect(0.299 * g[0] + 0.587 * g[1] + 0.114 * g[2]).toBeCloseTo(1, 6);
    expect(temperatureGains(6500).map((g) => Number(g.toFixed(6)))).toEqual([1, 1, 1]);
  });

  it('sorts Yale lamps into the subsets by their angle to the camera', () => {
    expect(yaleSubset({ azimuth: 10, elevation: -20 })).toBe('S2');
    expect(yaleSubset({ azimuth: 5, elevation: -10 })).toBe('S1');
    expect(yaleSubset({ azimuth: 50, elevation: 0 })).toBe('S3');
    expect(yaleSubset({ azimuth: 70, elevation: 0 })).toBe('S4');
    expect(yaleSubset({ azimuth: 110, elevation: 15 })).toBe('S5');
  });
});
