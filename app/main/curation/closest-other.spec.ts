import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedFacesOrSkip } from '../../../test/fixtures/shared-faces.ts';
import { createHarness, type Harness } from './testing/curation-harness.ts';

describe.runIf(sharedFacesOrSkip())('closest other identity in the grid', () => {
  let harness: Harness;
  /** Variant id → [closest other identity's cosine, own centroid's cosine]. */
  const scores = new Map<number, [number, number]>();

  beforeAll(async () => {
    harness = await createHarness({ identities: 2, imagesPerIdentity: 2, variantsPerImage: 3 });
    const db = harness.session().db;
    const identities = db.prepare('SELECT id FROM identities ORDER BY id').pluck().all() as number[];
    const variants = db.prepare('SELECT id, identity_id, id_to_centroid FROM variants ORDER BY id').all() as {
      id: number;
      identity_id: number;
      id_to_centroid: number;
    }[];
    const update = db.prepare('UPDATE variants SET nearest_other_identity_id = ?, id_to_nearest_other = ? WHERE id = ?');
    variants.forEach((v, i) => {
      // Every third variant looks more like the other person than its own.
      const other = v.id_to_centroid + (i % 3 === 0 ? 0.05 : -0.2 - i / 100);
      update.run(
        identities.find((id) => id !== v.identity_id)!,
        other,
        v.id,
      );
      scores.set(v.id, [other, v.id_to_centroid]);
    });
  });

  afterAll(async () => {
    await harness.cleanup();
  });

  it('shows each variant’s closest other identity with its name and score', async () => {
    const groups = await harness.call('curation.groups', { view: { groupBy: 'identity' } });
    const page = await harness.call('curation.page', {
      view: { groupBy: 'identity' },
      segments: [{ groupKey: groups.groups[0].key, offset: 0, limit: 50 }],
    });
    for (const tile of page.segments[0].items) {
      expect(tile.nearestOtherIdentityId).not.toBe(tile.identityId);
      expect(tile.nearestOtherName).toBe(groups.groups[1].label);
      expect(tile.idToNearestOther).toBeCloseTo(scores.get(tile.id)![0]);
    }
  });

  it('filters to the variants closer to someone else, and sorts by that score', async () => {
    const view = {
      groupBy: 'edit' as const,
      sort: 'idToNearestOther' as const,
      direction: 'desc' as const,
      filter: { closerToOther: true },
    };
    const groups = await harness.call('curation.groups', { view });
    const closer = [...scores].filter(([, [other, own]]) => other > own).map(([id]) => id);
    expect(groups.total).toBe(closer.length);
    expect(closer.length).toBeGreaterThan(0);
    const all = await harness.call('curation.groups', { view: { groupBy: 'edit', sort: 'idToNearestOther', direction: 'desc' } });
    const page = await harness.call('curation.page', {
      view: { ...view, filter: {} },
      segments: all.groups.map((g) => ({ groupKey: g.key, offset: 0, limit: 50 })),
    });
    for (const segment of page.segments) {
      const values = segment.items.map((t) => t.idToNearestOther!);
      expect(values).toEqual([...values].sort((a, b) => b - a));
    }
  });
});
