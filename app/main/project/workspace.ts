import { ApiError } from '#api/errors.ts';
import type { ProjectSummary } from '#api/project.ts';
import type { EventBus } from '../core/event-bus.ts';
import type { JobHandler } from '../jobs/job-handler.ts';
import type { MediaProducer } from '../media/media-store.ts';
import { sameProjectPath } from './project-location.ts';
import { ProjectSession } from './project-session.ts';
import { RecentProjects } from './recent-projects.ts';

export interface WorkspaceOptions {
  readonly settingsDir: string;
  readonly events: EventBus;
  readonly jobHandlers: (session: ProjectSession) => readonly JobHandler<unknown>[];
  readonly mediaProducer?: (session: ProjectSession) => MediaProducer;
}

/** The project a host process has open (at most one), and the user's recent list. */
export class Workspace {
  readonly recent: RecentProjects;
  readonly #events: EventBus;
  readonly #jobHandlers: WorkspaceOptions['jobHandlers'];
  readonly #mediaProducer: WorkspaceOptions['mediaProducer'];
  #session: ProjectSession | null = null;

  constructor(options: WorkspaceOptions) {
    this.recent = new RecentProjects(options.settingsDir);
    this.#events = options.events;
    this.#jobHandlers = options.jobHandlers;
    this.#mediaProducer = options.mediaProducer;
  }

  get session(): ProjectSession | null {
    return this.#session;
  }

  require(): ProjectSession {
    if (!this.#session) throw new ApiError('NO_PROJECT', 'open or create a project first');
    return this.#session;
  }

  async open(path: string, mode: 'create' | 'open'): Promise<ProjectSummary> {
    if (this.#session && this.#session.path === sameProjectPath(path) && mode === 'open') return this.#session.summary();
    // Opened before the current project closes: a project that cannot be opened leaves the one every client has open alone.
    const next = ProjectSession.open(path, mode, {
      jobHandlers: this.#jobHandlers,
      ...(this.#mediaProducer ? { mediaProducer: this.#mediaProducer } : {}),
      onJobUpdate: (status) => this.#events.emit('job.updated', status),
    });
    const previous = this.#session;
    this.#session = next;
    await previous?.close();
    this.recent.touch(next.path);
    const summary = next.summary();
    this.#events.emit('project.changed', { project: summary });
    return summary;
  }

  async close(): Promise<boolean> {
    if (!this.#session) return false;
    const session = this.#session;
    this.#session = null;
    await session.close();
    this.#events.emit('project.changed', { project: null });
    return true;
  }
}
