import { describe, expect, it } from 'vitest';
import { RovingIndex } from './roving-index.svelte.ts';

// 23 items in rows of 5: the last row holds 20..22.
const shape = { count: 23, columns: 5, pageRows: 2 };
// A one-column list, as the identity sidebar.
const list = { count: 40, columns: 1, pageRows: 10 };

function at(index: number): RovingIndex {
  const roving = new RovingIndex();
  roving.index = index;
  return roving;
}

describe('RovingIndex', () => {
  it('steps to the neighbouring item with the arrows', () => {
    expect(at(7).key('ArrowLeft', shape)).toBe(6);
    expect(at(7).key('ArrowRight', shape)).toBe(8);
    expect(at(7).key('ArrowUp', shape)).toBe(2);
    expect(at(7).key('ArrowDown', shape)).toBe(12);
  });

  it('stops at the edges instead of wrapping or leaving the list', () => {
    expect(at(0).key('ArrowLeft', shape)).toBe(0);
    expect(at(22).key('ArrowRight', shape)).toBe(22);
    expect(at(3).key('ArrowUp', shape)).toBe(3);
    // Down from above the short last row's gap lands on its last item.
    expect(at(19).key('ArrowDown', shape)).toBe(22);
  });

  it('goes to the row ends with Home/End, and to the list ends with Ctrl or in one column', () => {
    expect(at(7).key('Home', shape)).toBe(5);
    expect(at(7).key('End', shape)).toBe(9);
    expect(at(21).key('End', shape)).toBe(22);
    expect(at(7).key('Home', shape, true)).toBe(0);
    expect(at(7).key('End', shape, true)).toBe(22);
    expect(at(17).key('Home', list)).toBe(0);
    expect(at(17).key('End', list)).toBe(39);
  });

  it('leaves left and right to the page around a one-column list', () => {
    expect(at(17).key('ArrowRight', list)).toBeNull();
    expect(at(17).key('ArrowLeft', list)).toBeNull();
    expect(at(17).key('ArrowDown', list)).toBe(18);
  });

  it('moves a screen of rows with PageUp/PageDown, keeping the column', () => {
    expect(at(2).key('PageDown', shape)).toBe(12);
    expect(at(12).key('PageUp', shape)).toBe(2);
    expect(at(7).key('PageUp', shape)).toBe(2);
    expect(at(17).key('PageDown', shape)).toBe(22);
  });

  it('ignores other keys and empty lists, and keeps its item inside a shrunk list', () => {
    const roving = at(7);
    expect(roving.key('a', shape)).toBeNull();
    expect(roving.key('ArrowRight', { ...shape, count: 0 })).toBeNull();
    expect(roving.index).toBe(7);
    expect(roving.current(4)).toBe(3);
    expect(roving.current(0)).toBe(0);
  });
});

describe('RovingIndex over laid-out rows', () => {
  // Groups of 5, 0, 2 and 7 items at 3 a row: rows [0..2] [3..4] [] [5..6] [7..9] [10..11].
  const starts = [
    { first: 0, length: 3 },
    { first: 3, length: 2 },
    { first: 5, length: 0 },
    { first: 5, length: 2 },
    { first: 7, length: 3 },
    { first: 10, length: 2 },
  ];
  const rows = {
    rowCount: starts.length,
    rowOf: (index: number) => starts.findLastIndex((row) => row.first <= index && row.length > 0),
    row: (row: number) => starts[row],
  };
  const grouped = { count: 12, columns: 3, pageRows: 2, rows };

  it('keeps the column up and down, taking the last item of a shorter row and passing over empty ones', () => {
    expect(at(2).key('ArrowDown', grouped)).toBe(4);
    expect(at(4).key('ArrowDown', grouped)).toBe(6);
    expect(at(6).key('ArrowUp', grouped)).toBe(4);
    expect(at(9).key('ArrowUp', grouped)).toBe(6);
    expect(at(1).key('ArrowUp', grouped)).toBe(1);
    expect(at(11).key('ArrowDown', grouped)).toBe(11);
  });

  it('steps left and right across row ends, as the flat order runs, even in one column', () => {
    expect(at(4).key('ArrowRight', grouped)).toBe(5);
    expect(at(5).key('ArrowLeft', grouped)).toBe(4);
    expect(at(4).key('ArrowRight', { ...grouped, columns: 1 })).toBe(5);
  });

  it('goes to the row ends with Home/End and a screen of rows with PageUp/PageDown', () => {
    expect(at(8).key('Home', grouped)).toBe(7);
    expect(at(5).key('End', grouped)).toBe(6);
    expect(at(8).key('End', grouped, true)).toBe(11);
    expect(at(1).key('PageDown', grouped)).toBe(6);
    expect(at(8).key('PageUp', grouped)).toBe(4);
    expect(at(8).key('PageDown', grouped)).toBe(11);
  });
});
