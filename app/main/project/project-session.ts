import { basename, extname } from 'node:path';
import type { JobStatus } from '#api/jobs.ts';
import type { ProjectSummary } from '#api/project.ts';
import type { JobHandler } from '../jobs/job-handler.ts';
import { JobQueue } from '../jobs/job-queue.ts';
import { MediaStore, type MediaProducer } from '../media/media-store.ts';
import { openProjectDatabase, schemaVersion, type ProjectDatabase } from './project-database.ts';
import { ProjectLock } from './project-lock.ts';
import { projectLocation } from './project-location.ts';

export interface SessionDeps {
  readonly jobHandlers: (session: ProjectSession) => readonly JobHandler<unknown>[];
  readonly onJobUpdate: (status: JobStatus) => void;
  /** Recomputes media the project does not store (aligned crops); without it such keys are not found. */
  readonly mediaProducer?: (session: ProjectSession) => MediaProducer;
}

/** An open project: its database, its media folder, its job queue, and the lock that makes it ours. */
export class ProjectSession {
  readonly path: string;
  readonly db: ProjectDatabase;
  readonly media: MediaStore;
  readonly jobs: JobQueue;
  readonly #lock: ProjectLock;

  private constructor(path: string, db: ProjectDatabase, lock: ProjectLock, deps: SessionDeps) {
    this.path = path;
    this.db = db;
    this.#lock = lock;
    const producer = deps.mediaProducer?.(this);
    this.media = new MediaStore(path, producer ? { producer } : {});
    this.jobs = new JobQueue(db, deps.jobHandlers(this), deps.onJobUpdate);
  }

  static open(rawPath: string, mode: 'create' | 'open', deps: SessionDeps): ProjectSession {
    // A new project always gets the extension the picker and the file dialogs look for.
    const path = projectLocation(
      mode === 'create' && extname(rawPath).toLowerCase() !== '.likeness' ? `${rawPath}.likeness` : rawPath,
      mode,
    );
    const lock = ProjectLock.acquire(path);
    try {
      const db = openProjectDatabase(path, { create: mode === 'create' });
      if (mode === 'create') {
        db.prepare("INSERT INTO project_meta (key, value) VALUES ('created_at', ?)").run(new Date().toISOString());
      }
      const session = new ProjectSession(path, db, lock, deps);
      session.jobs.start();
      return session;
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  summary(): ProjectSummary {
    const meta = this.db.prepare("SELECT value FROM project_meta WHERE key = 'created_at'").get() as { value: string } | undefined;
    const counts = this.db
      .prepare(
        `SELECT
           (SELECT count(*) FROM identities) AS identities,
           (SELECT count(*) FROM images WHERE status = 'ok') AS images,
           (SELECT count(*) FROM images WHERE status = 'error') AS problems,
           (SELECT count(*) FROM images WHERE status = 'duplicate') AS duplicates`,
      )
      .get() as ProjectSummary['counts'];
    return {
      path: this.path,
      name: basename(this.path).replace(/\.likeness$/, ''),
      createdAt: meta?.value ?? '',
      schemaVersion: schemaVersion(this.db),
      counts,
    };
  }

  async close(): Promise<void> {
    await this.jobs.close();
    this.db.close();
    this.#lock.release();
  }
}
