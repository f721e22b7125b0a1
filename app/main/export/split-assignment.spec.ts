import { describe, expect, it } from 'vitest';
import { SplitSettings } from '#api/export.ts';
import { apportion, assignSplits, type SplitUnit } from './split-assignment.ts';

const units = (identities: number, sources: number): SplitUnit[] =>
  Array.from({ length: identities * sources }, (_, i) => ({
    key: `id${Math.floor(i / sources)}/src${i % sources}`,
    stratum: `id${Math.floor(i / sources)}`,
  }));

describe('split assignment', () => {
  it('is deterministic for a seed and changes with it', () => {
    const settings = SplitSettings.parse({ seed: 42 });
    const a = assignSplits(units(5, 10), settings);
    const b = assignSplits([...units(5, 10)].reverse(), settings);
    expect([...a].sort()).toEqual([...b].sort());
    const c = assignSplits(units(5, 10), SplitSettings.parse({ seed: 43 }));
    expect([...c].sort()).not.toEqual([...a].sort());
  });

  it('apportions each stratum by the ratios, counts always adding up', () => {
    const assigned = assignSplits(units(4, 10), SplitSettings.parse({ seed: 1 }));
    for (let id = 0; id < 4; id += 1) {
      const splits = [...assigned].filter(([key]) => key.startsWith(`id${id}/`)).map(([, split]) => split);
      expect(splits.filter((s) => s === 'train')).toHaveLength(8);
      expect(splits.filter((s) => s === 'val')).toHaveLength(1);
      expect(splits.filter((s) => s === 'test')).toHaveLength(1);
    }
    expect(apportion(5, [0.8, 0.1, 0.1])).toEqual([3, 1, 1]);
    expect(apportion(4, [0.8, 0.1, 0.1])).toEqual([2, 1, 1]);
    expect(apportion(2, [0.8, 0.1, 0.1])).toEqual([2, 0, 0]);
    expect(apportion(20, [0.8, 0.1, 0.1])).toEqual([16, 2, 2]);
    expect(apportion(3, [1 / 3, 1 / 3, 1 / 3])).toEqual([1, 1, 1]);
    expect(apportion(0, [0.8, 0.1, 0.1])).toEqual([0, 0, 0]);
    expect(apportion(7, [1, 0, 0])).toEqual([7, 0, 0]);
  });

  it('keeps a unit whole however often it is listed', () => {
    const listed = [...units(2, 3), ...units(2, 3), ...units(2, 3)];
    const assigned = assignSplits(listed, SplitSettings.parse({ seed: 9 }));
    expect(assigned.size).toBe(6);
  });

  it('rejects ratios that do not add up to one', () => {
    expect(SplitSettings.safeParse({ train: 0.8, val: 0.3, test: 0.1 }).success).toBe(false);
  });
});
