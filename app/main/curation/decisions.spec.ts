import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sharedFacesOrSkip } from '../../../test/fixtures/shared-faces.ts';
import { createHarness, eventsOf, type Harness } from './testing/curation-harness.ts';

const view = { groupBy: 'source' as const };

async function statusOf(harness: Harness, variantId: number): Promise<string> {
  const row = harness.session().db.prepare('SELECT status FROM decisions WHERE variant_id = ?').pluck().get(variantId);
  return (row as string | undefined) ?? 'unset';
}

describe.runIf(sharedFacesOrSkip())('decisions', () => {
  let harness: Harness;

  beforeEach(async () => {
    harness = await createHarness({ identities: 2, imagesPerIdentity: 2, variantsPerImage: 3 });
  });

  afterEach(async () => {
    await harness.cleanup();
  });

  it('writes each decision with who and when before the call returns', async () => {
    const [a, b] = harness.variants;
    const before = new Date().toISOString();
    const result = await harness.call('curation.decide', { variantIds: [a.id], status: 'accepted' });
    expect(result.changed).toBe(1);
    expect(result.focusVariantId).toBe(a.id);
    expect(result.history).toMatchObject({ canUndo: true, canRedo: false, undoLabel: `accept variant ${a.id}` });
    await harness.call('curation.decide', { variantIds: [b.id], status: 'rejected' });

    await harness.reopen();
    const rows = harness.session().db.prepare('SELECT * FROM decisions ORDER BY variant_id').all() as {
      variant_id: number;
      status: string;
      decided_by: string;
      decided_at: string;
    }[];
    expect(rows.map((r) => [r.variant_id, r.status, r.decided_by])).toEqual([
      [a.id, 'accepted', 'tester'],
      [b.id, 'rejected', 'tester'],
    ]);
    expect(rows[0].decided_at >= before).toBe(true);
  });

  it('records nothing when a decision changes nothing, keeping the redo branch', async () => {
    const [a] = harness.variants;
    await harness.call('curation.decide', { variantIds: [a.id], status: 'accepted' });
    await harness.call('curation.undo', {});
    const noop = await harness.call('curation.decide', { variantIds: [a.id], status: 'unset' });
    expect(noop.actionId).toBeNull();
    expect(noop.history.canRedo).toBe(true);
    const unknown = await harness.call('curation.decide', { variantIds: [999_999], status: 'accepted' });
    expect(unknown.changed).toBe(0);
  });

  it('undoes and redoes across a reopen, restoring who and when of the earlier decision', async () => {
    const [a] = harness.variants;
    await harness.call('curation.decide', { variantIds: [a.id], status: 'accepted' });
    const first = harness.session().db.prepare('SELECT decided_at FROM decisions WHERE variant_id = ?').pluck().get(a.id);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await harness.call('curation.decide', { variantIds: [a.id], status: 'rejected' });

    await harness.reopen();
    expect((await harness.call('curation.history', {})).undoLabel).toBe(`reject variant ${a.id}`);
    const undone = await harness.call('curation.undo', {});
    expect(undone.focusVariantId).toBe(a.id);
    expect(await statusOf(harness, a.id)).toBe('accepted');
    expect(harness.session().db.prepare('SELECT decided_at FROM decisions WHERE variant_id = ?').pluck().get(a.id)).toBe(first);

    await harness.reopen();
    await harness.call('curation.undo', {});
    expect(await statusOf(harness, a.id)).toBe('unset');
    expect((await harness.call('curation.undo', {})).actionId).toBeNull();

    await harness.reopen();
    await harness.call('curation.redo', {});
    expect(await statusOf(harness, a.id)).toBe('accepted');
    await harness.call('curation.redo', {});
    expect(await statusOf(harness, a.id)).toBe('rejected');
    expect((await harness.call('curation.history', {})).canRedo).toBe(false);
  });

  it('drops the redo branch when a new action follows an undo', async () => {
    const [a, b] = harness.variants;
    await harness.call('curation.decide', { variantIds: [a.id], status: 'accepted' });
    await harness.call('curation.undo', {});
    await harness.call('curation.decide', { variantIds: [b.id], status: 'rejected' });
    const history = await harness.call('curation.history', {});
    expect(history.canRedo).toBe(false);
    expect((await harness.call('curation.redo', {})).actionId).toBeNull();
    expect(await statusOf(harness, a.id)).toBe('unset');
  });

  it('broadcasts every change so other windows refresh', async () => {
    const [a, b] = harness.variants;
    await harness.call('curation.decide', { variantIds: [a.id, b.id], status: 'rejected' });
    await harness.call('curation.undo', {});
    await harness.call('curation.redo', {});
    const changes = eventsOf(harness, 'curation.changed');
    expect(changes.map((c) => c.reason)).toEqual(['decide', 'undo', 'redo']);
    expect(changes[0]).toMatchObject({ variantIds: [a.id, b.id], actor: 'tester' });
  });

  it('shows decisions in the grid and in the progress counts', async () => {
    const [a, b, c] = harness.variants;
    await harness.call('curation.decide', { variantIds: [a.id], status: 'accepted' });
    await harness.call('curation.decide', { variantIds: [b.id, c.id], status: 'rejected' });
    const progress = await harness.call('curation.progress', {});
    expect(progress).toMatchObject({ total: harness.variants.length, accepted: 1, rejected: 2, reviewed: 3 });
    expect(progress.identities.map((i) => i.name)).toEqual(['s11', 's12']);
    expect(progress.identities[0]).toMatchObject({ accepted: 1, rejected: 2, reviewed: 3 });

    const groups = await harness.call('curation.groups', { view });
    const first = groups.groups[0];
    expect(first).toMatchObject({ accepted: 1, rejected: 2, sourceImageId: a.sourceImageId });
    const page = await harness.call('curation.page', { view, segments: [{ groupKey: first.key, offset: 0, limit: 10 }] });
    expect(page.segments[0].items.map((t) => t.status)).toEqual(['accepted', 'rejected', 'rejected']);
    expect(page.segments[0].items[0]).toMatchObject({ decidedBy: 'tester', editKind: 'relight' });
  });
});
