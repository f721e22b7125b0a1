import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { JobStatus } from '#api/jobs.ts';
import { openProjectDatabase, type ProjectDatabase } from '../project/project-database.ts';
import type { JobHandler } from './job-handler.ts';
import { JobQueue } from './job-queue.ts';

const dbs: ProjectDatabase[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
});

function database(): ProjectDatabase {
  const db = openProjectDatabase(join(mkdtempSync(join(tmpdir(), 'likeness-jobs-')), 'p.likeness'), { create: true });
  dbs.push(db);
  return db;
}

/** Counts to `n`, one step per tick, remembering how far it got in a table like a real resumable job would. */
function countingJob(db: ProjectDatabase, log: number[]): JobHandler<{ n: number }> {
  db.exec('CREATE TABLE IF NOT EXISTS counted (i INTEGER PRIMARY KEY)');
  return {
    kind: 'import',
    params: z.object({ n: z.number().int() }),
    async run({ params, signal, progress }) {
      for (let i = 0; i < params.n; i += 1) {
        if (signal.aborted) return;
        if (!db.prepare('SELECT 1 FROM counted WHERE i = ?').get(i)) {
          db.prepare('INSERT INTO counted (i) VALUES (?)').run(i);
          log.push(i);
        }
        progress(i + 1, params.n);
        await new Promise((r) => setTimeout(r, 2));
      }
    },
  };
}

describe('JobQueue', () => {
  it('runs a job to done and reports progress events ending at total', async () => {
    const db = database();
    const events: JobStatus[] = [];
    const queue = new JobQueue(db, [countingJob(db, [])], (s) => events.push(s));
    queue.start();
    const job = queue.enqueue('import', { n: 20 });
    await queue.idle();
    const final = queue.get(job.id);
    expect(final.state).toBe('done');
    expect(final.done).toBe(20);
    expect(events.at(-1)).toMatchObject({ id: job.id, state: 'done', done: 20, total: 20 });
  });

  it('rejects params that do not match the job kind', () => {
    const db = database();
    const queue = new JobQueue(db, [countingJob(db, [])], () => {});
    expect(() => queue.enqueue('import', { n: 'many' })).toThrow(/invalid import job/);
    expect(() => queue.enqueue('export', {})).toThrow(/no handler for export jobs/);
  });

  it('cancels a running job and resumes it without redoing committed work', async () => {
    const db = database();
    const log: number[] = [];
    const queue = new JobQueue(db, [countingJob(db, log)], () => {});
    queue.start();
    const job = queue.enqueue('import', { n: 200 });
    await new Promise((r) => setTimeout(r, 60));
    queue.cancel(job.id);
    await queue.idle();
    expect(queue.get(job.id).state).toBe('cancelled');
    const before = log.length;
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(200);
    queue.resume(job.id);
    await queue.idle();
    expect(queue.get(job.id).state).toBe('done');
    expect(log).toEqual([...Array(200).keys()]);
  });

  it('re-queues a job that was running when the process died', async () => {
    const db = database();
    db.prepare("INSERT INTO jobs (kind, params, state, created_at) VALUES ('import', '{\"n\":5}', 'running', 'then')").run();
    const log: number[] = [];
    const queue = new JobQueue(db, [countingJob(db, log)], () => {});
    queue.start();
    await queue.idle();
    expect(queue.list(10)[0]).toMatchObject({ state: 'done', done: 5 });
    expect(log).toEqual([0, 1, 2, 3, 4]);
  });

  it('records a failing job with its message and refuses to resume a finished one', async () => {
    const db = database();
    const failing: JobHandler<unknown> = {
      kind: 'export',
      params: z.unknown(),
      run: async () => {
        throw new Error('disk full at /out/x.png');
      },
    };
    const queue = new JobQueue(db, [failing as JobHandler<never>], () => {});
    queue.start();
    const job = queue.enqueue('export', {});
    await queue.idle();
    expect(queue.get(job.id)).toMatchObject({ state: 'failed', error: 'disk full at /out/x.png' });
    expect(() => queue.resume(queue.enqueue('export', {}).id)).toThrow(/only cancelled or failed/);
  });
});
