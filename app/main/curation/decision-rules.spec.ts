import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RuleRequest } from '#api/curation.ts';
import { sharedFacesOrSkip } from '../../../test/fixtures/shared-faces.ts';
import { createHarness, eventsOf, type Harness } from './testing/curation-harness.ts';

function statuses(harness: Harness): Map<number, string> {
  const rows = harness.session().db.prepare('SELECT variant_id, status FROM decisions').all() as { variant_id: number; status: string }[];
  return new Map(rows.map((r) => [r.variant_id, r.status]));
}

describe.runIf(sharedFacesOrSkip())('decision rules', () => {
  let harness: Harness;

  beforeAll(async () => {
    // 3 identities × 3 images × 5 variants; id_to_source per image: 0.1, 0.3, 0.5, 0.7, 0.9.
    harness = await createHarness({ identities: 3, imagesPerIdentity: 3, variantsPerImage: 5 });
  });

  afterAll(async () => {
    await harness.cleanup();
  });

  const cases: [string, RuleRequest, number][] = [
    ['reject identity below a threshold', { rule: { kind: 'rejectBelow', metric: 'idToSource', threshold: 0.4 }, overwrite: false }, 18],
    ['reject near-duplicates', { rule: { kind: 'rejectNearDuplicates', maxDiversity: 0.05 }, overwrite: false }, 18],
    ['accept a band', { rule: { kind: 'acceptBand', metric: 'idToSource', min: 0.45, max: 0.75 }, overwrite: false }, 18],
    [
      'scope to one identity',
      { rule: { kind: 'rejectBelow', metric: 'idToCentroid', threshold: 0.4 }, identityId: 1, overwrite: false },
      6,
    ],
  ];

  it.each(cases)('%s: the preview counts exactly what apply changes, as one undoable action', async (_name, request, expected) => {
    const preview = await harness.call('curation.rulePreview', request);
    expect(preview.changes).toBe(expected);
    expect(preview.fromUnset).toBe(expected);
    const before = statuses(harness);
    const applied = await harness.call('curation.ruleApply', request);
    expect(applied.changed).toBe(preview.changes);
    expect(statuses(harness).size - before.size).toBe(expected);
    expect((await harness.call('curation.rulePreview', request)).changes).toBe(0);

    await harness.call('curation.undo', {});
    expect(statuses(harness)).toEqual(before);
  });

  it('leaves decisions made by hand alone unless asked to overwrite them', async () => {
    const low = harness.variants.filter((v) => v.idToSource < 0.4);
    await harness.call('curation.decide', { variantIds: [low[0].id], status: 'accepted' });
    const rule = { kind: 'rejectBelow', metric: 'idToSource', threshold: 0.4 } as const;

    const keep = await harness.call('curation.rulePreview', { rule, overwrite: false });
    expect(keep).toMatchObject({ matched: low.length, changes: low.length - 1, fromAccepted: 0 });
    const replace = await harness.call('curation.rulePreview', { rule, overwrite: true });
    expect(replace).toMatchObject({ matched: low.length, changes: low.length, fromAccepted: 1, fromUnset: low.length - 1 });

    const applied = await harness.call('curation.ruleApply', { rule, overwrite: true });
    expect(applied.changed).toBe(replace.changes);
    expect(applied.label).toBe('reject identity to source < 0.4');
    expect(eventsOf(harness, 'curation.changed').at(-1)).toMatchObject({ reason: 'rule', actionId: applied.actionId });
    expect(statuses(harness).get(low[0].id)).toBe('rejected');

    await harness.call('curation.undo', {});
    expect(statuses(harness).get(low[0].id)).toBe('accepted');
    await harness.call('curation.undo', {});
    expect(statuses(harness).size).toBe(0);
  });

  it('never matches unscored variants', async () => {
    const [v] = harness.variants;
    harness.session().db.prepare('UPDATE variants SET id_to_source = NULL WHERE id = ?').run(v.id);
    const preview = await harness.call('curation.rulePreview', {
      rule: { kind: 'rejectBelow', metric: 'idToSource', threshold: 1 },
      overwrite: false,
    });
    expect(preview.matched).toBe(harness.variants.length - 1);
    harness.session().db.prepare('UPDATE variants SET id_to_source = ? WHERE id = ?').run(v.idToSource, v.id);
  });
});
