import { describe, expect, it } from 'vitest';
import { followRow } from './follow-row.ts';

// Rows of 120 px with an 8 px gap under a 12 px padding: row r starts at 12 + 128 r; a 600 px view.
const geometry = { padding: 12, gap: 8, rowHeight: 120 };
const view = (scrollTop: number) => ({ scrollTop, clientHeight: 600 });

describe('followRow', () => {
  it('leaves the scroll alone while the row is whole on screen', () => {
    expect(followRow(0, geometry, view(0))).toBeNull();
    expect(followRow(3, geometry, view(0))).toBeNull();
  });

  it('scrolls a row above the view to one gap above it, where snapping rests', () => {
    expect(followRow(2, geometry, view(1_000))).toBe(12 + 2 * 128 - 8);
  });

  it('scrolls a row below the view to the first snap position that shows it whole', () => {
    // Row 4 ends at 12 + 4·128 + 120 = 644: past 600, so the view starts one gap above row 1.
    expect(followRow(4, geometry, view(0))).toBe(12 - 8 + 128);
    expect(followRow(100, geometry, view(0))).toBe(12 - 8 + 97 * 128);
  });
});
