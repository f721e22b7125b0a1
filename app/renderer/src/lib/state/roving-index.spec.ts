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
