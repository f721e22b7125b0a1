import { describe, expect, it, vi } from 'vitest';
import { defaultKeymap, type CurationProgress } from '#api/curation.ts';
import type { JobStatus } from '#api/jobs.ts';
import { FakeBackend } from '../testing/fake-backend.ts';
import { ruleDefaults } from '../testing/fixtures.ts';
import { CurationSession } from './curation-session.svelte.ts';
import { Notices } from './notices.svelte.ts';

const history = { canUndo: false, canRedo: false, undoLabel: null, redoLabel: null };
const emptyProgress: CurationProgress = { total: 0, accepted: 0, rejected: 0, reviewed: 0, identities: [] };

let progress: CurationProgress = emptyProgress;

function session(projectPath = '/data/faces.likeness') {
  const fake = new FakeBackend({
    'curation.keymap': () => defaultKeymap,
    'curation.setKeymap': ({ keymap }) => keymap,
    'curation.progress': () => progress,
    'curation.ruleDefaults': () => ruleDefaults({ identityThreshold: 0.42, identityNote: 'measured', diversityThreshold: 0.05 }),
    'curation.rulePreview': () => ({ matched: 7, changes: 5, fromUnset: 5, fromAccepted: 0, fromRejected: 0 }),
    'curation.histogram': ({ metric }) => ({ metric, from: 0, to: 1, bins: [], missing: 0 }),
    'curation.groups': () => ({ total: 0, groups: [] }),
    'curation.facets': () => ({ editKinds: ['relight'], identities: [] }),
    'curation.history': () => history,
    'export.start': () => ({ jobId: 9 }),
    'curation.decide': () => ({ actionId: 1, label: 'accept variant 1', changed: 1, focusVariantId: 1, history }),
    'export.list': () => [{ id: 1, jobId: 9, destination: '/out', state: 'done', createdAt: 'x', finishedAt: 'y', report: null }],
  });
  return { fake, curation: new CurationSession(fake, new Notices(), projectPath) };
}

function job(state: JobStatus['state']): JobStatus {
  return {
    id: 9,
    kind: 'export',
    state,
    done: 3,
    total: 3,
    message: null,
    error: null,
    etaSeconds: null,
    createdAt: 'x',
    finishedAt: null,
  };
}

describe('CurationSession', () => {
  it('seeds the rule from the measured threshold and counts what it would change', async () => {
    const { curation } = session();
    const stop = curation.start();
    await vi.waitFor(() => expect(curation.rules.threshold).toBe(0.42));
    await vi.waitFor(() => expect(curation.rules.preview?.changes).toBe(5));
    expect(curation.rules.request(3)).toEqual({
      rule: { kind: 'rejectBelow', metric: 'idToSource', threshold: 0.42 },
      overwrite: false,
      identityId: 3,
    });
    stop();
  });

  it('refreshes the grid when any window changes a decision', async () => {
    const { curation, fake } = session();
    const stop = curation.start();
    curation.setIdentity(null);
    await vi.waitFor(() => expect(curation.grid.groupsLoaded).toBe(true));
    const before = fake.calls.filter((c) => c.command === 'curation.history').length;
    fake.emit('curation.changed', { actionId: 3, reason: 'decide', variantIds: [1], actor: 'other' });
    await vi.waitFor(() => expect(fake.calls.filter((c) => c.command === 'curation.history').length).toBe(before + 1));
    stop();
  });

  it('holds the counts and the page re-read back while decisions come in quickly, then runs each once', async () => {
    const { curation, fake } = session();
    const stop = curation.start();
    curation.setIdentity(null);
    await vi.waitFor(() => expect(curation.rules.preview?.changes).toBe(5));
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const count = (command: string) => fake.calls.filter((c) => c.command === command).length;
    const before = { progress: count('curation.progress'), histogram: count('curation.histogram'), history: count('curation.history') };
    for (let press = 0; press < 5; press += 1) {
      fake.emit('curation.changed', { actionId: press + 2, reason: 'decide', variantIds: [press + 1], actor: 'me' });
      await new Promise((resolve) => setTimeout(resolve, 80));
      expect(count('curation.progress')).toBe(before.progress);
      expect(count('curation.histogram')).toBe(before.histogram);
    }
    await vi.waitFor(() => expect(count('curation.progress')).toBe(before.progress + 1), { timeout: 2_000 });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(count('curation.progress')).toBe(before.progress + 1);
    expect(count('curation.histogram')).toBe(before.histogram + 1);
    expect(count('curation.history')).toBe(before.history + 1);
    stop();
  });

  it('runs its first query when the grid is first shown, even after a counts refresh loaded the groups', async () => {
    const { curation, fake } = session();
    const stop = curation.start();
    await vi.waitFor(() => expect(curation.grid.groupsLoaded).toBe(true));
    expect(curation.facets).toBeNull();
    curation.setIdentity(null);
    await vi.waitFor(() => expect(curation.facets?.editKinds).toEqual(['relight']));
    await vi.waitFor(() => expect(fake.calls.some((c) => c.command === 'curation.history')).toBe(true));
    stop();
  });

  it('rebinds a key, taking it from the action that had it', async () => {
    const { curation, fake } = session();
    await curation.keymap.bind('accept', 'r');
    const saved = fake.calls.at(-1)!.input as { keymap: Record<string, string[]> };
    expect(saved.keymap.accept).toEqual(['r']);
    expect(saved.keymap.reject).toEqual([]);
  });

  it('opens a project on its own last tab: a new project starts on Dataset, not where another was left', () => {
    const first = session('/data/a.likeness').curation;
    first.selectTab('export');
    expect(session('/data/b.likeness').curation.tab).toBe('dataset');
    expect(session('/data/a.likeness').curation.tab).toBe('export');
  });

  it('moves the reviewed counter as soon as the host commits a decision, before the throttled recount', async () => {
    progress = {
      total: 5,
      accepted: 0,
      rejected: 0,
      reviewed: 0,
      identities: [{ identityId: 1, name: 's1', total: 5, accepted: 0, rejected: 0, reviewed: 0 }],
    };
    const { curation, fake } = session();
    const stop = curation.start();
    await vi.waitFor(() => expect(curation.progress.progress?.total).toBe(5));
    const variant = {
      id: 1,
      sourceImageId: 10,
      sourceKey: 'originals/10',
      identityId: 1,
      identityName: 's1',
      ordinal: 1,
      editKind: 'relight',
      strength: 0.5,
      seed: 1,
      fileKey: 'v1.png',
      width: 8,
      height: 8,
      idToSource: 0.5,
      idToCentroid: 0.5,
      diversity: 0.1,
      status: 'unset' as const,
      decidedBy: null,
      decidedAt: null,
    };
    Object.defineProperty(curation.grid, 'current', { get: () => variant });
    const loadsBefore = fake.calls.filter((c) => c.command === 'curation.progress').length;
    await curation.grid.decide('accepted');
    expect(curation.progress.progress).toMatchObject({ reviewed: 1, accepted: 1 });
    expect(curation.progress.progress?.identities[0]).toMatchObject({ reviewed: 1, accepted: 1 });
    expect(fake.calls.filter((c) => c.command === 'curation.progress').length).toBe(loadsBefore);
    stop();
    progress = emptyProgress;
  });

  it('follows its export job to the report', async () => {
    const { curation } = session();
    const stop = curation.start();
    curation.exporter.destination = '/out';
    await curation.exporter.start();
    curation.exporter.apply({ ...job('running'), id: 8 });
    expect(curation.exporter.job).toBeNull();
    curation.exporter.apply(job('running'));
    expect(curation.exporter.running).toBe(true);
    curation.exporter.apply(job('done'));
    await vi.waitFor(() => expect(curation.exporter.result?.destination).toBe('/out'));
    stop();
  });
});
