import type { ApiClient } from '#api/client.ts';
import type { ProjectSummary, RecentProject } from '#api/project.ts';
import { summarizeError, type ErrorSummary, type Notices } from './notices.svelte.ts';

export type ProjectAction = 'open' | 'create' | 'close';

/**
 * The open project (at most one per host) and the recent list. `onChange` fires whenever the open
 * project becomes a different one or none, whether this window asked for it or the host said so.
 */
export class ProjectState {
  current = $state.raw<ProjectSummary | null>(null);
  recent = $state.raw<RecentProject[]>([]);
  /** False until the host has said which project, if any, is open. */
  loaded = $state(false);
  busy = $state<ProjectAction | null>(null);
  /**
   * The last open/create failure, shown beside the path the user typed rather than as a toast,
   * and cleared by the next attempt.
   */
  error = $state.raw<ErrorSummary | null>(null);
  readonly #client: ApiClient;
  readonly #notices: Notices;
  readonly #onChange: (project: ProjectSummary | null) => void;

  constructor(client: ApiClient, notices: Notices, onChange: (project: ProjectSummary | null) => void) {
    this.#client = client;
    this.#notices = notices;
    this.#onChange = onChange;
  }

  async load(): Promise<void> {
    try {
      const [current] = await Promise.all([this.#client.call('project.current', {}), this.loadRecent()]);
      this.setCurrent(current);
    } catch (error) {
      this.#notices.report(error, 'Asking the host for the open project');
    } finally {
      this.loaded = true;
    }
  }

  async loadRecent(): Promise<void> {
    try {
      this.recent = await this.#client.call('project.recent', {});
    } catch (error) {
      this.#notices.report(error, 'Loading recent projects');
    }
  }

  open(path: string): Promise<boolean> {
    return this.#openOrCreate('open', path);
  }

  create(path: string): Promise<boolean> {
    return this.#openOrCreate('create', path);
  }

  async close(): Promise<void> {
    this.busy = 'close';
    try {
      await this.#client.call('project.close', {});
      this.setCurrent(null);
    } catch (error) {
      this.#notices.report(error, 'Closing project');
    } finally {
      this.busy = null;
    }
  }

  /** Also the handler for `project.changed`; repeated news of the same project only updates its summary. */
  setCurrent(project: ProjectSummary | null): void {
    const changed = project?.path !== this.current?.path;
    this.current = project;
    if (changed) this.#onChange(project);
  }

  dismissError(): void {
    this.error = null;
  }

  async #openOrCreate(action: 'open' | 'create', path: string): Promise<boolean> {
    this.busy = action;
    this.error = null;
    try {
      this.setCurrent(await this.#client.call(action === 'open' ? 'project.open' : 'project.create', { path: path.trim() }));
      return true;
    } catch (error) {
      this.error = summarizeError(error);
      return false;
    } finally {
      this.busy = null;
    }
  }
}
