/**
 * Synthesis on real photos from ../shared/faces, through the product's own path: the vision
 * pipeline aligns every photo (detect, mesh, generator template, person mask), the default
 * generator is fitted on all of them, and a real synthesize job makes 8 variants for each of two
 * faces per person, scored with the vision embedder. Reports fit time, variants/s on this machine,
 * identity cosines per edit kind, and what latent refinement gains; draws before/after contact
 * sheets into docs/synthesis/.
 * Run: npx tsx bench/synthesis-bench.ts   (writes bench/results/synthesis.json)
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp, { type OverlayOptions } from 'sharp';
import type { EditSpec, SynthesisEditKind } from '#api/synthesis.ts';
import { presets } from '../app/main/cli/synthesize-command.ts';
import { InferenceClient } from '../app/main/inference/inference-client.ts';
import { defaultFitOptions, fitAppearanceModel } from '../app/main/synthesis/default-generator/appearance-model-fit.ts';
import { exportDefaultPack } from '../app/main/synthesis/default-generator/default-pack-export.ts';
import type { IdentityScorer } from '../app/main/synthesis/sources/face-source.ts';
import { rgbFromPlanar, type PlanarImage } from '../app/main/synthesis/packs/image-tensor.ts';
import { refineLatent } from '../app/main/synthesis/default-generator/latent-refiner.ts';
import { loadGeneratorPack } from '../app/main/synthesis/packs/pack-loader.ts';
import { cropFrame, visionIdentityScorer } from '../app/main/synthesis/sources/project-identity-scorer.ts';
import { registerPack } from '../app/main/synthesis/variants/variant-store.ts';
import { Recipe } from '../app/main/synthesis/edits/edit-recipe.ts';
import { AnalysedPhotoSource } from '../app/main/synthesis/testing/analysed-photo-source.ts';
import { sharedFaceChips } from '../app/main/synthesis/testing/shared-face-chips.ts';
import { openSynthesisTestProject } from '../app/main/synthesis/testing/synthesis-test-project.ts';
import { VisionRuntime } from '../app/main/vision/vision-runtime.ts';
import { isEntryPoint, writeBenchResult } from './bench-results.ts';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const VARIANTS_PER_SOURCE = 8;
const SOURCES_PER_IDENTITY = 2;
const REFINE_SOURCES = 24;
const REFINE_ITERATIONS = 30;
const SEED = 2024;

/**
 * The edits the bench asks for, one per variant in turn: every kind the default generator offers,
 * exactly as the CLI's presets define them (the physical relight has its own bench).
 */
const EDITS: readonly (EditSpec & { title: string })[] = (['relight-linear', 'hair', 'background', 'expression'] as const).flatMap(
  (preset) =>
    presets[preset].map((edit) => ({
      ...edit,
      title: `${preset}: ${edit.type === 'direction' ? edit.name : edit.type === 'mix' ? edit.parts.join('+') : edit.type}`,
    })),
);

interface Distribution {
  readonly count: number;
  readonly median: number | null;
  readonly p10: number | null;
}

export interface SynthesisBenchResult {
  /** The headline numbers, for `npm run bench`'s one-line report. */
  readonly summary: {
    readonly fitSeconds: number;
    readonly fitFaces: number;
    readonly variantsPerSecond: number;
    readonly medianIdToSource: number | null;
    readonly refinementIdGain: number;
  };
  readonly machine: { readonly cpus: number; readonly model: string };
  readonly photos: number;
  readonly alignedFaces: number;
  readonly undetected: number;
  readonly fit: {
    readonly faces: number;
    readonly identities: number;
    /** Whole fit; `readingSeconds` of it aligning crops and person masks, `modelSeconds` the model itself. */
    readonly seconds: number;
    readonly readingSeconds: number;
    readonly modelSeconds: number;
    readonly outputSize: number;
    readonly latent: string;
  };
  readonly synthesis: {
    readonly sources: number;
    readonly variants: number;
    readonly seconds: number;
    /** Variants committed per second once the pack is loaded (render, score, PNG, DB, media). */
    readonly variantsPerSecond: number;
    readonly identityModel: string;
    readonly idToSource: Distribution;
    readonly idToCentroid: Distribution;
    readonly byEditKind: Record<string, { idToSource: Distribution; diversity: Distribution }>;
    /** The same per edit as asked (several edits share a kind). */
    readonly byEdit: Record<string, { idToSource: Distribution; diversity: Distribution }>;
    /** Variants differing from their source by under 0.5% mean absolute pixel value: near-duplicates. */
    readonly nearDuplicates: number;
  };
  readonly refinement: {
    readonly sources: number;
    readonly iterations: number;
    /** Identity cosine of the pack's own reconstruction (direct output, no residual) to the source. */
    readonly idBefore: number;
    readonly idAfter: number;
    readonly pixelMseBefore: number;
    readonly pixelMseAfter: number;
    readonly secondsPerSource: number;
  };
  readonly sheets: readonly string[];
}

export async function benchSynthesis(options: { docsDir?: string } = {}): Promise<SynthesisBenchResult> {
  const docsDir = options.docsDir ?? fileURLToPath(new URL('../docs/synthesis/', import.meta.url));
  const client = new InferenceClient();
  const vision = new VisionRuntime(client);
  const work = mkdtempSync(join(tmpdir(), 'likeness-synthesis-bench-'));
  try {
    const photos = sharedFaceChips(['yale', 'orl', 'johns']);
    const source = await AnalysedPhotoSource.analyse(photos, vision);
    const faces = source.faces();
    const photoOf = new Map(photos.map((p) => [p.faceId, p]));

    const fitStart = performance.now();
    let readEnd = fitStart;
    const model = await fitAppearanceModel(source, faces, {
      ...defaultFitOptions,
      progress: (fraction) => {
        if (fraction <= 0.4) readEnd = performance.now();
      },
    });
    const fitSeconds = (performance.now() - fitStart) / 1000;
    const readingSeconds = (readEnd - fitStart) / 1000;
    const packDir = join(work, 'default-pack');
    await exportDefaultPack(packDir, model);

    const embeddings = new Map<number, Float32Array>();
    const scorerBase = visionIdentityScorer(vision, () => new Map());
    for (let i = 0; i < faces.length; i += 64) {
      const batch = faces.slice(i, i + 64);
      const size = source.cropSize;
      const crops = await Promise.all(batch.map((f) => source.alignedCrop(f.faceId, size)));
      const frames = await Promise.all(batch.map((f) => cropFrame(source, f.faceId, size)));
      (await scorerBase.embed(crops, frames)).forEach((e, j) => embeddings.set(batch[j].faceId, e));
    }
    const centroids = identityCentroids(faces, embeddings);
    const scorer: IdentityScorer = visionIdentityScorer(vision, () => centroids);

    const project = openSynthesisTestProject(
      join(work, 'bench.likeness'),
      faces.map((f) => ({ ...f, path: photoOf.get(f.faceId)!.path })),
      source,
      client,
      scorer,
    );
    const pack = await loadGeneratorPack(packDir, client);
    registerPack(project.session.db, pack);
    await pack.close();
    const sources = firstPerIdentity(faces, SOURCES_PER_IDENTITY);
    const added: number[] = [];
    project.events.subscribe((event, payload) => {
      if (event === 'synthesis.variantsAdded') added.push(performance.now(), (payload as { added: number }).added);
    });
    const { id: jobId } = project.session.jobs.enqueue('synthesize', {
      sources: { kind: 'images', imageIds: sources.map((f) => f.imageId) },
      pack: { kind: 'default' },
      edits: EDITS.map(({ title: _title, ...edit }) => edit),
      variantsPerSource: VARIANTS_PER_SOURCE,
      seed: SEED,
    });
    const jobStart = performance.now();
    await project.session.jobs.idle();
    const status = project.session.jobs.get(jobId);
    if (status.state !== 'done') throw new Error(`synthesize job ended ${status.state}: ${status.error}`);
    const jobSeconds = (performance.now() - jobStart) / 1000;
    // Steady rate: from the first committed batch to the last, so pack loading is not counted.
    const steadyVariants = added
      .filter((_, i) => i % 2 === 1)
      .slice(1)
      .reduce((a, b) => a + b, 0);
    const steadySeconds = (added[added.length - 2] - added[0]) / 1000;

    const stored = project.session.db
      .prepare(
        'SELECT source_image_id, ordinal, edit_kind, recipe, file_key, id_to_source, id_to_centroid, diversity FROM variants WHERE job_id = ? ORDER BY source_image_id, ordinal',
      )
      .all(jobId) as StoredVariantRow[];
    // Each variant's edit read once from its recipe: the figures and the sheets both group by it.
    const rows: VariantRow[] = stored.map((row) => ({ ...row, edit: editIndexOf(row.recipe) }));
    const byEditKind: SynthesisBenchResult['synthesis']['byEditKind'] = {};
    for (const kind of new Set(rows.map((r) => r.edit_kind))) {
      const mine = rows.filter((r) => r.edit_kind === kind);
      byEditKind[kind] = {
        idToSource: distribution(mine.map((r) => r.id_to_source)),
        diversity: distribution(mine.map((r) => r.diversity)),
      };
    }

    const byEdit: SynthesisBenchResult['synthesis']['byEdit'] = {};
    for (const [e, edit] of EDITS.entries()) {
      const mine = rows.filter((r) => r.edit === e);
      byEdit[edit.title] = {
        idToSource: distribution(mine.map((r) => r.id_to_source)),
        diversity: distribution(mine.map((r) => r.diversity)),
      };
    }

    const refinement = await measureRefinement(
      packDir,
      client,
      source,
      scorer,
      sources.slice(0, REFINE_SOURCES).map((f) => f.faceId),
    );
    const sheets = await drawSheets(docsDir, rows, project.session.media.pathOf.bind(project.session.media), source);
    await project.session.close();

    const variantsPerSecond = round(steadyVariants / steadySeconds);
    const idToSource = distribution(rows.map((r) => r.id_to_source));
    return {
      summary: {
        fitSeconds: round(fitSeconds),
        fitFaces: model.fittedFaces,
        variantsPerSecond,
        medianIdToSource: idToSource.median,
        refinementIdGain: round(refinement.idAfter - refinement.idBefore),
      },
      machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown' },
      photos: photos.length,
      alignedFaces: faces.length,
      undetected: source.missed.length,
      fit: {
        faces: model.fittedFaces,
        identities: model.fittedIdentities,
        seconds: round(fitSeconds),
        readingSeconds: round(readingSeconds),
        modelSeconds: round(fitSeconds - readingSeconds),
        outputSize: model.outputSize,
        latent: `${model.layers.length}x${model.width}`,
      },
      synthesis: {
        sources: sources.length,
        variants: rows.length,
        seconds: round(jobSeconds),
        variantsPerSecond,
        identityModel: scorer.model,
        idToSource,
        idToCentroid: distribution(rows.map((r) => r.id_to_centroid)),
        byEditKind,
        byEdit,
        nearDuplicates: rows.filter((r) => r.diversity < 0.005).length,
      },
      refinement,
      sheets,
    };
  } finally {
    await client.close();
    rmSync(work, { recursive: true, force: true });
  }
}

const SHEET_NAMES = ['relight-left-right', 'relight-top-bottom', 'relight-donor', 'hair', 'background', 'expression'] as const;

interface StoredVariantRow {
  source_image_id: number;
  ordinal: number;
  edit_kind: SynthesisEditKind;
  recipe: string;
  file_key: string;
  id_to_source: number | null;
  id_to_centroid: number | null;
  diversity: number;
}

/** A stored variant with the index in EDITS of the edit that made it. */
interface VariantRow extends StoredVariantRow {
  edit: number;
}

/** Identity refinement on the pack's raw reconstructions: the default generator's least-squares inversion, then random search. */
async function measureRefinement(
  packDir: string,
  client: InferenceClient,
  source: AnalysedPhotoSource,
  scorer: IdentityScorer,
  faceIds: readonly number[],
): Promise<SynthesisBenchResult['refinement']> {
  const pack = await loadGeneratorPack(packDir, client);
  try {
    let idBefore = 0;
    let idAfter = 0;
    let mseBefore = 0;
    let mseAfter = 0;
    const start = performance.now();
    for (const faceId of faceIds) {
      const crop = await source.alignedCrop(faceId, pack.inputSize);
      const [latent] = await pack.encode([crop]);
      const frame = await cropFrame(source, faceId, pack.inputSize);
      const result = await refineLatent(pack, latent, crop, { iterations: REFINE_ITERATIONS, seed: faceId, scorer, frame });
      idBefore += result.before.identity ?? 0;
      idAfter += result.after.identity ?? 0;
      mseBefore += result.before.pixel;
      mseAfter += result.after.pixel;
    }
    const n = faceIds.length;
    return {
      sources: n,
      iterations: REFINE_ITERATIONS,
      idBefore: round(idBefore / n),
      idAfter: round(idAfter / n),
      pixelMseBefore: round(mseBefore / n, 5),
      pixelMseAfter: round(mseAfter / n, 5),
      secondsPerSource: round((performance.now() - start) / 1000 / n),
    };
  } finally {
    await pack.close();
  }
}

const TILE = 128;
const LABEL = 18;

/** One sheet per edit: rows of [source | variants], each variant labelled with its identity cosine to the source. */
async function drawSheets(
  docsDir: string,
  rows: readonly VariantRow[],
  pathOf: (key: string) => string,
  source: AnalysedPhotoSource,
): Promise<string[]> {
  mkdirSync(docsDir, { recursive: true });
  const written: string[] = [];
  for (const [e, edit] of EDITS.entries()) {
    const mine = rows.filter((r) => r.edit === e);
    const file = join(docsDir, `${SHEET_NAMES[e]}.png`);
    // A source's plan leaves out the swaps it cannot take and the job skips variants that change
    // nothing visible: an edit may have no variant at all, and a sheet left from another run would
    // show what this one did not make.
    if (mine.length === 0) {
      rmSync(file, { force: true });
      process.stderr.write(`${edit.title}: no variant made (see the job's skips), no sheet\n`);
      continue;
    }
    const bySource = new Map<number, VariantRow[]>();
    for (const row of mine) bySource.set(row.source_image_id, [...(bySource.get(row.source_image_id) ?? []), row]);
    // Spread the sheet's rows over the collections (ids run yale, orl, johns).
    const all = [...bySource.keys()];
    const picked = [0, 0.35, 0.6, 0.8, 0.97].map((f) => all[Math.min(all.length - 1, Math.floor(f * all.length))]);
    const tiles: OverlayOptions[] = [];
    const columns = 1 + Math.max(...picked.map((id) => Math.min(2, bySource.get(id)!.length)));
    for (const [r, imageId] of picked.entries()) {
      const top = 28 + r * (TILE + LABEL);
      tiles.push({ input: await png(await source.alignedCrop(imageId, TILE)), left: 0, top });
      tiles.push({ input: label('source', TILE), left: 0, top: top + TILE });
      for (const [c, variant] of bySource.get(imageId)!.slice(0, 2).entries()) {
        // Variants come out at the crop's resolution (256 px), sources are drawn at the tile's.
        const tile = await sharp(readFileSync(pathOf(variant.file_key)))
          .resize(TILE, TILE)
          .png()
          .toBuffer();
        tiles.push({ input: tile, left: (c + 1) * TILE, top });
        const score = variant.id_to_source === null ? 'n/a' : variant.id_to_source.toFixed(2);
        tiles.push({ input: label(`identity ${score}`, TILE), left: (c + 1) * TILE, top: top + TILE });
      }
    }
    tiles.push({ input: label(edit.title, columns * TILE, 13, 28), left: 0, top: 0 });
    await sharp({ create: { width: columns * TILE, height: 28 + picked.length * (TILE + LABEL), channels: 3, background: '#111' } })
      .composite(tiles)
      .png({ compressionLevel: 9, adaptiveFiltering: false, palette: false })
      .toFile(file);
    written.push(relative(repoRoot, file));
  }
  return written;
}

/**
 * Which of EDITS made a variant, read from its recipe. Not from its ordinal: a source's edits are
 * taken in turn over its own plan, which leaves out the swaps that source cannot take.
 */
function editIndexOf(recipe: string): number {
  const op = Recipe.parse(JSON.parse(recipe)).ops[0]!;
  return EDITS.findIndex((edit) =>
    op.type === 'direction'
      ? edit.type === 'direction' && edit.name === op.name
      : op.type === 'mix' && edit.type === 'mix' && edit.parts.join('+') === op.parts.join('+'),
  );
}

function png(image: PlanarImage): Promise<Buffer> {
  return sharp(rgbFromPlanar(image), { raw: { width: image.size, height: image.size, channels: 3 } })
    .png()
    .toBuffer();
}

function label(text: string, width: number, size = 12, height = LABEL): Buffer {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#111"/>` +
      `<text x="4" y="${height - 5}" font-family="DejaVu Sans, sans-serif" font-size="${size}" fill="#eee">${escaped}</text></svg>`,
  );
}

function identityCentroids(
  faces: readonly { faceId: number; identityId: number | null }[],
  embeddings: ReadonlyMap<number, Float32Array>,
): Map<number, Float32Array> {
  const sums = new Map<number, Float32Array>();
  for (const face of faces) {
    if (face.identityId === null) continue;
    const e = embeddings.get(face.faceId)!;
    const sum = sums.get(face.identityId) ?? new Float32Array(e.length);
    for (let i = 0; i < e.length; i += 1) sum[i] += e[i];
    sums.set(face.identityId, sum);
  }
  for (const sum of sums.values()) {
    const norm = Math.hypot(...sum);
    for (let i = 0; i < sum.length; i += 1) sum[i] /= norm;
  }
  return sums;
}

function firstPerIdentity<T extends { identityId: number | null }>(faces: readonly T[], n: number): T[] {
  const count = new Map<number | null, number>();
  return faces.filter((f) => {
    const c = count.get(f.identityId) ?? 0;
    count.set(f.identityId, c + 1);
    return c < n;
  });
}

function distribution(values: readonly (number | null)[]): Distribution {
  const sorted = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
  const at = (q: number) => (sorted.length === 0 ? null : round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]));
  return { count: sorted.length, median: at(0.5), p10: at(0.1) };
}

function round(value: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

if (isEntryPoint(import.meta.url)) {
  const out = writeBenchResult('synthesis', await benchSynthesis());
  process.stdout.write(readFileSync(out, 'utf8'));
}
