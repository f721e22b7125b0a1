import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '#api/errors.ts';
import type { ImageBadge, ImageDetail } from '#api/vision.ts';
import { FakeBackend } from '../lib/testing/fake-backend.ts';
import { identity, image, job, pageOf, projectSummary } from '../lib/testing/fixtures.ts';
import { openAppWindow, type AppWindow } from './testing/app-window.ts';

/** Image 1 is not analysed, image 2 has no face, image 3 two faces, the rest one face each. */
function badgeOf(imageId: number, analysed: boolean): ImageBadge {
  if (!analysed || imageId === 1) return { imageId, status: null, faceCount: 0, quality: null, outlier: false };
  if (imageId === 2) return { imageId, status: 'no_face', faceCount: 0, quality: null, outlier: false };
  return {
    imageId,
    status: imageId === 3 ? 'multiple_faces' : 'ok',
    faceCount: imageId === 3 ? 2 : 1,
    quality: 0.8,
    outlier: imageId === 4,
  };
}

function detailOf(imageId: number): ImageDetail {
  return {
    imageId,
    identityId: 1,
    identityName: 'person-1',
    path: `person-1/${imageId}.png`,
    width: 92,
    height: 112,
    originalKey: `originals/${imageId}`,
    analysis: { status: 'multiple_faces', faceCount: 2, error: null, models: ['faceres'], analyzedAt: '2025-01-01T00:00:00Z' },
    faces: [0, 1].map((faceIndex) => ({
      id: imageId * 10 + faceIndex,
      faceIndex,
      box: { x: 10 + faceIndex * 40, y: 20, width: 30, height: 40 },
      score: 0.95,
      quality: 0.8,
      isPrimary: faceIndex === 0,
      landmarks: Array.from({ length: 468 }, (_, i) => [12 + (i % 25), 22 + (i % 35)] as [number, number]),
      fivePoints: Array.from({ length: 5 }, (_, i) => [15 + i * 4, 30 + i * 3] as [number, number]),
      alignedKey: `aligned/${imageId}_${faceIndex}.png`,
      maskKey: `masks/${imageId}_${faceIndex}.png`,
      centroidSimilarity: 0.9,
      pose: null,
      qualityFlags: [],
      outlier: false,
    })),
    nearestIdentities: [
      { identityId: 2, name: 'person-2', similarity: 0.81 },
      { identityId: 1, name: 'person-1', similarity: 0.64 },
    ],
    model: 'faceres',
  };
}

/** The whole window against a scripted host: the flows the e2e tests drive, by the same data-testids. */
function host() {
  let open: ReturnType<typeof projectSummary> | null = null;
  let analysed = false;
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
      pageOf(identityId === 2 ? 250 : 1_250, offset, limit, (i) =>
        image(i + 1, { identityId: identityId ?? 1, ...(i + 1 === 5 ? { status: 'error' as const, thumb: null } : {}) }),
      ),
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
    'vision.summary': () => ({
      images: 1_250,
      analyzed: analysed ? 1_249 : 0,
      pending: analysed ? 1 : 1_250,
      byStatus: { ok: analysed ? 1_247 : 0, no_face: analysed ? 1 : 0, multiple_faces: analysed ? 1 : 0, error: 0 },
      outliers: analysed ? 1 : 0,
      model: 'faceres',
    }),
    'vision.analyze': () => {
      analysed = true;
      return { jobId: 6 };
    },
    'vision.imageBadges': ({ imageIds }) => imageIds.map((imageId) => badgeOf(imageId, analysed)),
    'vision.imageDetail': ({ imageId }) => detailOf(imageId),
    'vision.setPrimaryFace': ({ imageId, faceId }) => {
      const detail = detailOf(imageId);
      return { ...detail, faces: detail.faces.map((face) => ({ ...face, isPrimary: face.id === faceId })) };
    },
    'vision.identityFaces': ({ identityId, order }) => ({
      identityId,
      name: `person-${identityId}`,
      model: 'faceres',
      centroidFaces: 3,
      outliers: 1,
      faces: [0.08, 0.12, 0.61]
        .map((distance, i) => ({
          faceId: i + 1,
          imageId: i + 4,
          path: `person-${identityId}/${i + 4}.png`,
          alignedKey: `aligned/${i + 4}_0.png`,
          thumbKey: null,
          quality: 0.7,
          similarity: 1 - distance,
          distance,
          outlier: distance > 0.5,
        }))
        .sort((a, b) => (order === 'farthest' ? b.distance - a.distance : a.distance - b.distance)),
    }),
  });
}

describe('App', () => {
  let w: AppWindow;
  let backend: FakeBackend;
  const q = (testid: string) => w.q(testid);
  const all = (testid: string) => w.all(testid);
  const text = (testid: string) => w.text(testid);
  const type = (testid: string, value: string) => w.type(testid, value);
  const click = (what: string | HTMLElement) => w.click(what);

  beforeEach(async () => {
    backend = host();
    w = await openAppWindow(backend);
  });

  afterEach(() => w.close());

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
    expect(ours()[0].querySelector('.context')?.textContent?.trim()).toBe('Starting import failed');
    expect(ours()[0].querySelector('.message')?.textContent?.trim()).toBe('Not found: no folder /nope');
    expect(ours()[0].textContent).not.toContain('NOT_FOUND');
    expect(ours()[0].textContent).toContain('no folder /nope');
    await click(ours()[0].querySelector<HTMLElement>('[data-testid="error-dismiss"]')!);
    expect(ours()).toHaveLength(0);
  });

  it('analyses faces from the toolbar and shows each tile’s detection status and quality', async () => {
    await click(all('recent-project')[0]);
    const tile = (id: number) => w.target.querySelector<HTMLElement>(`[data-testid="grid-tile"][data-image-id="${id}"]`)!;
    expect(tile(6).dataset.faceStatus).toBe('unanalysed');
    expect(text('vision-analyze')).toContain('Analyse faces');
    expect(text('vision-analyze')).toContain('1,250');

    await click('vision-analyze');
    expect(backend.callsOf('vision.analyze')).toEqual([{ imageIds: [] }]);
    backend.emit('job.updated', job(6, { kind: 'analyze', state: 'running', done: 10, total: 1_250 }));
    await w.flush();
    expect(text('job-state')).toBe('Analysis #6 · running');
    expect((q('vision-analyze') as HTMLButtonElement).disabled).toBe(true);

    backend.emit('vision.changed', { analyzed: 1_249, pending: 1 });
    await new Promise((resolve) => setTimeout(resolve, 600));
    await w.flush();
    expect([1, 2, 3, 6].map((id) => tile(id).dataset.faceStatus)).toEqual(['unanalysed', 'no_face', 'multiple_faces', 'ok']);
    // An unreadable file is never analysed, has no badge and opens nothing.
    expect(tile(5).dataset.faceStatus).toBeUndefined();
    expect(tile(5).tagName).toBe('DIV');
    expect(tile(3).querySelector('[data-testid="tile-face-status"]')?.textContent?.trim()).toBe('2');
    expect(tile(6).querySelector<HTMLElement>('[data-testid="tile-quality"]')?.dataset.quality).toBe('0.800');
    expect(tile(1).querySelector('[data-testid="tile-quality"]')).toBeNull();
    expect(tile(4).querySelector('[data-testid="tile-outlier"]')).not.toBeNull();
    expect(text('vision-summary')).toContain('1,249/1,250 analysed');
  });

  it('opens an image’s detail from its tile, picks the subject among several faces, steps and closes with Escape', async () => {
    await click(all('recent-project')[0]);
    const tile = w.target.querySelector<HTMLElement>('[data-testid="grid-tile"][data-image-id="3"]')!;
    await click(tile);
    expect(q('vision-detail')?.dataset.imageId).toBe('3');
    expect(all('overlay-box')).toHaveLength(2);
    expect(all('mesh-point')).toHaveLength(468);
    expect(all('landmark-point')).toHaveLength(10);
    expect(q('vision-aligned-crop')?.getAttribute('src')).toBe('/media/aligned/3_0.png');
    expect(all('vision-nearest-identity').map((li) => li.textContent?.replace(/\s+/g, ' ').trim())).toEqual([
      'person-2 0.810',
      'person-1 0.640',
    ]);
    expect(text('vision-mislabel')).toContain('Looks more like person-2');

    const choices = all('vision-face-choice');
    expect(choices.map((c) => c.dataset.primary)).toEqual(['true', 'false']);
    await click(choices[1]);
    expect(q('vision-aligned-crop')?.getAttribute('src')).toBe('/media/aligned/3_1.png');
    await click('vision-set-primary');
    expect(backend.callsOf('vision.setPrimaryFace')).toEqual([{ imageId: 3, faceId: 31 }]);
    expect(all('vision-face-choice').map((c) => c.dataset.primary)).toEqual(['false', 'true']);

    await w.press('ArrowRight', {}, window);
    expect(q('vision-detail')?.dataset.imageId).toBe('4');
    expect(text('vision-detail')).toContain('4 of 1,250');
    await w.press('ArrowRight', {}, window);
    expect(q('vision-detail')?.dataset.imageId).toBe('6');

    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
    await w.flush();
    expect(q('vision-detail')).toBeNull();
  });

  it('lists the selected identity’s faces by distance to its centroid, outliers flagged', async () => {
    await click(all('recent-project')[0]);
    expect(q('dataset-mode')).toBeNull();
    await click(all('identity-item')[0]);
    await click('dataset-mode-faces');
    expect(q('dataset-grid')).toBeNull();
    const faces = all('vision-identity-face');
    expect(faces.map((f) => f.dataset.distance)).toEqual(['0.6100', '0.1200', '0.0800']);
    expect(faces.map((f) => f.dataset.outlier)).toEqual(['true', 'false', 'false']);
    // One convention across views: a similarity (higher = same person), as the tiles and the detail show it.
    expect(faces.map((f) => f.querySelector('[data-testid="vision-identity-similarity"]')?.textContent)).toEqual([
      '0.390',
      '0.880',
      '0.920',
    ]);
    expect(text('vision-identity-summary')).toContain('similarity to the centroid');
    expect(text('vision-identity-summary')).toContain('1 outlier');

    await click('vision-order-nearest');
    expect(all('vision-identity-face').map((f) => f.dataset.distance)).toEqual(['0.0800', '0.1200', '0.6100']);

    await click(all('vision-identity-face')[0]);
    expect(q('vision-detail')?.dataset.imageId).toBe('4');
    await click('vision-detail-close');
    await click('dataset-mode-images');
    expect(q('dataset-grid')).not.toBeNull();
  });

  it('makes the faces by similarity one Tab stop: arrows move the focus, Enter opens the face’s image as a click does', async () => {
    await click(all('recent-project')[0]);
    await click(all('identity-item')[0]);
    await click('dataset-mode-faces');
    const grid = q('vision-identity-grid')!;
    const stops = () =>
      [...grid.querySelectorAll<HTMLElement>('button, [tabindex]'), grid].filter((el) => el.getAttribute('tabindex') !== '-1');
    const options = [...grid.querySelectorAll<HTMLElement>('[role="option"]')];
    expect(options).toHaveLength(3);
    expect(stops()).toEqual([options[0]]);
    expect(options[0].querySelector('[data-testid="vision-identity-face"]')?.getAttribute('aria-label')).toBe(
      'person-1/6.png: similarity 0.390, outlier',
    );
    options[0].focus();
    await w.press('ArrowRight');
    expect(document.activeElement).toBe(options[1]);
    expect(stops()).toEqual([options[1]]);
    await w.press('End', { ctrlKey: true });
    expect(document.activeElement).toBe(options[2]);
    await w.press('Enter');
    expect(q('vision-detail')?.dataset.imageId).toBe('4');
  });

  it('returns to the picker when the project closes', async () => {
    await click(all('recent-project')[0]);
    await click('project-close');
    expect(q('workspace')).toBeNull();
    expect(q('project-path-input')).not.toBeNull();
  });
});
