import { describe, expect, it, vi } from 'vitest';
import type { VariantGroups, PageSegment, TileStatus, VariantTile } from '#api/curation.ts';
import { CurationGrid } from './curation-grid.svelte.ts';
import { FakeBackend } from '../testing/fake-backend.ts';
import { Notices } from './notices.svelte.ts';
import { ApiError } from '#api/errors.ts';

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

  it('shows a decision on its tile at the key press, before the host answers, and the re-read page agrees', async () => {
    const { grid, fake } = await loaded();
    const stored = fake.handlers['curation.decide']!;
    let answer: () => void = () => undefined;
    fake.handlers['curation.decide'] = (input) => new Promise((resolve) => (answer = () => resolve(stored(input))));
    const saving = grid.decide('accepted');
    expect(grid.tileAt(0)?.status).toBe('accepted');
    expect(grid.isSaving(1)).toBe(true);
    expect(grid.window.itemAt(0)?.status).toBe('unset');
    expect(grid.cursor).toBe(1);
    await vi.waitFor(() => expect(fake.callsOf('curation.decide')).toHaveLength(1));
    answer();
    await saving;
    expect(grid.isSaving(1)).toBe(false);
    expect(grid.tileAt(0)?.status).toBe('accepted');
    grid.refresh();
    await vi.waitFor(() => expect(grid.window.itemAt(0)?.status).toBe('accepted'));
    expect(grid.tileAt(0)?.status).toBe('accepted');
  });

  it('takes a refused decision back off its tile and tells the reviewer', async () => {
    const fake = host();
    const notices = new Notices();
    const grid = new CurationGrid(fake.client, notices);
    grid.setColumns(2);
    await grid.reload();
    grid.setLines(0, 10);
    await vi.waitFor(() => expect(grid.window.itemAt(4)?.id).toBe(5));
    fake.handlers['curation.decide'] = () => {
      throw new ApiError('INTERNAL', 'database is locked');
    };
    const saving = grid.decide('rejected');
    expect(grid.tileAt(0)?.status).toBe('rejected');
    await saving;
    expect(grid.tileAt(0)?.status).toBe('unset');
    expect(grid.isSaving(1)).toBe(false);
    expect(notices.items).toMatchObject([{ code: 'INTERNAL', message: 'database is locked', context: 'Saving the decision on variant 1' }]);
  });

  it('ends with the host holding the last of several quick decisions, sent in key-press order', async () => {
    const { grid, fake } = await loaded();
    const stored = fake.handlers['curation.decide']!;
    // The first answers come slowest: were calls not chained, the host would store them out of order.
    let delay = 60;
    fake.handlers['curation.decide'] = async (input) => {
      await new Promise((resolve) => setTimeout(resolve, (delay = Math.max(0, delay - 20))));
      return stored(input);
    };
    const presses: Promise<void>[] = [];
    for (const [index, status] of [
      [0, 'accepted'],
      [0, 'rejected'],
      [1, 'rejected'],
      [0, 'unset'],
      [1, 'accepted'],
      [0, 'accepted'],
    ] as const) {
      grid.select(index);
      presses.push(grid.decide(status));
      expect(grid.tileAt(index)?.status).toBe(status);
    }
    await Promise.all(presses);
    expect(fake.callsOf('curation.decide')).toEqual([
      { variantIds: [1], status: 'accepted' },
      { variantIds: [1], status: 'rejected' },
      { variantIds: [2], status: 'rejected' },
      { variantIds: [1], status: 'unset' },
      { variantIds: [2], status: 'accepted' },
      { variantIds: [1], status: 'accepted' },
    ]);
    expect([grid.tileAt(0)?.status, grid.tileAt(1)?.status]).toEqual(['accepted', 'accepted']);
    grid.refresh();
    await vi.waitFor(() => expect([grid.window.itemAt(0)?.status, grid.window.itemAt(1)?.status]).toEqual(['accepted', 'accepted']));
  });

  it('shows what the host serves once the page is read again, e.g. after an undo', async () => {
    const { grid, fake } = await loaded();
    await grid.decide('accepted');
    expect(grid.tileAt(0)?.status).toBe('accepted');
    const decide = fake.handlers['curation.decide']!;
    fake.handlers['curation.undo'] = async () => {
      const undone = await decide({ variantIds: [1], status: 'unset' });
      return { ...undone, focusVariantId: 1 };
    };
    await grid.undo();
    grid.refresh();
    await vi.waitFor(() => expect(grid.tileAt(0)?.status).toBe('unset'));
    expect(grid.cursor).toBe(0);
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
