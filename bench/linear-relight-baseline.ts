/**
 * Today's linear relight, as the fidelity eval's baseline: the default generator fitted on the
 * Yale chips (what a project of these photos would fit), its lighting directions applied to each
 * frontal photo with the strengths that best explain, on average over the ten people, how the
 * latent moves from the frontal photo to each lamp (least squares on the direction vectors). That
 * is the most favourable strength a user could pick for each lamp, calibrated on the test people.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultFitOptions, fitAppearanceModel } from '../app/main/synthesis/default-generator/appearance-model-fit.ts';
import { exportDefaultPack } from '../app/main/synthesis/default-generator/default-pack-export.ts';
import type { Recipe } from '../app/main/synthesis/edits/edit-recipe.ts';
import { FaceChipSource } from '../app/main/synthesis/sources/face-chip-source.ts';
import type { GeneratorPack, Latent } from '../app/main/synthesis/packs/generator-pack.ts';
import type { PlanarImage } from '../app/main/synthesis/packs/image-tensor.ts';
import type { InferenceRuntime } from '../app/main/synthesis/packs/inference-runtime.ts';
import { applyOps } from '../app/main/synthesis/edits/latent-edit.ts';
import { loadGeneratorPack } from '../app/main/synthesis/packs/pack-loader.ts';
import { sharedFaceChips } from '../app/main/synthesis/testing/shared-face-chips.ts';
import { VariantRenderer } from '../app/main/synthesis/variants/variant-renderer.ts';

const NAME = /yaleB(\d+)_P00A([+-]\d{3})E([+-]\d{2})\.png$/;

export interface LinearRelighter {
  /** Side of the generator's output crop. */
  readonly size: number;
  /** The person's frontal photo relit to (azimuth, elevation), and the real photo, both in the generator's framing. */
  relight(person: string, azimuth: number, elevation: number): Promise<{ relit: PlanarImage; real: PlanarImage; source: PlanarImage }>;
  close(): Promise<void>;
}

export async function linearRelighter(runtime: InferenceRuntime): Promise<LinearRelighter> {
  const chips = sharedFaceChips(['yale']);
  const faces = new FaceChipSource(chips);
  const dir = mkdtempSync(join(tmpdir(), 'likeness-linear-relight-'));
  const model = await fitAppearanceModel(faces, faces.faces(), defaultFitOptions);
  await exportDefaultPack(dir, model);
  const pack: GeneratorPack = await loadGeneratorPack(dir, runtime);
  const key = (person: string, a: number, e: number) => `${person}/${a}/${e}`;
  const byKey = new Map<string, number>();
  for (const chip of chips) {
    const m = NAME.exec(chip.path);
    if (m) byKey.set(key(`yaleB${m[1]}`, Number(m[2]), Number(m[3])), chip.faceId);
  }
  const crops = await Promise.all(chips.map((c) => faces.alignedCrop(c.faceId, pack.inputSize)));
  const latents = new Map<number, Latent>();
  (await pack.encode(crops)).forEach((latent, i) => latents.set(chips[i].faceId, latent));
  const names = [...pack.directions.keys()];
  const zero: Latent = { layers: pack.latentLayers, width: pack.latentWidth, data: new Float32Array(pack.latentLayers * pack.latentWidth) };
  const basis = names.map((name) => applyOps(pack, zero, [{ type: 'direction', name, strength: 1 }], () => zero).data);
  const people = [...new Set([...byKey.keys()].map((k) => k.split('/')[0]))];
  const strengths = new Map<string, number[]>();
  const strengthsFor = (azimuth: number, elevation: number): number[] => {
    const cached = strengths.get(`${azimuth}/${elevation}`);
    if (cached) return cached;
    const n = basis[0].length;
    const mean = new Float64Array(n);
    let count = 0;
    for (const person of people) {
      const lit = byKey.get(key(person, azimuth, elevation));
      const frontal = byKey.get(key(person, 0, 0));
      if (lit === undefined || frontal === undefined) continue;
      const a = latents.get(lit)!.data;
      const b = latents.get(frontal)!.data;
      for (let i = 0; i < n; i += 1) mean[i] += a[i] - b[i];
      count += 1;
    }
    for (let i = 0; i < n; i += 1) mean[i] /= Math.max(1, count);
    const k = basis.length;
    const ata = Array.from({ length: k }, (_, r) => basis.map((col) => col.reduce((s, v, i) => s + v * basis[r][i], 0)));
    const atb = basis.map((col) => col.reduce((s, v, i) => s + v * mean[i], 0));
    const solved = solve(ata, atb).map((s) => Math.max(-10, Math.min(10, s)));
    strengths.set(`${azimuth}/${elevation}`, solved);
    return solved;
  };
  const renderer = new VariantRenderer(pack, faces, null);
  // Residual packs compose onto the full-resolution crop: compare there, not at the pack's size.
  return {
    size: renderer.outputSize,
    async relight(person, azimuth, elevation) {
      const frontal = byKey.get(key(person, 0, 0));
      const lit = byKey.get(key(person, azimuth, elevation));
      if (frontal === undefined || lit === undefined) throw new Error(`no Yale chip for ${person} at A${azimuth} E${elevation}`);
      const s = strengthsFor(azimuth, elevation);
      const recipe: Recipe = {
        version: 1,
        pack: { hash: pack.hash, name: pack.manifest.name, version: pack.manifest.version },
        sourceFaceId: frontal,
        seed: 0,
        refineIterations: 0,
        editKind: 'relight',
        ops: names.map((name, i) => ({ type: 'direction' as const, name, strength: s[i] })),
      };
      const [variant] = await renderer.render([recipe]);
      return { relit: variant.image, real: await faces.alignedCrop(lit, variant.image.size), source: variant.source };
    },
    async close() {
      await pack.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Small dense solve (Gaussian elimination with partial pivoting, a tiny ridge for safety). */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row.map((v, j) => v + (i === j ? 1e-9 : 0)), b[i]]);
  for (let c = 0; c < n; c += 1) {
    let pivot = c;
    for (let r = c + 1; r < n; r += 1) if (Math.abs(m[r][c]) > Math.abs(m[pivot][c])) pivot = r;
    [m[c], m[pivot]] = [m[pivot], m[c]];
    for (let r = 0; r < n; r += 1) {
      if (r === c || m[c][c] === 0) continue;
      const f = m[r][c] / m[c][c];
      for (let k = c; k <= n; k += 1) m[r][k] -= f * m[c][k];
    }
  }
  return m.map((row, i) => (row[i] === 0 ? 0 : row[n] / row[i]));
}
