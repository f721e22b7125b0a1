import { resolve } from 'node:path';
import { ApiError } from '#api/errors.ts';
import type { PackEdit, PackSummary, SynthesisJobSummary, synthesisCommands } from '#api/synthesis.ts';
import type { Handlers } from '../core/api-router.ts';
import type { EventBus } from '../core/event-bus.ts';
import { sharedInferenceClient } from '../inference/shared-inference-client.ts';
import type { ProjectDatabase } from '../project/project-database.ts';
import type { ProjectSession } from '../project/project-session.ts';
import type { Workspace } from '../project/workspace.ts';
import { defaultVisionRuntime } from '../vision/vision-runtime.ts';
import { DEFAULT_PACK_DESCRIPTION, defaultPackDirections, defaultPackParts } from './default-generator/default-pack-layout.ts';
import { DEFAULT_PACK_NAME, DEFAULT_PACK_VERSION } from './default-generator/default-pack-export.ts';
import { defaultFitOptions } from './default-generator/appearance-model-fit.ts';
import { loadGeneratorPack } from './packs/pack-loader.ts';
import { PackManifest } from './packs/pack-manifest.ts';
import { encodeVariantPng } from './variants/png-encoding.ts';
import { prepareRelight, renderRelight } from './relight/relight-face.ts';
import { GridSampler } from './geometry/grid-sampler.ts';
import { meshPose } from './geometry/head-rotation.ts';
import { encodePreviewPng, renderPose } from './geometry/mesh-render.ts';
import { ProjectFaceSource } from './sources/project-face-source.ts';
import { projectCentroids, visionIdentityScorer } from './sources/project-identity-scorer.ts';
import { importCheckpointBesideProject } from './stylegan/project-checkpoint-import.ts';
import { selectSources, type SynthesisJobDeps } from './variants/synthesis-job.ts';
import { skipReasons, turnRefusal } from './edits/edit-gate.ts';
import { registerPack, skipCounts } from './variants/variant-store.ts';

/** What the synthesize job needs in an open project: its faces, the shared inference worker, the vision embedder. */
export function projectSynthesisDeps(session: ProjectSession, events: EventBus): SynthesisJobDeps {
  const vision = defaultVisionRuntime();
  return {
    session,
    events,
    runtime: sharedInferenceClient(),
    faces: new ProjectFaceSource(session, vision),
    scorer: visionIdentityScorer(vision, projectCentroids(session.db)),
  };
}

/** The face a one-source preview shows (the identity's first, or the project's) with its mesh at `size`. */
async function previewSource(workspace: Workspace, identityId: number | null, size: number) {
  const faces = new ProjectFaceSource(workspace.require(), defaultVisionRuntime());
  const face = faces.faces().find((f) => identityId === null || f.identityId === identityId);
  if (!face)
    throw new ApiError(
      'NOT_FOUND',
      identityId === null ? 'no analysed face to preview: run face analysis first' : `identity ${identityId} has no analysed face`,
    );
  const mesh = await faces.templateMesh(face.faceId, size);
  if (!mesh) throw new ApiError('NOT_FOUND', `face ${face.faceId} has no face mesh: run face analysis again`);
  return { faces, face, mesh };
}

export function synthesisHandlers(workspace: Workspace): Pick<Handlers, keyof typeof synthesisCommands> {
  return {
    'synthesis.packs': () => listPacks(workspace.require().db),
    'synthesis.addPack': ({ path }) => addPackFolder(workspace.require(), path),
    'synthesis.importCheckpoint': async ({ checkpoint, truncation }) => {
      const session = workspace.require();
      return addPackFolder(session, await importCheckpointBesideProject(session.path, checkpoint, truncation));
    },
    'synthesis.previewRelight': async ({ identityId, light, size }) => {
      const { faces, face, mesh } = await previewSource(workspace, identityId, size);
      const prepared = prepareRelight({ image: await faces.alignedCrop(face.faceId, size), landmarks: mesh });
      const png = await encodeVariantPng(renderRelight(prepared, light).image);
      const { azimuth, elevation, ambient } = prepared.estimated;
      return {
        imageId: face.imageId,
        image: `data:image/png;base64,${Buffer.from(png).toString('base64')}`,
        estimated: { azimuth, elevation, ambient },
      };
    },
    'synthesis.previewPose': async ({ identityId, pose, size }) => {
      const { faces, face, mesh } = await previewSource(workspace, identityId, size);
      const image = await faces.alignedCrop(face.faceId, size);
      const { yaw, pitch } = meshPose(mesh);
      const refused = turnRefusal(mesh, [pose], size)?.detail ?? null;
      const turned = refused
        ? { image, validity: await faces.validityMask(face.faceId, size) }
        : await renderPose(
            { image, mesh, validity: await faces.validityMask(face.faceId, size) },
            pose,
            new GridSampler(sharedInferenceClient()),
          );
      const png = await encodePreviewPng(turned.image, turned.validity);
      return {
        imageId: face.imageId,
        image: `data:image/png;base64,${Buffer.from(png).toString('base64')}`,
        source: { yaw: Math.round(yaw * 10) / 10, pitch: Math.round(pitch * 10) / 10 },
        refused,
      };
    },
    'synthesis.start': (request) => {
      const session = workspace.require();
      // Checked here too so the form shows an empty selection at once, not as a failed job.
      const sources = selectSources(new ProjectFaceSource(session, defaultVisionRuntime()).faces(), request.sources);
      if (sources.length === 0) throw new ApiError('INVALID_INPUT', 'no analysed faces match the chosen sources; run face analysis first');
      if (request.pack.kind === 'installed' && !session.db.prepare('SELECT 1 FROM packs WHERE id = ?').get(request.pack.packId)) {
        throw new ApiError('NOT_FOUND', `no pack ${request.pack.packId} in this project`);
      }
      return { jobId: session.jobs.enqueue('synthesize', request).id };
    },
    'synthesis.jobSummary': ({ jobId }) => jobSummary(workspace.require().db, jobId),
  };
}

async function addPackFolder(session: ProjectSession, path: string): Promise<PackSummary> {
  const pack = await loadGeneratorPack(resolve(path), sharedInferenceClient());
  try {
    const id = registerPack(session.db, pack);
    return summarise(id, 'installed', pack.manifest, pack.hash, pack.dir);
  } finally {
    await pack.close();
  }
}

export function jobSummary(db: ProjectDatabase, jobId: number): SynthesisJobSummary {
  if (!db.prepare("SELECT 1 FROM jobs WHERE id = ? AND kind = 'synthesize'").get(jobId))
    throw new ApiError('NOT_FOUND', `no synthesize job ${jobId}`);
  const made = (db.prepare('SELECT count(*) AS n FROM variants WHERE job_id = ?').get(jobId) as { n: number }).n;
  const skipped = skipCounts(db, jobId).map(({ reason, count, editKinds }) => ({
    reason,
    label: `${(skipReasons as Record<string, string>)[reason] ?? reason} (${editKinds.join(', ')})`,
    count,
  }));
  return { jobId, made, skipped };
}

interface PackRow {
  id: number;
  name: string;
  hash: string;
  path: string;
  manifest: string;
}

/** The default generator first (fitted or not yet), then installed packs, newest first. */
export function listPacks(db: ProjectDatabase): PackSummary[] {
  const rows = db.prepare('SELECT id, name, hash, path, manifest FROM packs ORDER BY id DESC').all() as PackRow[];
  // A row written by another version may not parse; it is left out rather than failing the list.
  const parsed = rows.flatMap((row) => {
    const manifest = PackManifest.safeParse(parseJson(row.manifest));
    return manifest.success ? [{ row, manifest: manifest.data }] : [];
  });
  const fitted = parsed.find((p) => p.row.name === DEFAULT_PACK_NAME);
  const defaultSummary: PackSummary = fitted
    ? summarise(fitted.row.id, 'default', fitted.manifest, fitted.row.hash, fitted.row.path)
    : {
        id: null,
        kind: 'default',
        name: DEFAULT_PACK_NAME,
        version: DEFAULT_PACK_VERSION,
        description: `${DEFAULT_PACK_DESCRIPTION} It is fitted on this project's faces when first used.`,
        hash: null,
        path: null,
        outputSize: defaultFitOptions.outputSize,
        parts: [...defaultPackParts],
        directions: [...defaultPackDirections],
      };
  const installed = parsed
    .filter((p) => p.row.name !== DEFAULT_PACK_NAME)
    .map((p) => summarise(p.row.id, 'installed', p.manifest, p.row.hash, p.row.path));
  return [defaultSummary, ...installed];
}

function summarise(id: number, kind: PackSummary['kind'], manifest: PackManifest, hash: string, path: string): PackSummary {
  const edit = (entry: { name: string; label?: string; edit: PackEdit['edit'] }): PackEdit => ({
    name: entry.name,
    label: entry.label ?? entry.name,
    edit: entry.edit,
  });
  return {
    id,
    kind,
    name: manifest.name,
    version: manifest.version,
    description: manifest.description,
    hash,
    path,
    outputSize: manifest.synthesis.output.shape[3] as number,
    parts: manifest.parts.map(edit),
    directions: manifest.directions.map(edit),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
