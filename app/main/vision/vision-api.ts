import type { visionCommands } from '#api/vision.ts';
import type { EventBus } from '../core/event-bus.ts';
import type { Handlers } from '../core/api-router.ts';
import type { Workspace } from '../project/workspace.ts';
import { analysisCounts, clearAnalyses } from './analysis-store.ts';
import { DEFAULT_EMBEDDING_MODEL } from './embedding-models.ts';
import { identityCalibration } from './identity-calibration.ts';
import { setPrimaryFace } from './primary-face.ts';
import { identityFaces, imageBadges, imageDetail, visionSummary } from './vision-queries.ts';

export function visionHandlers(workspace: Workspace, events: EventBus): Pick<Handlers, keyof typeof visionCommands> {
  return {
    'vision.analyze': ({ imageIds }) => {
      const session = workspace.require();
      if (imageIds.length > 0) clearAnalyses(session.db, imageIds);
      return { jobId: session.jobs.enqueue('analyze', {}).id };
    },
    'vision.summary': () => visionSummary(workspace.require().db),
    'vision.imageDetail': ({ imageId }) => {
      const session = workspace.require();
      return imageDetail(session.db, session.media, imageId);
    },
    'vision.imageBadges': ({ imageIds }) => imageBadges(workspace.require().db, imageIds),
    'vision.identityFaces': ({ identityId, order }) => {
      const session = workspace.require();
      return identityFaces(session.db, session.media, identityId, order);
    },
    'vision.setPrimaryFace': ({ imageId, faceId }) => {
      const session = workspace.require();
      setPrimaryFace(session.db, imageId, faceId);
      const { analyzed, pending } = analysisCounts(session.db);
      events.emit('vision.changed', { analyzed, pending });
      return imageDetail(session.db, session.media, imageId);
    },
    'vision.identityCalibration': ({ model }) => identityCalibration(model ?? DEFAULT_EMBEDDING_MODEL),
  };
}
