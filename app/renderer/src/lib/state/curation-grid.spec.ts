import { describe, expect, it, vi } from 'vitest';
import type { VariantGroups, PageSegment, TileStatus, VariantTile } from '#api/curation.ts';
import { CurationGrid } from './curation-grid.svelte.ts';
import { FakeBackend } from '../testing/fake-backend.ts';
import { Notices } from './notices.svelte.ts';

function tile(id: number, sourceImageId: number, status: TileStatus = 'unset'): VariantTile {
  return {
    id,
    sourceImageId,
    sourceKey: `originals/${sourceImageId}`,
    identityId: 1,
    identityName: 's1',
    ordinal: id,
    editKind: 'relight',
    strength: 0.5,
    seed: id,
    fileKey: `variants/v${id}.png`,
    width: 92,
    height: 112,
    idToSource: 0.5,
    idToCentroid: 0.4,
    nearestOtherIdentityId: null,
    nearestOtherName: null,
    idToNearestOther: null,
    diversity: 0.1,
    status,
    decidedBy: null,
    decidedAt: null,
  };
}

/**
 * Two sources: 10 → variants 1..3, 20 → variants 4..5; decisions change the store like the host would.
 * `holdGroups` decides when each `curation.groups` answer arrives.
 */
function host(holdGroups: (answer: () => VariantGroups) => VariantGroups | Promise<VariantGroups> = (answer) => answer()) {
  const tiles = new Map<string, VariantTile[]>([
    ['10', [tile(1, 10), tile(2, 10), tile(3, 10)]],
    ['20', [tile(4, 20), tile(5, 20)]],
  ]);
  const history = { canUndo: false, canRedo: false, undoLabel: null, redoLabel: null };
  const group = (key: string) => ({
    key,
    label: key,
    count: tiles.get(key)!.length,
    accepted: 0,
    rejected: 0,
    sourceImageId: Number(key),
    sourceKey: `originals/${key}`,
    identityName: 's1',
  });
  return new FakeBackend({
    'curation.groups': () => holdGroups(() => ({ total: 5, groups: [group('10'), group('20')] })),
    'curation.page': ({ segments }: { segments: PageSegment[] }) => ({
      segments: segments.map((s) => ({
        groupKey: s.groupKey,
        offset: s.offset,
        items: tiles.get(s.groupKey)!.slice(s.offset, s.offset + s.limit),
      })),
    }),
    'curation.history': () => history,
    'curation.decide': ({ variantIds, status }: { variantIds: number[]; status: TileStatus }) => {
      for (const list of tiles.values()) for (const t of list) if (variantIds.includes(t.id)) t.status = status;
      return { actionId: 1, label: 'x', changed: 1, focusVariantId: variantIds[0], history: { ...history, canUndo: true } };
    },
    'curation.locate': ({ variantId }: { variantId: number }) => {
      for (const [groupKey, list] of tiles) {
        const offset = list.findIndex((t) => t.id === variantId);
        if (offset >= 0) return { groupKey, offset };
      }
      return null;
    },
    'curation.undo': () => ({ actionId: 1, label: 'x', changed: 1, focusVariantId: 4, history }),
  });
}

async function loaded(): Promise<{ grid: CurationGrid; fake: ReturnType<typeof host> }> {
  const fake = host();
  const grid = new CurationGrid(fake.client, new Notices());
  grid.setColumns(2);
  await grid.reload();
  grid.setLines(0, 10);
  await vi.waitFor(() => expect(grid.window.itemAt(4)?.id).toBe(5));
  return { grid, fake };
}

describe('CurationGrid', () => {
  it('lays groups out in lines and fetches them as per-group segments', async () => {
    const { grid, fake } = await loaded();
    expect(grid.layout.lineCount).toBe(3);
    const page = fake.calls.find((c) => c.command === 'curation.page')!.input as { segments: PageSegment[] };
    expect(page.segments).toEqual([
      { groupKey: '10', offset: 0, limit: 3 },
      { groupKey: '20', offset: 0, limit: 2 },
    ]);
  });

  it('moves by arrows across lines and groups', async () => {
    const { grid } = await loaded();
    grid.move('down');
    expect(grid.cursor).toBe(2);
    grid.move('down');
    expect(grid.cursor).toBe(3);
    grid.move('right');
    expect(grid.cursor).toBe(4);
    grid.move('right');
    expect(grid.cursor).toBe(4);
    grid.move('up');
    expect(grid.cursor).toBe(2);
  });

  it('decides the tile under the cursor and moves on', async () => {
    const { grid, fake } = await loaded();
    await grid.decide('accepted');
    expect(fake.calls.at(-1)).toEqual({ command: 'curation.decide', input: { variantIds: [1], status: 'accepted' } });
    expect(grid.cursor).toBe(1);
    expect(grid.history.canUndo).toBe(true);
  });

  it('fetches the tiles against the groups when a counts refresh overtakes the first load of them', async () => {
    const held: (() => void)[] = [];
    const fake = host((answer) => new Promise<VariantGroups>((resolve) => held.push(() => resolve(answer()))));
    const grid = new CurationGrid(fake.client, new Notices());
    grid.setColumns(2);
    const reloading = grid.reload();
    const refreshing = grid.refreshGroups();
    await vi.waitFor(() => expect(held).toHaveLength(2));
    held[0]();
    await reloading;
    // What the virtual grid does meanwhile, with the layout it has: none yet.
    grid.setLines(0, 10);
    held[1]();
    await refreshing;
    grid.setLines(0, 10);
    await vi.waitFor(() => expect(grid.window.itemAt(4)?.id).toBe(5));
  });

  // The e2e kill test relies on this: a tile that shows a decision shows what the host has committed.
  it('shows a decision only once the host serves it back, never optimistically', async () => {
    const { grid } = await loaded();
    await grid.decide('accepted');
    expect(grid.window.itemAt(0)?.status).toBe('unset');
    grid.refresh();
    await vi.waitFor(() => expect(grid.window.itemAt(0)?.status).toBe('accepted'));
  });

  it('keeps decided tiles in a status-filtered view, so nothing shifts under the cursor', async () => {
    const { grid } = await loaded();
    grid.view.statuses = ['unset'];
    await grid.decide('rejected');
    expect(grid.cursor).toBe(1);
    expect(grid.apiView()).toMatchObject({ filter: { statuses: ['unset'], keepIds: [1] } });
    const key = grid.viewKey;
    await grid.decide('rejected');
    expect(grid.viewKey).toBe(key);
    await grid.reload();
    expect(grid.apiView().filter).not.toHaveProperty('keepIds');
  });

  it('sends decisions in key-press order, each for the tile the key was pressed on', async () => {
    const { grid, fake } = await loaded();
    await Promise.all([grid.decide('accepted'), grid.decide('rejected'), grid.decide('accepted')]);
    const decided = fake.calls.filter((c) => c.command === 'curation.decide').map((c) => c.input);
    expect(decided).toEqual([
      { variantIds: [1], status: 'accepted' },
      { variantIds: [2], status: 'rejected' },
      { variantIds: [3], status: 'accepted' },
    ]);
    expect(grid.cursor).toBe(3);
  });

  it('keeps the selected variant selected when the group, sort or filter changes', async () => {
    const { grid } = await loaded();
    grid.select(4);
    expect(grid.current?.id).toBe(5);
    grid.view.sort = 'idToSource';
    await grid.reload();
    expect(grid.cursor).toBe(4);
    grid.setLines(0, 10);
    await vi.waitFor(() => expect(grid.current?.id).toBe(5));
  });

  it('puts the cursor back on the variant an undo restored', async () => {
    const { grid } = await loaded();
    await grid.undo();
    expect(grid.cursor).toBe(3);
  });

  it('asks for the next slice of a long group from the tile above it, and for a slice above a jump from the tile below', async () => {
    const long = Array.from({ length: 2000 }, (_, i) => tile(i + 1, 10));
    const fake = new FakeBackend({
      'curation.groups': () => ({
        total: long.length,
        groups: [
          {
            key: '10',
            label: '10',
            count: long.length,
            accepted: 0,
            rejected: 0,
            sourceImageId: 10,
            sourceKey: 'o/10',
            identityName: null,
          },
        ],
      }),
      'curation.page': ({ segments }: { segments: PageSegment[] }) => ({
        segments: segments.map((s) => ({ groupKey: s.groupKey, offset: s.offset, items: long.slice(s.offset, s.offset + s.limit) })),
      }),
      'curation.history': () => ({ canUndo: false, canRedo: false, undoLabel: null, redoLabel: null }),
    });
    const pages = () =>
      fake.calls.filter((c) => c.command === 'curation.page').map((c) => (c.input as { segments: PageSegment[] }).segments[0]);
    const grid = new CurationGrid(fake.client, new Notices());
    grid.setColumns(10);
    await grid.reload();
    grid.setLines(0, 5);
    await vi.waitFor(() => expect(grid.window.itemAt(199)?.id).toBe(200));
    expect(pages()[0]).toEqual({ groupKey: '10', offset: 0, limit: 200 });

    grid.setLines(25, 30);
    await vi.waitFor(() => expect(grid.window.itemAt(399)?.id).toBe(400));
    expect(pages().find((s) => s.offset === 200)).toEqual({
      groupKey: '10',
      offset: 200,
      limit: 200,
      after: { variantId: 200, offset: 199 },
    });

    grid.setLines(195, 200);
    await vi.waitFor(() => expect(grid.window.itemAt(1800)?.id).toBe(1801));
    expect(pages().find((s) => s.offset === 1800)).toEqual({ groupKey: '10', offset: 1800, limit: 200 });
    grid.setLines(175, 180);
    await vi.waitFor(() => expect(grid.window.itemAt(1600)?.id).toBe(1601));
    expect(pages().find((s) => s.offset === 1600)).toEqual({
      groupKey: '10',
      offset: 1600,
      limit: 200,
      before: { variantId: 1801, offset: 1800 },
    });
  });
});
