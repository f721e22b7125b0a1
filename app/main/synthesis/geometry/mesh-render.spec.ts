import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedFacesDir, sharedFacesOrSkip } from '../../../../test/fixtures/shared-faces.ts';
import { InferenceClient } from '../../inference/inference-client.ts';
import { VisionRuntime } from '../../vision/vision-runtime.ts';
import { AnalysedPhotoSource } from '../testing/analysed-photo-source.ts';
import { sharedFaceChips } from '../testing/shared-face-chips.ts';
import { GridSampler } from './grid-sampler.ts';
import { meshGroups } from './face-mesh-groups.ts';
import { meshPose, rotateMesh } from './head-rotation.ts';
import { POSE_CROP_SIZE, renderPose, smoothOcclusionEdges, type MeshFace } from './mesh-render.ts';
import { planMeshWarp } from './mesh-warp.ts';

/**
 * An in-the-wild face lit from his left (mesh yaw ≈ −6°): turned +30°, the mirrored fill copied his
 * lit cheek onto the shaded one as a patch 24/255 paler than the cheek around it.
 */
const LFW_SIDE_LIT = resolve(sharedFacesDir, '../lfw/dev/Arnold_Schwarzenegger/Arnold_Schwarzenegger_0007.jpg');

/** The same man tipped 18° further down (mesh pitch −5° → +13.5°, yaw within 3° of the other). */
const LFW_TIPPED = resolve(sharedFacesDir, '../lfw/dev/Arnold_Schwarzenegger/Arnold_Schwarzenegger_0005.jpg');

/**
 * Mean distance of `points` of `mesh` from the same points of `real` after the similarity fit of the
 * whole mesh onto it, over the real mesh's outer-eye-corner distance (eval:pose's landmark error).
 */
function landmarkError(mesh: Float32Array, real: Float32Array, points: readonly number[]): number {
  const n = mesh.length / 3;
  let [mx, my, rx, ry] = [0, 0, 0, 0];
  for (let p = 0; p < n; p += 1)
    [mx, my, rx, ry] = [mx + mesh[p * 3] / n, my + mesh[p * 3 + 1] / n, rx + real[p * 3] / n, ry + real[p * 3 + 1] / n];
  // The fit as a complex factor a + ib on the centred points: scale and rotation by least squares.
  let [a, b, norm] = [0, 0, 0];
  for (let p = 0; p < n; p += 1) {
    const [x, y, u, v] = [mesh[p * 3] - mx, mesh[p * 3 + 1] - my, real[p * 3] - rx, real[p * 3 + 1] - ry];
    [a, b, norm] = [a + u * x + v * y, b + v * x - u * y, norm + x * x + y * y];
  }
  [a, b] = [a / norm, b / norm];
  let sum = 0;
  for (const p of points) {
    const [x, y] = [mesh[p * 3] - mx, mesh[p * 3 + 1] - my];
    sum += Math.hypot(a * x - b * y - (real[p * 3] - rx), b * x + a * y - (real[p * 3 + 1] - ry));
  }
  return sum / points.length / Math.hypot(real[33 * 3] - real[263 * 3], real[33 * 3 + 1] - real[263 * 3 + 1]);
}

/** The planar image bilinearly sampled through a backward map (pixel centres at +0.5, clamped at the border), as GridSample samples it. */
function sampleThrough(image: Float32Array, size: number, map: Float32Array, outSize: number): Float32Array {
  const [plane, outPlane] = [size * size, outSize * outSize];
  const out = new Float32Array(outPlane * 3);
  const clamp = (v: number) => Math.min(size - 1, Math.max(0, v));
  for (let j = 0; j < outPlane; j += 1) {
    const [fx, fy] = [map[j] - 0.5, map[outPlane + j] - 0.5];
    const [x0, y0] = [Math.floor(fx), Math.floor(fy)];
    const [tx, ty] = [fx - x0, fy - y0];
    for (let c = 0; c < 3; c += 1) {
      const at = (x: number, y: number) => image[c * plane + clamp(y) * size + clamp(x)];
      out[c * outPlane + j] =
        (1 - ty) * ((1 - tx) * at(x0, y0) + tx * at(x0 + 1, y0)) + ty * ((1 - tx) * at(x0, y0 + 1) + tx * at(x0 + 1, y0 + 1));
    }
  }
  return out;
}

const client = new InferenceClient();
afterAll(() => client.close());

describe.skipIf(!sharedFacesOrSkip())('a turned face where the source saw it at a grazing angle', () => {
  const faces: { name: string; face: MeshFace }[] = [];
  const sampler = new GridSampler(client);
  const size = POSE_CROP_SIZE;
  const plane = size * size;

  beforeAll(async () => {
    if (!existsSync(LFW_SIDE_LIT) && process.env.CI) throw new Error(`${LFW_SIDE_LIT} is missing (../shared/lfw beside the checkout)`);
    const paths = [
      ...(existsSync(LFW_SIDE_LIT) ? [LFW_SIDE_LIT] : []),
      ...sharedFaceChips(['johns'], 1)
        .slice(0, 2)
        .map((c) => c.path),
    ];
    const source = await AnalysedPhotoSource.analyse(
      paths.map((path) => ({ path, identityId: null })),
      new VisionRuntime(client),
    );
    for (const { faceId } of source.faces())
      faces.push({
        name: paths[faceId - 1],
        face: {
          image: await source.alignedCrop(faceId, size),
          mesh: (await source.templateMesh(faceId, size))!,
          validity: await source.validityMask(faceId, size),
        },
      });
    expect(faces.length).toBe(paths.length);
  }, 120_000);

  it('is as bright as the cheek it fills: no pale or dark patch where the other half is lit differently', async () => {
    let filled = 0;
    for (const { name, face } of faces)
      for (const yaw of [-30, 30]) {
        const rotation = { yaw, pitch: 0, roll: 0 };
        // The plan renderPose makes (its depth scale is FaceMesh's own), and the face's own pixels under it.
        const warp = planMeshWarp(face.mesh, rotateMesh(face.mesh, rotation), size, { headTurn: true });
        const [own] = await sampler.sample(face.image.data.slice(), 3, size, [{ map: warp.direct }]);
        const turned = await renderPose(face, rotation, sampler);
        let [pixels, ownSum, turnedSum] = [0, 0, 0];
        for (let j = 0; j < plane; j += 1) {
          if (warp.mirrorWeight[j] < 0.15) continue;
          pixels += 1;
          for (let c = 0; c < 3; c += 1) {
            ownSum += own[c * plane + j] / 3;
            turnedSum += turned.image.data[c * plane + j] / 3;
          }
        }
        if (pixels < 200) continue;
        filled += 1;
        const difference = ((turnedSum - ownSum) / pixels) * 255;
        expect(Math.abs(difference), `${name} at yaw ${yaw}: the fill over ${pixels} px is ${difference.toFixed(1)}/255 off`).toBeLessThan(
          4,
        );
      }
    expect(filled).toBeGreaterThan(0);
  });

  it('shows the stretched near cheek without streaks: as much detail along the stretch as across it', async () => {
    const ratios: string[] = [];
    let worst = 0;
    for (const { name, face } of faces)
      for (const yaw of [-30, 30]) {
        const rotation = { yaw, pitch: 0, roll: 0 };
        const warp = planMeshWarp(face.mesh, rotateMesh(face.mesh, rotation), size, { headTurn: true });
        const turned = await renderPose(face, rotation, sampler);
        const map = warp.direct;
        const grey = (j: number) => (turned.image.data[j] + turned.image.data[plane + j] + turned.image.data[2 * plane + j]) / 3;
        // Face pixels (all four neighbours too) where the turn widened the source at least twofold
        // more than it lengthened it: bilinear resampling left each source row there as a
        // horizontal streak, whose brightness changes from row to row, not along it.
        let [pixels, across, along] = [0, 0, 0];
        for (let y = 1; y < size - 1; y += 1)
          for (let x = 1; x < size - 1; x += 1) {
            const j = y * size + x;
            if (![j, j - 1, j + 1, j - size, j + size].every((i) => warp.covered[i])) continue;
            const stepX = Math.hypot(map[j + 1] - map[j], map[plane + j + 1] - map[plane + j]);
            const stepY = Math.hypot(map[j + size] - map[j], map[plane + j + size] - map[plane + j]);
            if (stepY < 2 * stepX) continue;
            pixels += 1;
            across += Math.abs(grey(j + size) - grey(j));
            along += Math.abs(grey(j + 1) - grey(j));
          }
        expect(pixels, `${name} at yaw ${yaw}: stretched pixels`).toBeGreaterThan(500);
        ratios.push(`${name} at yaw ${yaw}: ${(across / along).toFixed(2)} over ${pixels} px`);
        worst = Math.max(worst, across / along);
      }
    // Resampled as it was, John Salley's near cheek at +30° came to 2.46 (streaks plain to see), the rest 0.86–1.41; now at most 1.29.
    expect(worst, `change across the stretch over change along it:\n${ratios.join('\n')}`).toBeLessThan(1.5);
  });
  it('draws the nose over the far cheek and the far outline as a camera would: edge pixels mixed by how much each surface covers', async () => {
    const lines: string[] = [];
    let [centreSum, smoothSum, pixels] = [0, 0, 0];
    for (const { name, face } of faces)
      for (const yaw of [-30, 30]) {
        const target = rotateMesh(face.mesh, { yaw, pitch: 0, roll: 0 });
        const warp = planMeshWarp(face.mesh, target, size, { headTurn: true });
        const centred = sampleThrough(face.image.data, size, warp.direct, size);
        const smoothed = centred.slice();
        smoothOcclusionEdges(smoothed, new Float32Array(plane).fill(1), warp);
        // What a camera records: the same turn planned at four times the resolution, each pixel the mean of its 4 × 4.
        const fine = 4 * size;
        const scaled = (mesh: Float32Array) => mesh.map((v) => v * 4);
        const fineWarp = planMeshWarp(scaled(face.mesh), scaled(target), fine, { headTurn: true });
        const fineImage = sampleThrough(
          face.image.data,
          size,
          fineWarp.direct.map((v) => v / 4),
          fine,
        );
        // Occlusion edges: neighbouring pixels that show places of the source more than 3 px apart.
        let [centreError, smoothError, count] = [0, 0, 0];
        for (let y = 1; y < size - 1; y += 1)
          for (let x = 1; x < size - 1; x += 1) {
            const j = y * size + x;
            const jumps = [1, size].some(
              (d) => Math.hypot(warp.direct[j + d] - warp.direct[j], warp.direct[plane + j + d] - warp.direct[plane + j]) > 3,
            );
            if (!jumps) continue;
            for (let c = 0; c < 3; c += 1) {
              let truth = 0;
              for (let v = 0; v < 4; v += 1)
                for (let u = 0; u < 4; u += 1) truth += fineImage[c * fine * fine + (4 * y + v) * fine + 4 * x + u] / 16;
              centreError += Math.abs(centred[c * plane + j] - truth) / 3;
              smoothError += Math.abs(smoothed[c * plane + j] - truth) / 3;
            }
            count += 1;
          }
        lines.push(
          `${name} at yaw ${yaw}: ${count} edge px, ${((centreError / count) * 255).toFixed(1)} → ${((smoothError / count) * 255).toFixed(1)}/255`,
        );
        [centreSum, smoothSum, pixels] = [centreSum + centreError, smoothSum + smoothError, pixels + count];
      }
    const [centre, smooth] = [(centreSum / pixels) * 255, (smoothSum / pixels) * 255];
    // Each pixel decided by its centre alone (the z-buffer as it was) came to 3.7/255 from the camera's mix along these edges (Arnold and two johns at ±30°), mixed by coverage 2.7.
    expect(smooth, `mean error at occlusion edges, by its centre → mixed:\n${lines.join('\n')}`).toBeLessThan(0.8 * centre);
  }, 60_000);
});

describe.skipIf(!sharedFacesOrSkip())('a tipped head', () => {
  it("moves its outline as a real photo shows: tipped to the pitch of the same man's other photo, the landmarks land nearer that photo's than a rigid turn of the mesh", async () => {
    if (!existsSync(LFW_SIDE_LIT) || !existsSync(LFW_TIPPED)) {
      if (process.env.CI) throw new Error(`${LFW_TIPPED} or ${LFW_SIDE_LIT} is missing (../shared/lfw beside the checkout)`);
      return;
    }
    const size = POSE_CROP_SIZE;
    const source = await AnalysedPhotoSource.analyse(
      [LFW_SIDE_LIT, LFW_TIPPED].map((path) => ({ path, identityId: null })),
      new VisionRuntime(client),
    );
    expect(source.faces().map((f) => f.faceId)).toEqual([1, 2]);
    const [mesh, real] = [(await source.templateMesh(1, size))!, (await source.templateMesh(2, size))!];
    const [from, to] = [meshPose(mesh), meshPose(real)];
    const rotation = { yaw: to.yaw - from.yaw, pitch: to.pitch - from.pitch, roll: 0 };
    expect(rotation.pitch).toBeGreaterThan(15);
    const face = { image: await source.alignedCrop(1, size), mesh, validity: await source.validityMask(1, size) };
    const turned = await renderPose(face, rotation, new GridSampler(client));
    const rigid = rotateMesh(mesh, rotation);
    const all = Array.from({ length: mesh.length / 3 }, (_, p) => p);
    // Tipped rigidly, the outline (FaceMesh's silhouette, far behind the face) moved with its whole
    // depth: 0.062 eye distances from the real photo's, against 0.045 for the turn (0.067 unturned);
    // over the whole mesh 0.024 against 0.019 (0.034).
    expect(landmarkError(turned.mesh, real, meshGroups.faceOval)).toBeLessThan(0.85 * landmarkError(rigid, real, meshGroups.faceOval));
    expect(landmarkError(turned.mesh, real, all)).toBeLessThan(landmarkError(rigid, real, all));
  }, 60_000);
});
