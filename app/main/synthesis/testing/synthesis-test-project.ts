import { dirname, relative } from 'node:path';
import { EventBus } from '../../core/event-bus.ts';
import { ProjectSession } from '../../project/project-session.ts';
import type { FaceSource, IdentityScorer, SourceFace } from '../sources/face-source.ts';
import type { InferenceRuntime } from '../packs/inference-runtime.ts';
import { synthesizeJobHandler } from '../variants/synthesis-job.ts';

export interface SynthesisTestProject {
  readonly session: ProjectSession;
  readonly events: EventBus;
}

/** A face with the file it came from. */
export interface PhotoFace extends SourceFace {
  readonly path: string;
}

/**
 * A real project whose images, identities and primary faces are the given photos (ids kept), with
 * the synthesize job wired to `faces` for alignment: the whole job path without running analysis.
 */
export function openSynthesisTestProject(
  path: string,
  photos: readonly PhotoFace[],
  faces: FaceSource,
  runtime: InferenceRuntime,
  scorer: IdentityScorer | null = null,
): SynthesisTestProject {
  const events = new EventBus();
  const session = ProjectSession.open(path, 'create', {
    jobHandlers: (s) => [synthesizeJobHandler({ session: s, events, runtime, faces, scorer })],
    onJobUpdate: () => undefined,
  });
  const now = new Date().toISOString();
  const root = dirname(dirname(dirname(photos[0].path)));
  session.db.transaction(() => {
    session.db.prepare("INSERT INTO datasets (id, root, layout, created_at) VALUES (1, ?, 'imagefolder', ?)").run(root, now);
    for (const identityId of new Set(photos.map((c) => c.identityId))) {
      session.db.prepare('INSERT INTO identities (id, name, created_at) VALUES (?, ?, ?)').run(identityId, `person-${identityId}`, now);
    }
    for (const photo of photos) {
      session.db
        .prepare("INSERT INTO images (id, dataset_id, identity_id, rel_path, status, imported_at) VALUES (?, 1, ?, ?, 'ok', ?)")
        .run(photo.imageId, photo.identityId, relative(root, photo.path), now);
      session.db
        .prepare("INSERT INTO faces (id, image_id, face_index, box, score, is_primary) VALUES (?, ?, 0, '[]', 1, 1)")
        .run(photo.faceId, photo.imageId);
    }
  })();
  return { session, events };
}
