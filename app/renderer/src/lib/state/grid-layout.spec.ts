import { describe, expect, it } from 'vitest';
import { GridLayout } from './grid-layout.ts';

const groups = [
  { key: 'a', count: 5 },
  { key: 'b', count: 2 },
  { key: 'c', count: 7 },
];

describe('GridLayout', () => {
  const layout = new GridLayout(groups, 3);

  it('wraps each group over its own lines', () => {
    expect(layout.total).toBe(14);
    expect(layout.lineCount).toBe(2 + 1 + 3);
    expect([0, 1, 2, 3, 4, 5].map((i) => layout.line(i))).toEqual([
      { group: 0, first: 0, length: 3, opensGroup: true },
      { group: 0, first: 3, length: 2, opensGroup: false },
      { group: 1, first: 5, length: 2, opensGroup: true },
      { group: 2, first: 7, length: 3, opensGroup: true },
      { group: 2, first: 10, length: 3, opensGroup: false },
      { group: 2, first: 13, length: 1, opensGroup: false },
    ]);
  });

  it('maps flat indices to lines and steps up and down by column', () => {
    expect([0, 4, 5, 6, 7, 13].map((i) => layout.lineOf(i))).toEqual([0, 1, 2, 2, 3, 5]);
    expect(layout.step(2, 1)).toBe(4);
    expect(layout.step(4, 1)).toBe(6);
    expect(layout.step(6, 1)).toBe(8);
    expect(layout.step(12, 1)).toBe(13);
    expect(layout.step(1, -1)).toBeNull();
    expect(layout.step(13, 1)).toBeNull();
  });

  it('turns visible lines into per-group page segments', () => {
    expect(layout.flatRange(1, 4)).toEqual([3, 10]);
    expect(layout.segments(3, 10)).toEqual([
      { groupKey: 'a', offset: 3, limit: 2 },
      { groupKey: 'b', offset: 0, limit: 2 },
      { groupKey: 'c', offset: 0, limit: 3 },
    ]);
    expect(layout.segments(12, 400)).toEqual([{ groupKey: 'c', offset: 5, limit: 2 }]);
  });

  it('handles an empty view', () => {
    const empty = new GridLayout([], 4);
    expect(empty.lineCount).toBe(0);
    expect(empty.flatRange(0, 10)).toEqual([0, 0]);
    expect(empty.segments(0, 200)).toEqual([]);
  });
});
