import type { ProjectSummary } from '#api/project.ts';
import type { Backend, ConnectionState } from '../backend/backend.ts';
import { throttle } from '../throttle.ts';
import { DatasetState } from './dataset-state.svelte.ts';
import { JobsState } from './jobs-state.svelte.ts';
import { Notices } from './notices.svelte.ts';
import { ProblemsState } from './problems-state.svelte.ts';
import { ProjectState } from './project-state.svelte.ts';
import { SystemState } from './system-state.svelte.ts';
import { VisionBadges } from './vision-badges.svelte.ts';
import { VisionState } from './vision-state.svelte.ts';

/** During an import or analysis the host reports every batch; reloading more often than this only costs. */
const REFRESH_INTERVAL_MS = 500;

/**
 * The root of the renderer's state. It owns the per-concern states and is the one place that
 * turns host events and project switches into reloads, so the states stay unaware of each other.
 */
export class AppState {
  readonly backend: Backend;
  readonly notices = new Notices();
  readonly project: ProjectState;
  readonly dataset: DatasetState;
  readonly jobs: JobsState;
  readonly problems: ProblemsState;
  readonly system: SystemState;
  readonly vision: VisionState;
  readonly badges: VisionBadges;
  connection = $state.raw<ConnectionState>({ status: 'connecting', epoch: 0 });
  /** Actions that write (export, decisions, imports) need the host; their buttons follow this. */
  readonly online = $derived(this.connection.status === 'open');
  readonly #refreshDataset = throttle(() => {
    this.dataset.refresh();
    this.problems.refresh();
    // New images are new work for the analysis: its pending count changes.
    void this.vision.loadSummary();
  }, REFRESH_INTERVAL_MS);
  readonly #refreshVision = throttle(() => {
    this.vision.refresh();
    this.badges.invalidate();
  }, REFRESH_INTERVAL_MS);

  constructor(backend: Backend) {
    this.backend = backend;
    const { client } = backend;
    this.project = new ProjectState(client, this.notices, (project) => this.#projectChanged(project));
    this.dataset = new DatasetState(client, this.notices, (identityId) => this.vision.setIdentity(identityId));
    this.jobs = new JobsState(client, this.notices);
    this.problems = new ProblemsState(client, this.notices);
    this.system = new SystemState(client, this.notices);
    this.vision = new VisionState(client, this.notices);
    this.badges = new VisionBadges(client, this.notices);
  }

  /** Subscribes to the host and loads the first state; returns the matching teardown. */
  start(): () => void {
    const { client } = this.backend;
    const stops = [
      client.on('project.changed', ({ project }) => this.project.setCurrent(project)),
      client.on('dataset.changed', (counts) => {
        this.dataset.setCounts(counts);
        this.#refreshDataset();
      }),
      client.on('job.updated', (status) => this.jobs.apply(status)),
      client.on('vision.changed', () => this.#refreshVision()),
      this.backend.connection.subscribe((connection) => {
        const reconnected = connection.status === 'open' && connection.epoch > 1 && this.connection.status !== 'open';
        this.connection = connection;
        if (reconnected) void this.#resync();
      }),
    ];
    void this.project.load();
    void this.system.load();
    return () => {
      this.#refreshDataset.cancel();
      this.#refreshVision.cancel();
      for (const stop of stops) stop();
    };
  }

  /** Events sent while the socket was down are gone; ask again for everything on screen. */
  async #resync(): Promise<void> {
    const before = this.project.current?.path;
    await this.project.load();
    if (this.project.current && this.project.current.path === before) {
      this.dataset.refresh();
      this.problems.refresh();
      void this.jobs.load();
      this.vision.refresh();
      this.badges.invalidate();
    }
  }

  #projectChanged(project: ProjectSummary | null): void {
    this.#refreshDataset.cancel();
    this.#refreshVision.cancel();
    this.badges.clear();
    if (!project) {
      this.dataset.clear();
      this.problems.clear();
      this.jobs.clear();
      this.vision.clear();
      void this.project.loadRecent();
      return;
    }
    this.dataset.adopt(project.counts);
    this.problems.adopt();
    void this.jobs.load();
    this.vision.adopt();
  }
}
