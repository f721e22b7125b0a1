import { describe, expect, it } from 'vitest';
import type { Input } from '#api/contract.ts';
import { ApiError } from '#api/errors.ts';
import { FakeBackend, settle } from '../testing/fake-backend.ts';
import { identity, pageOf } from '../testing/fixtures.ts';
import { DatasetState } from './dataset-state.svelte.ts';
import { Notices } from './notices.svelte.ts';

function setup() {
  const backend = new FakeBackend({
    'dataset.identities': () => [identity(1, 5_000, 2), identity(2, 300)],
    'dataset.images': ({ offset = 0, limit = 200, identityId }) => pageOf(identityId === 2 ? 300 : 5_300, offset, limit),
  });
  const notices = new Notices();
  return { backend, notices, dataset: new DatasetState(backend.client, notices) };
}

const imageQueries = (backend: FakeBackend) => backend.callsOf('dataset.images') as Input<'dataset.images'>[];

describe('DatasetState', () => {
  it('adopts a project: counts, identities and the first page of all images', async () => {
    const { backend, dataset } = setup();
    dataset.adopt({ images: 5_300, identities: 2 });
    await settle();
    expect(dataset.identities.map((i) => i.id)).toEqual([1, 2]);
    expect(dataset.images.total).toBe(5_300);
    expect(imageQueries(backend)).toEqual([{ offset: 0, limit: 200, identityId: undefined, status: undefined }]);
  });

  it('orders identity names naturally, whatever order the host sends', async () => {
    const { backend, dataset } = setup();
    const named = (id: number, name: string) => ({ ...identity(id), name });
    backend.handlers['dataset.identities'] = () => [named(1, 's10'), named(2, 's2'), named(3, 'S3'), named(4, 's1')];
    dataset.adopt({ images: 40, identities: 4 });
    await settle();
    expect(dataset.identities.map((i) => i.name)).toEqual(['s1', 's2', 'S3', 's10']);
  });

  it('fetches only the grid window, plus overscan', async () => {
    const { backend, dataset } = setup();
    dataset.adopt({ images: 5_300, identities: 2 });
    await settle();
    dataset.images.setRange(2_000, 2_080);
    await settle();
    expect(imageQueries(backend).map((q) => q.offset)).toEqual([0, 1_800, 2_000]);
    expect(dataset.images.itemAt(2_079)?.id).toBe(2_080);
  });

  it('asks for the next page from the image above it, for a page above a jump from the image below, and never across a new query', async () => {
    const { backend, dataset } = setup();
    dataset.adopt({ images: 5_300, identities: 2 });
    await settle();
    dataset.images.setRange(150, 250);
    await settle();
    expect(imageQueries(backend).find((q) => q.offset === 200)).toMatchObject({ after: { imageId: 200, offset: 199 } });
    dataset.images.setRange(4_050, 4_100);
    await settle();
    // The jump's pages have no loaded neighbour; the page above them is then read from the one below it.
    expect(imageQueries(backend).find((q) => q.offset === 4_000)).toEqual({
      offset: 4_000,
      limit: 200,
      identityId: undefined,
      status: undefined,
    });
    dataset.images.setRange(3_820, 3_900);
    await settle();
    expect(imageQueries(backend).find((q) => q.offset === 3_600)).toMatchObject({ before: { imageId: 3_801, offset: 3_800 } });
    dataset.setStatusFilter('ok');
    await settle();
    dataset.images.setRange(150, 250);
    await settle();
    const filtered = imageQueries(backend).filter((q) => q.status?.[0] === 'ok');
    expect(filtered[0]).toEqual({ offset: 0, limit: 200, identityId: undefined, status: ['ok'] });
    expect(filtered.find((q) => q.offset === 200)).toMatchObject({ after: { imageId: 200, offset: 199 } });
  });

  it('queries the selected identity and status, starting again from the top', async () => {
    const { backend, dataset } = setup();
    dataset.adopt({ images: 5_300, identities: 2 });
    await settle();
    dataset.select(2);
    expect(dataset.images.total).toBeNull();
    await settle();
    expect(dataset.selectedIdentity?.name).toBe('person-2');
    expect(dataset.images.total).toBe(300);
    dataset.setStatusFilter('duplicate');
    await settle();
    expect(imageQueries(backend).at(-1)).toEqual({ offset: 0, limit: 200, identityId: 2, status: ['duplicate'] });
  });

  it('falls back to all images when the selected identity disappears', async () => {
    const { backend, dataset } = setup();
    dataset.adopt({ images: 5_300, identities: 2 });
    await settle();
    dataset.select(2);
    backend.handlers['dataset.identities'] = () => [identity(1)];
    dataset.refresh();
    await settle();
    expect(dataset.selectedIdentityId).toBeNull();
  });

  it('starts imports and reports refusals with their code', async () => {
    const { backend, dataset, notices } = setup();
    backend.handlers['dataset.import'] = () => ({ jobId: 9 });
    expect(await dataset.import({ layout: 'imagefolder', root: '/faces' })).toBe(9);
    backend.handlers['dataset.import'] = ({ root }) => {
      throw new ApiError('NOT_FOUND', `no folder ${root}`);
    };
    expect(await dataset.import({ layout: 'csv', root: '/nope', mappingCsv: '/nope.csv' })).toBeNull();
    expect(dataset.importing).toBe(false);
    expect(notices.items.map((n) => [n.code, n.message])).toEqual([['NOT_FOUND', 'no folder /nope']]);
  });

  it('reports a failed page load', async () => {
    const { backend, dataset, notices } = setup();
    backend.handlers['dataset.images'] = () => {
      throw new ApiError('NO_PROJECT', 'open or create a project first');
    };
    dataset.adopt({ images: 1, identities: 1 });
    await settle();
    expect(notices.items.map((n) => [n.code, n.context])).toEqual([['NO_PROJECT', 'Loading images']]);
  });

  it('clears everything when the project closes', async () => {
    const { dataset } = setup();
    dataset.adopt({ images: 5_300, identities: 2 });
    await settle();
    dataset.clear();
    expect(dataset.identities).toEqual([]);
    expect(dataset.imageCount).toBe(0);
    expect(dataset.images.total).toBeNull();
  });
});
