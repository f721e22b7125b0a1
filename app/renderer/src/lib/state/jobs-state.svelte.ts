import type { ApiClient } from '#api/client.ts';
import type { JobKind, JobStatus } from '#api/jobs.ts';
import type { Notices } from './notices.svelte.ts';

const LIST_LIMIT = 50;

/** How the UI names each kind of job ("Analysis #7"). */
export const jobKindNames: Record<JobKind, string> = { import: 'Import', analyze: 'Analysis', synthesize: 'Synthesis', export: 'Export' };

export function jobFraction(job: JobStatus): number | null {
  return job.total > 0 ? Math.min(1, job.done / job.total) : null;
}

export function isResumable(job: JobStatus): boolean {
  return job.state === 'cancelled' || job.state === 'failed';
}

/**
 * The project's recent jobs, newest first: loaded once from `jobs.list`, then kept live by
 * `job.updated`. The host runs one job at a time, so "the" job is the running one if any.
 */
export class JobsState {
  jobs = $state.raw<JobStatus[]>([]);
  /** Jobs with a cancel or resume call in flight, so their buttons can't be pressed twice. */
  busy = $state.raw<ReadonlySet<number>>(new Set());
  readonly running = $derived(this.jobs.find((job) => job.state === 'running') ?? null);
  readonly queued = $derived(this.jobs.filter((job) => job.state === 'queued'));
  /** What the job bar shows: the running job, else the next queued one, else the latest finished. */
  readonly current = $derived(this.running ?? this.queued.at(-1) ?? this.jobs[0] ?? null);
  readonly #client: ApiClient;
  readonly #notices: Notices;

  constructor(client: ApiClient, notices: Notices) {
    this.#client = client;
    this.#notices = notices;
  }

  async load(): Promise<void> {
    try {
      // Events and replies share one ordered channel, so an event that arrived before this reply is
      // already reflected in it, and later events apply on top.
      this.jobs = await this.#client.call('jobs.list', { limit: LIST_LIMIT });
    } catch (error) {
      this.#notices.report(error, 'Loading jobs');
    }
  }

  clear(): void {
    this.jobs = [];
    this.busy = new Set();
  }

  apply(status: JobStatus): void {
    const index = this.jobs.findIndex((job) => job.id === status.id);
    if (index === -1) {
      this.jobs = [status, ...this.jobs].sort((a, b) => b.id - a.id).slice(0, LIST_LIMIT);
      return;
    }
    const next = [...this.jobs];
    next[index] = status;
    this.jobs = next;
  }

  cancel(jobId: number): Promise<void> {
    return this.#act(jobId, 'jobs.cancel', 'Cancelling job');
  }

  resume(jobId: number): Promise<void> {
    return this.#act(jobId, 'jobs.resume', 'Resuming job');
  }

  async #act(jobId: number, command: 'jobs.cancel' | 'jobs.resume', context: string): Promise<void> {
    this.busy = new Set([...this.busy, jobId]);
    try {
      this.apply(await this.#client.call(command, { jobId }));
    } catch (error) {
      this.#notices.report(error, `${context} ${jobId}`);
    } finally {
      this.busy = new Set([...this.busy].filter((id) => id !== jobId));
    }
  }
}
