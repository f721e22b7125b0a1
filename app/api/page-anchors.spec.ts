import { describe, expect, it } from 'vitest';
import { PageSegment } from './curation.ts';
import { ImageQuery } from './dataset.ts';

describe('page anchors', () => {
  it('take an anchor just above or just below a dataset slice or a curation segment', () => {
    expect(
      ImageQuery.safeParse({ offset: 10, limit: 5, after: { imageId: 1, offset: 9 }, before: { imageId: 2, offset: 15 } }).success,
    ).toBe(true);
    expect(
      PageSegment.safeParse({
        groupKey: 'g',
        offset: 10,
        limit: 5,
        after: { variantId: 1, offset: 9 },
        before: { variantId: 2, offset: 15 },
      }).success,
    ).toBe(true);
  });

  it('refuse an anchor inside or on the wrong side of the page, naming which one', () => {
    const slice = ImageQuery.safeParse({ offset: 10, limit: 5, after: { imageId: 1, offset: 10 }, before: { imageId: 2, offset: 14 } });
    expect(slice.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['after', 'an `after` anchor lies above its slice'],
      ['before', 'a `before` anchor lies below its slice'],
    ]);
    const segment = PageSegment.safeParse({ groupKey: 'g', offset: 10, limit: 5, before: { variantId: 2, offset: 3 } });
    expect(segment.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['before', 'a `before` anchor lies below its segment'],
    ]);
  });
});
