import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultKeymap, GroupBy, SortKey, VariantView } from '#api/curation.ts';
import { sharedFacesOrSkip } from '../../../test/fixtures/shared-faces.ts';
import { DEFAULT_EMBEDDING_MODEL } from '../vision/embedding-models.ts';
import { identityCalibration, identityThreshold } from '../vision/identity-calibration.ts';
import { createHarness, type Harness } from './testing/curation-harness.ts';
import { ListPositions } from '../project/list-positions.ts';
import { VariantQuery } from './variant-query.ts';
import type { ProjectDatabase } from '../project/project-database.ts';
import { and, filterCondition, groupCondition, orderBy } from './variant-sql.ts';

/** Every grouping, order, direction and status filter the grid can ask for. */
function* everyView(): Generator<VariantView> {
  for (const groupBy of GroupBy.options)
    for (const sort of SortKey.options)
      for (const direction of ['asc', 'desc'] as const)
        for (const filter of [{}, { statuses: ['unset' as const] }]) yield VariantView.parse({ groupBy, sort, direction, filter });
}

/** The group's ids as the old query read them: the whole group sorted, the answer every slice must match. */
function sortedGroup(db: ProjectDatabase, view: VariantView, key: string): number[] {
  const where = and(filterCondition(view.filter), groupCondition(view.groupBy, key));
  return db
    .prepare(
      `SELECT v.id FROM variants v LEFT JOIN decisions d ON d.variant_id = v.id WHERE ${where.sql} ORDER BY ${orderBy(view.sort, view.direction)}`,
    )
    .pluck()
    .all(...where.params) as number[];
}

function describeView(view: VariantView, key: string, offset: number): string {
  return `${view.groupBy} ${view.sort} ${view.direction} ${JSON.stringify(view.filter)} group ${key} @${offset}`;
}

describe.runIf(sharedFacesOrSkip())('variant grid queries', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await createHarness({ identities: 2, imagesPerIdentity: 3, variantsPerImage: 4 });
  });

  afterAll(async () => {
    await harness.cleanup();
  });

  it('groups by source with the source pinned, ordered by identity and path', async () => {
    const groups = await harness.call('curation.groups', { view: { groupBy: 'source' } });
    expect(groups.total).toBe(24);
    expect(groups.groups.map((g) => g.label)).toEqual(['s11/1.png', 's11/2.png', 's11/3.png', 's12/1.png', 's12/2.png', 's12/3.png']);
    expect(groups.groups[0]).toMatchObject({
      count: 4,
      identityName: 's11',
      sourceImageId: harness.images[0].id,
      sourceKey: `originals/${harness.images[0].id}`,
    });
  });

  it('groups by identity and by edit', async () => {
    const byIdentity = await harness.call('curation.groups', { view: { groupBy: 'identity' } });
    expect(byIdentity.groups.map((g) => [g.label, g.count])).toEqual([
      ['s11', 12],
      ['s12', 12],
    ]);
    const byEdit = await harness.call('curation.groups', { view: { groupBy: 'edit' } });
    expect(byEdit.groups.map((g) => [g.key, g.count])).toEqual([
      ['age', 6],
      ['expression', 6],
      ['relight', 12],
    ]);
  });

  it('pages a slice of a group, sorted by a score, unscored last', async () => {
    const view = { groupBy: 'identity' as const, sort: 'idToSource' as const, direction: 'desc' as const };
    const page = await harness.call('curation.page', {
      view,
      segments: [
        { groupKey: '1', offset: 0, limit: 3 },
        { groupKey: '1', offset: 3, limit: 3 },
      ],
    });
    const scores = page.segments.flatMap((s) => s.items.map((t) => t.idToSource));
    expect(scores).toEqual([0.9, 0.9, 0.9, 0.633, 0.633, 0.633]);
    expect(page.segments[1].offset).toBe(3);
  });

  it('filters by edit, status and score range', async () => {
    const [a] = harness.variants;
    await harness.call('curation.decide', { variantIds: [a.id], status: 'accepted' });
    const count = async (filter: object) => (await harness.call('curation.groups', { view: { groupBy: 'identity', filter } })).total;
    expect(await count({ editKinds: ['relight'] })).toBe(12);
    expect(await count({ statuses: ['accepted'] })).toBe(1);
    expect(await count({ statuses: ['unset'] })).toBe(23);
    expect(await count({ statuses: ['unset'], keepIds: [a.id] })).toBe(24);
    expect(await count({ score: { metric: 'idToSource', min: 0.5 } })).toBe(12);
    expect(await count({ score: { metric: 'idToSource', min: 0.2, max: 0.5 } })).toBe(6);
    expect(await count({ identityId: harness.images[3].identityId, editKinds: ['age'] })).toBe(3);
    await harness.call('curation.undo', {});
  });

  it('locates a variant in any view exactly where page serves it, and not in a view that leaves it out', async () => {
    const views = [
      { groupBy: 'identity' as const, sort: 'idToSource' as const, direction: 'desc' as const },
      { groupBy: 'edit' as const, sort: 'strength' as const, direction: 'asc' as const },
      { groupBy: 'source' as const },
    ];
    const target = harness.variants[17];
    for (const view of views) {
      const at = await harness.call('curation.locate', { view, variantId: target.id });
      expect(at).not.toBeNull();
      const page = await harness.call('curation.page', { view, segments: [{ groupKey: at!.groupKey, offset: at!.offset, limit: 1 }] });
      expect(page.segments[0].items[0].id).toBe(target.id);
    }
    const otherEdit = harness.variants.find((v) => v.editKind !== target.editKind)!.editKind;
    expect(
      await harness.call('curation.locate', { view: { groupBy: 'source', filter: { editKinds: [otherEdit] } }, variantId: target.id }),
    ).toBeNull();
  });

  it('answers an unknown group key with an empty slice', async () => {
    const page = await harness.call('curation.page', {
      view: { groupBy: 'source' },
      segments: [{ groupKey: 'not-a-number', offset: 0, limit: 5 }],
    });
    expect(page.segments[0].items).toEqual([]);
  });

  it('histograms a score by status, with unscored variants counted apart', async () => {
    const low = harness.variants.filter((v) => v.idToSource < 0.2);
    await harness.call('curation.decide', { variantIds: low.map((v) => v.id), status: 'rejected' });
    const histogram = await harness.call('curation.histogram', { metric: 'idToSource', bins: 8 });
    expect(histogram.from).toBe(0.1);
    expect(histogram.to).toBe(0.9);
    expect(histogram.bins).toHaveLength(8);
    expect(histogram.bins[0]).toMatchObject({ rejected: 6, accepted: 0, unset: 0 });
    expect(histogram.bins.at(-1)).toMatchObject({ unset: 6 });
    const total = histogram.bins.reduce((sum, b) => sum + b.accepted + b.rejected + b.unset, 0);
    expect(total + histogram.missing).toBe(24);
    await harness.call('curation.undo', {});
  });

  it('lists the edits and identities to filter by', async () => {
    const facets = await harness.call('curation.facets', {});
    expect(facets.editKinds).toEqual(['age', 'expression', 'relight']);
    expect(facets.identities.map((i) => i.name)).toEqual(['s11', 's12']);
  });

  it('compares a variant with its source, with a difference image', async () => {
    const brightest = harness.variants.find((v) => v.ordinal === 3)!;
    const view = await harness.call('curation.compare', { variantId: brightest.id });
    expect(view.variant.id).toBe(brightest.id);
    expect(view).toMatchObject({ sourceWidth: 92, sourceHeight: 112, packName: 'fixture-brightness', packVersion: '1.0.0' });
    expect(view.difference.startsWith('data:image/png;base64,')).toBe(true);
    expect(view.meanAbsDifference).toBeGreaterThan(0.01);
    const subtle = harness.variants.find((v) => v.ordinal === 1)!;
    const unchanged = await harness.call('curation.compare', { variantId: subtle.id });
    expect(unchanged.meanAbsDifference).toBeLessThan(view.meanAbsDifference);
    await expect(harness.call('curation.compare', { variantId: 999_999 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(view.alignedSource).toBeNull();
  });

  it('compares against the source face aligned like the generator when the variant names its face', async () => {
    const db = harness.session().db;
    const variant = harness.variants[0];
    const faceId = Number(
      db
        .prepare(
          `INSERT INTO faces (image_id, face_index, box, score, five_points, is_primary)
           VALUES (?, 0, '[0,0,92,112]', 0.99, '[[30,50],[62,50],[46,66],[34,84],[58,84]]', 1)`,
        )
        .run(variant.sourceImageId).lastInsertRowid,
    );
    db.prepare('UPDATE variants SET source_face_id = ?, width = 96, height = 96 WHERE id = ?').run(faceId, variant.id);
    const view = await harness.call('curation.compare', { variantId: variant.id });
    expect(view.alignedSource?.startsWith('data:image/png;base64,')).toBe(true);
    db.prepare('UPDATE variants SET source_face_id = NULL, width = 92, height = 112 WHERE id = ?').run(variant.id);
  });

  it('persists the keymap and refuses a key bound twice', async () => {
    expect(await harness.call('curation.keymap', {})).toEqual(defaultKeymap);
    const keymap = { ...defaultKeymap, accept: ['y'], reject: ['n'] };
    await harness.call('curation.setKeymap', { keymap });
    expect(await harness.call('curation.keymap', {})).toEqual(keymap);
    await expect(harness.call('curation.setKeymap', { keymap: { ...keymap, unset: ['y'] } })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });

  it('suggests the scorer’s calibrated threshold at FAR 1e-3, with every calibrated threshold for the histogram', async () => {
    const defaults = await harness.call('curation.ruleDefaults', {});
    const calibration = identityCalibration(DEFAULT_EMBEDDING_MODEL);
    expect(defaults).toMatchObject({
      identityThreshold: identityThreshold(DEFAULT_EMBEDDING_MODEL, 1e-3),
      identitySource: 'calibration',
      far: 0.001,
    });
    expect(defaults.identityThresholds.map((t) => t.far)).toEqual([1e-2, 1e-3, 1e-4]);
    expect(defaults.identityThresholds).toEqual(calibration.thresholds);
    expect(defaults.identityNote).toContain('LFW');
  });
});

describe.runIf(sharedFacesOrSkip())('variant grid pages seek from an anchor', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await createHarness({ identities: 2, imagesPerIdentity: 3, variantsPerImage: 4 });
    const db = harness.workspace.require().db;
    // Unscored rows and decisions, so both halves of a score order and a status filter are walked.
    db.prepare('UPDATE variants SET id_to_centroid = NULL, diversity = NULL WHERE id % 5 = 0').run();
    await harness.call('curation.decide', {
      variantIds: harness.variants.filter((_, i) => i % 3 === 0).map((v) => v.id),
      status: 'accepted',
    });
  });

  afterAll(async () => {
    await harness.cleanup();
  });

  it('serve every slice of every group, in every order, grouping and status filter, as the full sorted group would', async () => {
    const db = harness.workspace.require().db;
    for (const view of everyView()) {
      const { groups } = await harness.call('curation.groups', { view });
      for (const group of groups) {
        const expected = sortedGroup(db, view, group.key);
        expect(expected).toHaveLength(group.count);
        for (let offset = 0; offset < expected.length; offset++) {
          const limit = Math.min(3, expected.length - offset);
          const slice = expected.slice(offset, offset + limit);
          const segments = [
            { groupKey: group.key, offset, limit },
            ...(offset > 0 ? [{ groupKey: group.key, offset, limit, after: { variantId: expected[offset - 1], offset: offset - 1 } }] : []),
            ...(offset + limit + 1 < expected.length
              ? [
                  {
                    groupKey: group.key,
                    offset,
                    limit,
                    before: { variantId: expected[offset + limit + 1], offset: offset + limit + 1 },
                  },
                ]
              : []),
          ];
          const page = await harness.call('curation.page', { view, segments });
          for (const served of page.segments)
            expect(
              served.items.map((t) => t.id),
              describeView(view, group.key, offset),
            ).toEqual(slice);
        }
      }
    }
  });

  it('falls back to the offset when the anchor is not in the slice’s group', async () => {
    const view = { groupBy: 'source' as const };
    const { groups } = await harness.call('curation.groups', { view });
    const other = (await harness.call('curation.page', { view, segments: [{ groupKey: groups[1].key, offset: 0, limit: 1 }] })).segments[0]
      .items[0];
    const page = await harness.call('curation.page', {
      view,
      segments: [{ groupKey: groups[0].key, offset: 1, limit: 2, after: { variantId: other.id, offset: 0 } }],
    });
    const plain = await harness.call('curation.page', { view, segments: [{ groupKey: groups[0].key, offset: 1, limit: 2 }] });
    expect(page).toEqual(plain);
  });

  it('serve a jump (no anchor) from the marks the host keeps as the full sorted group would, after any write too', async () => {
    const db = harness.workspace.require().db;
    // Marks every 2nd row, so groups of 4 to 12 variants have several and every skip past one is tried.
    const query = new VariantQuery(db, new ListPositions(db, { spacing: 2 }));
    for (const view of everyView()) {
      for (const group of query.groups(view).groups) {
        const expected = sortedGroup(db, view, group.key);
        // Far jumps first (marks found on the way), then every offset from the bottom up, past the end too.
        const offsets = [expected.length - 1, ...Array.from({ length: expected.length + 2 }, (_, k) => expected.length + 1 - k)];
        for (const offset of offsets) {
          const served = query.page(view, [{ groupKey: group.key, offset, limit: 3 }]).segments[0].items.map((t) => t.id);
          expect(served, describeView(view, group.key, offset)).toEqual(expected.slice(offset, offset + 3));
        }
      }
    }
    // A decision moves rows in and out of the undecided view: the marks read before it must not serve the pages after it.
    const view = VariantView.parse({ groupBy: 'identity', sort: 'idToSource', filter: { statuses: ['unset'] } });
    const key = query.groups(view).groups[0].key;
    const last = sortedGroup(db, view, key).length - 1;
    query.page(view, [{ groupKey: key, offset: last, limit: 3 }]);
    const first = sortedGroup(db, view, key).slice(0, 3);
    await harness.call('curation.decide', { variantIds: first, status: 'rejected' });
    const after = sortedGroup(db, view, key);
    for (let offset = 0; offset < after.length; offset++)
      expect(query.page(view, [{ groupKey: key, offset, limit: 3 }]).segments[0].items.map((t) => t.id)).toEqual(
        after.slice(offset, offset + 3),
      );
    await harness.call('curation.decide', { variantIds: first, status: 'unset' });
  });
});
