import { flushSync, mount, unmount } from 'svelte';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../../api/errors.ts';
import { AppState } from '../lib/state/app-state.svelte.ts';
import { FakeBackend, settle } from '../lib/testing/fake-backend.ts';
import { identity, image, job, pageOf, projectSummary } from '../lib/testing/fixtures.ts';
import App from './App.svelte';

/** The whole window against a scripted host: the flows the e2e tests drive, by the same data-testids. */
function host() {
  let open: ReturnType<typeof projectSummary> | null = null;
  return new FakeBackend({
    'project.current': () => open,
    'project.recent': () => [
      { path: '/data/faces.likeness', name: 'faces', openedAt: new Date().toISOString(), exists: true },
      { path: '/usb/old.likeness', name: 'old', openedAt: '2024-01-01T00:00:00Z', exists: false },
    ],
    'project.open': ({ path }) => {
      if (!path.endsWith('.likeness')) throw new ApiError('PROJECT_INVALID', `${path} is not a Likeness project`);
      return (open = projectSummary(path, 1_250));
    },
    'project.close': () => {
      open = null;
      return { closed: true };
    },
    'system.info': () => ({
      version: '0.1.0',
      host: 'web',
      executionProvider: { active: 'cuda', available: ['cuda', 'cpu'], fallbackReason: null },
    }),
    'dataset.identities': () => [identity(1, 1_000, 2), identity(2, 250)],
    'dataset.images': ({ offset = 0, limit = 200, identityId }) =>
      pageOf(identityId === 2 ? 250 : 1_250, offset, limit, (i) => image(i + 1, { identityId: identityId ?? 1 })),
    'dataset.problems': ({ offset = 0, limit = 500 }) => ({
      total: 2,
      offset,
      items: [
        image(7, { status: 'error', thumb: null, errorCode: 'DECODE_FAILED', errorMessage: 'bad PNG header' }),
        image(9, { status: 'duplicate', duplicateOf: 3 }),
      ].slice(offset, offset + limit),
    }),
    'jobs.list': () => [job(5, { state: 'running', done: 30, total: 120, etaSeconds: 95, message: 'person-1/30.png' })],
    'jobs.cancel': ({ jobId }) => job(jobId, { state: 'cancelled', done: 30, total: 120 }),
  });
}

describe('App', () => {
  let target: HTMLElement;
  let component: ReturnType<typeof mount>;
  let backend: FakeBackend;
  let stop: () => void;
  const restore: (() => void)[] = [];

  const q = (testid: string) => target.querySelector<HTMLElement>(`[data-testid="${testid}"]`);
  const all = (testid: string) => [...target.querySelectorAll<HTMLElement>(`[data-testid="${testid}"]`)];
  const text = (testid: string) => q(testid)?.textContent?.replace(/\s+/g, ' ').trim();

  async function type(testid: string, value: string) {
    const input = q(testid) as HTMLInputElement;
    input.value = value;
    input.dispatchEvent(new Event('input', { bubbles: true }));
    flushSync();
  }

  async function click(testid: string | HTMLElement) {
    (typeof testid === 'string' ? q(testid)! : testid).click();
    flushSync();
    await settle();
    flushSync();
  }

  beforeEach(async () => {
    // happy-dom has no layout; virtual lists need a viewport size to render anything.
    for (const [name, value] of [['clientWidth', 1_000], ['clientHeight', 600]] as const) {
      const original = Object.getOwnPropertyDescriptor(HTMLElement.prototype, name)!;
      Object.defineProperty(HTMLElement.prototype, name, { configurable: true, get: () => value });
      restore.push(() => Object.defineProperty(HTMLElement.prototype, name, original));
    }
    target = document.createElement('div');
    document.body.append(target);
    backend = host();
    const app = new AppState(backend);
    component = mount(App, { target, props: { app } });
    stop = app.start();
    await settle();
    flushSync();
  });

  afterEach(() => {
    stop();
    unmount(component);
    target.remove();
    for (const undo of restore.splice(0)) undo();
  });

  it('starts at the project picker with recent projects, missing ones disabled', () => {
    expect(q('project-path-input')).not.toBeNull();
    const recent = all('recent-project');
    expect(recent.map((r) => r.dataset.path)).toEqual(['/data/faces.likeness', '/usb/old.likeness']);
    expect(recent.map((r) => r.dataset.missing)).toEqual(['false', 'true']);
    expect((recent[1] as HTMLButtonElement).disabled).toBe(true);
    expect(all('recent-project-missing')).toHaveLength(1);
  });

  it('shows why an open failed, with the code, and opens the workspace on success', async () => {
    await type('project-path-input', '/data/notes.txt');
    await click('project-open-button');
    expect(q('project-error')?.dataset.code).toBe('PROJECT_INVALID');
    expect(text('project-error')).toContain('/data/notes.txt is not a Likeness project');

    await type('project-path-input', '/data/faces.likeness');
    await click('project-open-button');
    expect(q('workspace')).not.toBeNull();
    expect(text('project-name')).toBe('faces');
    expect(text('system-provider')).toBe('CUDA');
  });

  it('lists identities with counts and shows the selected one in the grid', async () => {
    await click(all('recent-project')[0]);
    const items = all('identity-item');
    expect(items.map((i) => i.dataset.identityId)).toEqual(['1', '2']);
    expect(items.map((i) => i.querySelector('[data-testid="identity-count"]')?.textContent?.trim())).toEqual(['1,000', '250']);
    expect(text('identity-all')).toContain('1,250');
    expect(all('grid-tile').length).toBeGreaterThan(0);
    expect(all('grid-tile').length).toBeLessThan(200);
    expect(text('dataset-total')).toBe('1,250 images');

    await click(items[1]);
    expect(text('dataset-title')).toBe('person-2');
    expect(text('dataset-total')).toBe('250 images');
    expect(backend.callsOf('dataset.images').at(-1)).toMatchObject({ identityId: 2, offset: 0 });
  });

  it('lists problems with file, identity, code and what a duplicate duplicates', async () => {
    await click(all('recent-project')[0]);
    expect(text('problems-count')).toBe('2');
    await click('problems-toggle');
    const rows = all('problem-row');
    expect(rows.map((r) => r.dataset.status)).toEqual(['error', 'duplicate']);
    expect(rows[0].querySelector('[data-testid="problem-code"]')?.textContent).toBe('DECODE_FAILED');
    expect(rows[0].querySelector('[data-testid="problem-reason"]')?.textContent).toBe('bad PNG header');
    expect(rows[0].querySelector('[data-testid="problem-path"]')?.textContent).toContain('person-1/7.png');
    expect(rows[1].querySelector('[data-testid="problem-reason"]')?.textContent).toBe('Duplicate of image #3');
  });

  it('shows the running job with progress and ETA, and cancels it', async () => {
    await click(all('recent-project')[0]);
    expect(q('job-bar')?.dataset.jobState).toBe('running');
    expect(q('job-progress')?.getAttribute('aria-valuenow')).toBe('25');
    expect(text('job-eta')).toBe('1 min 35 s left');
    await click('job-cancel');
    expect(backend.callsOf('jobs.cancel')).toEqual([{ jobId: 5 }]);
    expect(q('job-bar')?.dataset.jobState).toBe('cancelled');
    expect(q('job-resume')).not.toBeNull();
  });

  it('shows a failed call as a toast with its code until dismissed', async () => {
    await click(all('recent-project')[0]);
    backend.handlers['dataset.import'] = ({ root }) => {
      throw new ApiError('NOT_FOUND', `no folder ${root}`);
    };
    await click('import-toggle');
    await type('import-root-input', '/nope');
    await click('import-submit');
    // Other panels may have their own notices; pick this one by its code.
    const ours = () => all('error-toast').filter((toast) => toast.dataset.code === 'NOT_FOUND');
    expect(ours()).toHaveLength(1);
    expect(ours()[0].textContent).toContain('Starting import');
    expect(ours()[0].textContent).toContain('no folder /nope');
    await click(ours()[0].querySelector<HTMLElement>('[data-testid="error-dismiss"]')!);
    expect(ours()).toHaveLength(0);
  });

  it('returns to the picker when the project closes', async () => {
    await click(all('recent-project')[0]);
    await click('project-close');
    expect(q('workspace')).toBeNull();
    expect(q('project-path-input')).not.toBeNull();
  });
});
