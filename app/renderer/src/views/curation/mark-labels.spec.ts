import { describe, expect, it } from 'vitest';
import { placeMarkLabels } from './mark-labels.ts';

describe('placeMarkLabels', () => {
  it('stacks labels whose spans collide and keeps apart ones on one row', () => {
    // dlib's FAR 1e-2, 1e-3 and 1e-4 thresholds on a 0.85–1.00 axis 230 px wide, labels 48 px.
    const x = (value: number) => ((value - 0.85) / 0.15) * 230;
    const placed = placeMarkLabels(
      [0.912, 0.928, 0.941].map((v) => ({ x: x(v), width: 48 })),
      230,
    );
    expect(placed.map((p) => p.row)).toEqual([0, 1, 2]);
    expect(
      placeMarkLabels(
        [
          { x: 10, width: 48 },
          { x: 100, width: 48 },
          { x: 30, width: 48 },
        ],
        230,
      ).map((p) => p.row),
    ).toEqual([0, 0, 1]);
  });

  it('hangs a label left of its mark where it would run past the axis end', () => {
    expect(placeMarkLabels([{ x: 200, width: 48 }], 230)).toEqual([{ row: 0, side: 'left' }]);
    expect(placeMarkLabels([{ x: 20, width: 48 }], 230)).toEqual([{ row: 0, side: 'right' }]);
  });

  it('gives unmeasured labels a row each, so none covers another before the first layout', () => {
    expect(
      placeMarkLabels(
        [
          { x: 0, width: 0 },
          { x: 0, width: 0 },
        ],
        0,
      ).map((p) => p.row),
    ).toEqual([0, 1]);
  });
});
