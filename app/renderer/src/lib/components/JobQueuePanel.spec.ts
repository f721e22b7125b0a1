import { flushSync, mount, unmount } from 'svelte';
import { describe, expect, it, vi } from 'vitest';
import { JobsState } from '../state/jobs-state.svelte.ts';
import { Notices } from '../state/notices.svelte.ts';
import { FakeBackend } from '../testing/fake-backend.ts';
import { job } from '../testing/fixtures.ts';
import JobQueuePanel from './JobQueuePanel.svelte';

describe('JobQueuePanel', () => {
  it('lists every running and queued job with progress, ETA and cancel, in run order', async () => {
    const backend = new FakeBackend({
      'jobs.list': () => [
        job(9, { kind: 'export', state: 'queued', done: 0, total: 0 }),
        job(8, { kind: 'synthesize', state: 'queued', done: 0, total: 0 }),
        job(7, { kind: 'analyze', state: 'running', done: 30, total: 120, etaSeconds: 95 }),
        job(6, { kind: 'import', state: 'done', done: 55, total: 55 }),
      ],
      'jobs.cancel': ({ jobId }) => job(jobId, { kind: 'synthesize', state: 'cancelled' }),
    });
    const jobs = new JobsState(backend.client, new Notices());
    await jobs.load();
    const target = document.createElement('div');
    document.body.append(target);
    const component = mount(JobQueuePanel, { target, props: { jobs, onclose: () => undefined } });
    flushSync();
    const rows = () => [...target.querySelectorAll<HTMLElement>('[data-testid="job-queue-row"]')];
    expect(rows().map((r) => [r.dataset.jobId, r.dataset.state])).toEqual([
      ['7', 'running'],
      ['8', 'queued'],
      ['9', 'queued'],
      ['6', 'done'],
    ]);
    expect(rows()[0].textContent).toContain('30 / 120 · 25%');
    expect(rows()[0].querySelector('[data-testid="job-queue-eta"]')?.textContent?.trim()).toBe('1 min 35 s left');
    expect(rows().filter((r) => r.querySelector('[data-testid="job-queue-cancel"]'))).toHaveLength(3);
    rows()[1].querySelector<HTMLButtonElement>('[data-testid="job-queue-cancel"]')!.click();
    await vi.waitFor(() => expect(backend.callsOf('jobs.cancel')).toEqual([{ jobId: 8 }]));
    await vi.waitFor(() => {
      flushSync();
      expect(rows().map((r) => [r.dataset.jobId, r.dataset.state])).toEqual([
        ['7', 'running'],
        ['9', 'queued'],
        ['8', 'cancelled'],
        ['6', 'done'],
      ]);
    });
    unmount(component);
    target.remove();
  });
});
