import { describe, expect, it } from 'vitest';
import { ApiError } from '#api/errors.ts';
import { FakeBackend } from '../testing/fake-backend.ts';
import { job } from '../testing/fixtures.ts';
import { JobsState, isResumable, jobFraction } from './jobs-state.svelte.ts';
import { Notices } from './notices.svelte.ts';

describe('JobsState', () => {
  it('loads the list, then follows job.updated', async () => {
    const backend = new FakeBackend({ 'jobs.list': () => [job(2, { state: 'queued' }), job(1, { state: 'done' })] });
    const jobs = new JobsState(backend.client, new Notices());
    await jobs.load();
    expect(jobs.current?.id).toBe(2);
    jobs.apply(job(2, { state: 'running', done: 40 }));
    jobs.apply(job(3, { state: 'queued' }));
    expect(jobs.jobs.map((j) => j.id)).toEqual([3, 2, 1]);
    expect(jobs.running?.done).toBe(40);
    expect(jobs.current?.id).toBe(2);
    expect(jobs.queued.map((j) => j.id)).toEqual([3]);
    jobs.apply(job(2, { state: 'done', done: 100 }));
    jobs.apply(job(3, { state: 'done' }));
    expect(jobs.current?.id).toBe(3);
  });

  it('shows the oldest queued job when none runs, since the host takes them in order', () => {
    const jobs = new JobsState(new FakeBackend().client, new Notices());
    jobs.apply(job(4, { state: 'queued' }));
    jobs.apply(job(5, { state: 'queued' }));
    expect(jobs.current?.id).toBe(4);
  });

  it('cancels and resumes through the host, and reports refusals', async () => {
    const backend = new FakeBackend({
      'jobs.cancel': ({ jobId }) => job(jobId, { state: 'cancelled' }),
      'jobs.resume': ({ jobId }) => {
        throw new ApiError('JOB_CONFLICT', `job ${jobId} is running`);
      },
    });
    const notices = new Notices();
    const jobs = new JobsState(backend.client, notices);
    jobs.apply(job(7));
    const cancelling = jobs.cancel(7);
    expect(jobs.busy.has(7)).toBe(true);
    await cancelling;
    expect(jobs.busy.has(7)).toBe(false);
    expect(jobs.current?.state).toBe('cancelled');
    await jobs.resume(7);
    expect(notices.items.map((n) => [n.code, n.context])).toEqual([['JOB_CONFLICT', 'Resuming job 7']]);
  });

  it('computes progress and resumability', () => {
    expect(jobFraction(job(1, { done: 25, total: 100 }))).toBe(0.25);
    expect(jobFraction(job(1, { done: 0, total: 0 }))).toBeNull();
    expect(isResumable(job(1, { state: 'failed' }))).toBe(true);
    expect(isResumable(job(1, { state: 'done' }))).toBe(false);
  });
});
