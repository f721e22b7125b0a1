import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeBackend, settle } from '../testing/fake-backend.ts';
import { identity, job, pageOf, projectSummary, systemInfo, visionSummary } from '../testing/fixtures.ts';
import { AppState } from './app-state.svelte.ts';

function host() {
  let open: ReturnType<typeof projectSummary> | null = null;
  return new FakeBackend({
    'project.current': () => open,
    'project.recent': () => [],
    'project.open': ({ path }) => (open = projectSummary(path, 10)),
    'system.info': () => systemInfo('1'),
    'dataset.identities': () => [identity(1)],
    'dataset.images': ({ offset = 0, limit = 200 }) => pageOf(10, offset, limit),
    'dataset.problems': ({ offset = 0, limit = 500 }) => pageOf(0, offset, limit),
    'jobs.list': () => [job(1, { state: 'done' })],
    'vision.summary': () => visionSummary(10, 4),
    'vision.imageBadges': ({ imageIds }) =>
      imageIds.map((imageId) => ({ imageId, status: 'ok', faceCount: 1, quality: 0.8, outlier: false })),
    'vision.identityFaces': ({ identityId }) => ({
      identityId,
      name: `person-${identityId}`,
      model: 'faceres',
      centroidFaces: 0,
      outliers: 0,
      faces: [],
    }),
  });
}

describe('AppState', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('loads everything for a project the host opens, and clears it when closed', async () => {
    const backend = host();
    const app = new AppState(backend);
    const stop = app.start();
    await settle();
    expect(app.project.loaded).toBe(true);
    expect(app.system.info?.executionProvider.active).toBe('cpu');

    backend.emit('project.changed', { project: projectSummary('/p.likeness', 10) });
    await settle();
    expect(app.dataset.identities).toHaveLength(1);
    expect(app.dataset.images.total).toBe(10);
    expect(app.problems.total).toBe(0);
    expect(app.jobs.jobs).toHaveLength(1);
    expect(app.vision.summary?.pending).toBe(6);

    backend.emit('project.changed', { project: null });
    expect(app.dataset.identities).toEqual([]);
    expect(app.jobs.jobs).toEqual([]);
    expect(app.vision.summary).toBeNull();
    stop();
  });

  it('coalesces bursts of vision.changed into one reload of the summary and the badges on screen', async () => {
    vi.useFakeTimers();
    const backend = host();
    const app = new AppState(backend);
    app.start();
    await app.project.open('/p.likeness');
    app.badges.get(3);
    await vi.runAllTimersAsync();
    const before = { summary: backend.callsOf('vision.summary').length, badges: backend.callsOf('vision.imageBadges').length };
    for (let i = 1; i <= 20; i++) backend.emit('vision.changed', { analyzed: i, pending: 10 - i });
    await vi.runAllTimersAsync();
    expect(backend.callsOf('vision.summary').length - before.summary).toBe(1);
    // Stale badges are fetched again when a tile asks, which rendering does.
    app.badges.get(3);
    await vi.runAllTimersAsync();
    expect(backend.callsOf('vision.imageBadges').length - before.badges).toBe(1);
  });

  it('follows the sidebar selection in the faces view', async () => {
    const backend = host();
    const app = new AppState(backend);
    app.start();
    await app.project.open('/p.likeness');
    await settle();
    app.dataset.select(1);
    app.vision.showFaces(true);
    await settle();
    expect(app.vision.identity?.identityId).toBe(1);
    app.dataset.select(2);
    await settle();
    expect(backend.callsOf('vision.identityFaces').at(-1)).toEqual({ identityId: 2, order: 'farthest' });
    app.dataset.select(null);
    expect(app.vision.facesShown).toBe(false);
  });

  it('coalesces bursts of dataset.changed into few reloads', async () => {
    vi.useFakeTimers();
    const backend = host();
    const app = new AppState(backend);
    app.start();
    await app.project.open('/p.likeness');
    await vi.runAllTimersAsync();
    const before = backend.callsOf('dataset.identities').length;
    for (let i = 1; i <= 20; i++) backend.emit('dataset.changed', { images: i, identities: 1 });
    expect(app.dataset.imageCount).toBe(20);
    await vi.runAllTimersAsync();
    expect(backend.callsOf('dataset.identities').length - before).toBe(1);
  });

  it('applies job events', () => {
    const backend = host();
    const app = new AppState(backend);
    app.start();
    backend.emit('job.updated', job(4, { done: 50 }));
    expect(app.jobs.running?.done).toBe(50);
  });

  it('asks again for everything after a reconnect, since events were missed', async () => {
    const backend = host();
    const app = new AppState(backend);
    app.start();
    await app.project.open('/p.likeness');
    await settle();
    const count = (command: Parameters<FakeBackend['callsOf']>[0]) => backend.callsOf(command).length;
    const before = { current: count('project.current'), images: count('dataset.images'), jobs: count('jobs.list') };
    backend.connection.set({ status: 'reconnecting', epoch: 1, attempt: 1, retryAt: 0, reason: 'host unreachable' });
    expect(app.connection.status).toBe('reconnecting');
    backend.connection.set({ status: 'open', epoch: 2 });
    await settle();
    expect(count('project.current')).toBe(before.current + 1);
    expect(count('dataset.images')).toBeGreaterThan(before.images);
    expect(count('jobs.list')).toBe(before.jobs + 1);
  });
});
