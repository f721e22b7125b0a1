import type { SystemInfo } from '../../api/system.ts';
import { datasetHandlers } from '../dataset/dataset-api.ts';
import { importJobHandler } from '../dataset/import-job.ts';
import { jobHandlers } from '../jobs/jobs-api.ts';
import { projectHandlers } from '../project/project-api.ts';
import { Workspace } from '../project/workspace.ts';
import { createRouter, type Handlers, type Router } from './api-router.ts';
import { appVersion } from './app-version.ts';
import { EventBus } from './event-bus.ts';

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
    jobHandlers: (session) => [importJobHandler(session, events)],
  });
  const handlers: Handlers = {
    ...projectHandlers(workspace),
    ...datasetHandlers(workspace),
    ...jobHandlers(workspace),
    'system.info': () => ({
      version: appVersion,
      host: options.host,
      executionProvider: { active: 'cpu', available: ['cpu'], fallbackReason: null },
    }),
  };
  const router = createRouter(handlers, (error) => log(`internal error: ${(error as Error)?.stack ?? String(error)}`));
  return {
    events,
    workspace,
    router,
    shutdown: async () => {
      await workspace.close();
    },
  };
}
