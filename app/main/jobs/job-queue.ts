import { ApiError } from '#api/errors.ts';
import type { JobKind, JobState, JobStatus } from '#api/jobs.ts';
import type Database from 'better-sqlite3';
import type { JobHandler } from './job-handler.ts';

interface JobRow {
  id: number;
  kind: JobKind;
  params: string;
  state: JobState;
  done: number;
  total: number;
  message: string | null;
  error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

const PROGRESS_INTERVAL_MS = 200;

interface Running {
  readonly id: number;
  readonly controller: AbortController;
  readonly startedAt: number;
  readonly doneAtStart: number;
  lastFlush: number;
  done: number;
  total: number;
  message: string | null;
}

/** Runs a project's jobs one at a time, in order, persisting state so a restart picks up where it was. */
export class JobQueue {
  readonly #db: Database.Database;
  readonly #handlers: Map<JobKind, JobHandler<unknown>>;
  readonly #emit: (status: JobStatus) => void;
  #running: Running | null = null;
  #loop: Promise<void> | null = null;
  #closed = false;

  constructor(db: Database.Database, handlers: readonly JobHandler<unknown>[], emit: (status: JobStatus) => void) {
    this.#db = db;
    this.#handlers = new Map(handlers.map((h) => [h.kind, h as unknown as JobHandler<unknown>]));
    this.#emit = emit;
  }

  /** Jobs a crash interrupted are queued again; call once after opening the project. */
  start(): void {
    this.#db.prepare("UPDATE jobs SET state = 'queued' WHERE state = 'running'").run();
    this.#kick();
  }

  enqueue(kind: JobKind, params: unknown): JobStatus {
    const handler = this.#handlers.get(kind);
    if (!handler) throw new ApiError('UNSUPPORTED', `no handler for ${kind} jobs`);
    const parsed = handler.params.safeParse(params);
    if (!parsed.success) throw new ApiError('INVALID_INPUT', `invalid ${kind} job: ${parsed.error.message}`);
    const info = this.#db
      .prepare("INSERT INTO jobs (kind, params, state, created_at) VALUES (?, ?, 'queued', ?)")
      .run(kind, JSON.stringify(parsed.data), now());
    const status = this.get(Number(info.lastInsertRowid));
    this.#emit(status);
    this.#kick();
    return status;
  }

  cancel(id: number): JobStatus {
    const row = this.#row(id);
    if (row.state === 'queued') {
      this.#finish(id, 'cancelled', null);
    } else if (row.state === 'running' && this.#running?.id === id) {
      this.#running.controller.abort();
    }
    return this.get(id);
  }

  resume(id: number): JobStatus {
    const row = this.#row(id);
    if (row.state !== 'cancelled' && row.state !== 'failed') {
      throw new ApiError('JOB_CONFLICT', `job ${id} is ${row.state}; only cancelled or failed jobs can be resumed`);
    }
    this.#db.prepare("UPDATE jobs SET state = 'queued', error = NULL, finished_at = NULL WHERE id = ?").run(id);
    const status = this.get(id);
    this.#emit(status);
    this.#kick();
    return status;
  }

  get(id: number): JobStatus {
    return this.#status(this.#row(id));
  }

  list(limit: number): JobStatus[] {
    const rows = this.#db.prepare('SELECT * FROM jobs ORDER BY id DESC LIMIT ?').all(limit) as JobRow[];
    return rows.map((row) => this.#status(row));
  }

  /** Resolves when no job is queued or running. */
  async idle(): Promise<void> {
    while (this.#loop) await this.#loop;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#running?.controller.abort();
    await this.#loop;
  }

  #kick(): void {
    if (this.#loop || this.#closed) return;
    this.#loop = this.#drain().finally(() => {
      this.#loop = null;
      // A job enqueued while the loop was winding down found it still set and did not start one.
      if (this.#hasQueued()) this.#kick();
    });
  }

  #hasQueued(): boolean {
    return this.#db.open && this.#db.prepare("SELECT 1 FROM jobs WHERE state = 'queued' LIMIT 1").get() !== undefined;
  }

  async #drain(): Promise<void> {
    for (;;) {
      if (this.#closed) return;
      const next = this.#db.prepare("SELECT * FROM jobs WHERE state = 'queued' ORDER BY id LIMIT 1").get() as JobRow | undefined;
      if (!next) return;
      await this.#run(next);
    }
  }

  async #run(row: JobRow): Promise<void> {
    const handler = this.#handlers.get(row.kind);
    if (!handler) {
      this.#finish(row.id, 'failed', `no handler for ${row.kind} jobs in this build`);
      return;
    }
    const controller = new AbortController();
    const running: Running = {
      id: row.id,
      controller,
      startedAt: Date.now(),
      doneAtStart: row.done,
      lastFlush: 0,
      done: row.done,
      total: row.total,
      message: row.message,
    };
    this.#running = running;
    this.#db.prepare("UPDATE jobs SET state = 'running', started_at = coalesce(started_at, ?) WHERE id = ?").run(now(), row.id);
    this.#emit(this.get(row.id));
    try {
      const params = handler.params.parse(JSON.parse(row.params));
      await handler.run({
        jobId: row.id,
        params,
        signal: controller.signal,
        progress: (done, total, message) => this.#progress(running, done, total, message),
      });
      this.#flush(running);
      if (controller.signal.aborted) this.#finish(row.id, this.#closed ? 'queued' : 'cancelled', null);
      else this.#finish(row.id, 'done', null);
    } catch (error) {
      this.#flush(running);
      if (controller.signal.aborted) this.#finish(row.id, this.#closed ? 'queued' : 'cancelled', null);
      else this.#finish(row.id, 'failed', error instanceof Error ? error.message : String(error));
    } finally {
      this.#running = null;
    }
  }

  #progress(running: Running, done: number, total: number, message?: string): void {
    running.done = done;
    running.total = total;
    if (message !== undefined) running.message = message;
    const t = Date.now();
    if (t - running.lastFlush < PROGRESS_INTERVAL_MS && done < total) return;
    running.lastFlush = t;
    this.#flush(running);
  }

  #flush(running: Running): void {
    this.#db
      .prepare('UPDATE jobs SET done = ?, total = ?, message = ? WHERE id = ?')
      .run(running.done, running.total, running.message, running.id);
    this.#emit(this.get(running.id));
  }

  #finish(id: number, state: JobState, error: string | null): void {
    const finished = state === 'queued' ? null : now();
    this.#db.prepare('UPDATE jobs SET state = ?, error = ?, finished_at = ? WHERE id = ?').run(state, error, finished, id);
    this.#emit(this.get(id));
  }

  #row(id: number): JobRow {
    const row = this.#db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
    if (!row) throw new ApiError('NOT_FOUND', `no job ${id}`);
    return row;
  }

  #status(row: JobRow): JobStatus {
    return {
      id: row.id,
      kind: row.kind,
      state: row.state,
      done: row.done,
      total: row.total,
      message: row.message,
      error: row.error,
      etaSeconds: this.#eta(row),
      createdAt: row.created_at,
      finishedAt: row.finished_at,
    };
  }

  #eta(row: JobRow): number | null {
    const running = this.#running;
    if (!running || running.id !== row.id || row.total <= 0) return null;
    const elapsed = (Date.now() - running.startedAt) / 1000;
    const progressed = running.done - running.doneAtStart;
    if (progressed <= 0 || elapsed < 0.5) return null;
    return Math.max(0, ((running.total - running.done) * elapsed) / progressed);
  }
}

function now(): string {
  return new Date().toISOString();
}
