import type { SystemInfo } from '#api/system.ts';
import { curationHandlers } from '../curation/curation-api.ts';
import { datasetHandlers } from '../dataset/dataset-api.ts';
import { importJobHandler } from '../dataset/import-job.ts';
import { exportHandlers } from '../export/export-api.ts';
import { exportJobHandler } from '../export/export-job.ts';
import { jobHandlers } from '../jobs/jobs-api.ts';
import { projectHandlers } from '../project/project-api.ts';
import { projectSynthesisDeps, synthesisHandlers } from '../synthesis/synthesis-api.ts';
import { synthesizeJobHandler } from '../synthesis/variants/synthesis-job.ts';
import { Workspace } from '../project/workspace.ts';
import { closeSharedInferenceClient, sharedInferenceClient } from '../inference/shared-inference-client.ts';
import { analyzeJobHandler } from '../vision/analyze-job.ts';
import { faceMediaProducer } from '../vision/face-media.ts';
import { visionHandlers } from '../vision/vision-api.ts';
import { createRouter, type Handlers, type Router } from '../core/api-router.ts';
import { appVersion } from '../core/app-version.ts';
import { EventBus } from '../core/event-bus.ts';

export interface AppServicesOptions {
  readonly host: SystemInfo['host'];
  readonly settingsDir: string;
  readonly log?: (message: string) => void;
}

/** Everything a host needs, wired once: the same services behind the desktop, web and CLI hosts. */
export interface AppServices {
  readonly events: EventBus;
  readonly workspace: Workspace;
  readonly router: Router;
  shutdown(): Promise<void>;
}

export function createAppServices(options: AppServicesOptions): AppServices {
  const log = options.log ?? ((message: string) => process.stderr.write(`${message}\n`));
  const events = new EventBus();
  const workspace = new Workspace({
    settingsDir: options.settingsDir,
    events,
    jobHandlers: (session) => [
      importJobHandler(session, events),
      analyzeJobHandler(session, events),
      exportJobHandler(session),
      synthesizeJobHandler(projectSynthesisDeps(session, events)),
    ],
    mediaProducer: faceMediaProducer,
  });
  const handlers: Handlers = {
    ...projectHandlers(workspace),
    ...datasetHandlers(workspace),
    ...jobHandlers(workspace),
    ...curationHandlers(workspace, events, { settingsDir: options.settingsDir }),
    ...exportHandlers(workspace),
    ...synthesisHandlers(workspace),
    ...visionHandlers(workspace, events),
    'system.info': async () => {
      const provider = await sharedInferenceClient().providerReport();
      return { version: appVersion, host: options.host, executionProvider: { ...provider, available: [...provider.available] } };
    },
  };
  const router = createRouter(handlers, (error) => log(`internal error: ${(error as Error)?.stack ?? String(error)}`));
  return {
    events,
    workspace,
    router,
    shutdown: async () => {
      await workspace.close();
      await closeSharedInferenceClient();
    },
  };
}
