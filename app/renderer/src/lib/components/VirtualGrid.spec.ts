import { createRawSnippet, flushSync, mount, tick, unmount } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import VirtualGrid from './VirtualGrid.svelte';

// happy-dom does no layout; give every element the size of a typical grid viewport.
const VIEWPORT = { width: 1_000, height: 600 };

function stubSize(name: 'clientWidth' | 'clientHeight', value: number) {
  const original = Object.getOwnPropertyDescriptor(HTMLElement.prototype, name);
  Object.defineProperty(HTMLElement.prototype, name, { configurable: true, get: () => value });
  return () => {
    if (original) Object.defineProperty(HTMLElement.prototype, name, original);
  };
}

const tile = createRawSnippet((index: () => number) => ({
  render: () => `<span class="tile">${index()}</span>`,
}));

describe('VirtualGrid', () => {
  let restore: (() => void)[] = [];
  let target: HTMLElement;
  let component: ReturnType<typeof mount> | null = null;

  beforeEach(() => {
    restore = [stubSize('clientWidth', VIEWPORT.width), stubSize('clientHeight', VIEWPORT.height)];
    target = document.createElement('div');
    document.body.append(target);
  });

  afterEach(() => {
    if (component) unmount(component);
    component = null;
    target.remove();
    for (const undo of restore) undo();
  });

  function render(props: {
    count: number;
    itemWidth?: number;
    itemHeight: number;
    gap?: number;
    padding?: number;
    onactivate?: (index: number) => void;
    current?: number;
    focusStop?: { shown: boolean; enter: () => void };
  }) {
    const ranges: [number, number][] = [];
    component = mount(VirtualGrid, {
      target,
      props: {
        ...props,
        label: 'Test grid',
        testid: 'grid',
        item: tile,
        onrange: (start: number, end: number) => ranges.push([start, end]),
      },
    });
    flushSync();
    const viewport = target.querySelector<HTMLElement>('[data-testid=grid]')!;
    const scrollTo = (top: number) => {
      viewport.scrollTop = top;
      viewport.dispatchEvent(new Event('scroll'));
      flushSync();
    };
    const shown = () => [...target.querySelectorAll<HTMLElement>('.tile')].map((el) => Number(el.textContent));
    return { viewport, ranges, scrollTo, shown };
  }

  it('keeps the DOM to a screenful for 100k items, wherever it is scrolled', () => {
    // 1,000 px wide, 120 px tiles, 8 px gap: 7 columns; 600 px tall, 128 px rows: 5–6 rows plus 2 overscan each side.
    const { viewport, shown, scrollTo } = render({ count: 100_000, itemWidth: 120, itemHeight: 120, gap: 8 });
    const bound = 7 * (Math.ceil(600 / 128) + 1 + 2 * 2);
    expect(shown().length).toBeGreaterThan(0);
    expect(shown().length).toBeLessThanOrEqual(bound);
    expect(shown()[0]).toBe(0);

    const rows = Math.ceil(100_000 / 7);
    expect(viewport.querySelector<HTMLElement>('.content')!.style.height).toBe(`${rows * 128 - 8}px`);

    for (const top of [50_000, 900_000, rows * 128 - 600]) {
      scrollTo(top);
      expect(shown().length).toBeLessThanOrEqual(bound);
      // Each item is a cell and its tile; the grid itself is three elements.
      expect(target.querySelectorAll('*').length).toBeLessThanOrEqual(2 * bound + 3);
    }
    expect(shown().at(-1)).toBe(99_999);
  });

  it('renders the items of the scrolled-to rows, in order, and reports the range', () => {
    const { shown, scrollTo, ranges } = render({ count: 100_000, itemWidth: 120, itemHeight: 120, gap: 8 });
    scrollTo(128 * 1_000);
    // First rendered row is 1,000 minus 2 overscan rows.
    expect(shown()[0]).toBe(998 * 7);
    expect(shown()).toEqual(Array.from({ length: shown().length }, (_, i) => 998 * 7 + i));
    expect(ranges.at(-1)).toEqual([998 * 7, shown().at(-1)! + 1]);
  });

  it('lays out a one-column list when no item width is given', () => {
    const { shown } = render({ count: 100_000, itemHeight: 24 });
    expect(shown()).toEqual(Array.from({ length: 25 + 2 }, (_, i) => i));
  });

  it('renders nothing for an empty list', () => {
    const { shown, ranges } = render({ count: 0, itemWidth: 120, itemHeight: 120 });
    expect(shown()).toEqual([]);
    expect(ranges.at(-1)).toEqual([0, 0]);
  });

  describe('as one composite widget (onactivate given)', () => {
    // 7 columns of 128 px rows with 12 px padding; 600 px tall: 4 whole rows a screen.
    const shape = { count: 1_000, itemWidth: 120, itemHeight: 120, gap: 8, padding: 12 };
    const cell = (index: number) => target.querySelector<HTMLElement>(`.cell[data-index="${index}"]`);
    const tabStops = () => [...target.querySelectorAll<HTMLElement>('[tabindex="0"]')];
    const press = async (key: string, init: KeyboardEventInit = {}) => {
      (document.activeElement ?? document.body).dispatchEvent(
        new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init }),
      );
      flushSync();
      await tick();
    };
    const focused = () => Number((document.activeElement as HTMLElement).dataset.index);

    it('is one Tab stop, on the current item, however many items it renders', () => {
      const { viewport, shown } = render({ ...shape, onactivate: () => undefined, current: 3 });
      expect(shown().length).toBeGreaterThan(20);
      expect(tabStops()).toEqual([cell(3)]);
      expect(viewport.tabIndex).toBe(-1);
    });

    it('moves the focus with arrows, Home/End and PageUp/PageDown, scrolling the far item into view', async () => {
      const { viewport, shown } = render({ ...shape, onactivate: () => undefined });
      cell(0)!.focus();
      await press('ArrowRight');
      expect(focused()).toBe(1);
      await press('ArrowDown');
      expect(focused()).toBe(8);
      await press('End');
      expect(focused()).toBe(13);
      await press('Home');
      expect(focused()).toBe(7);
      expect(viewport.scrollTop).toBe(0);
      await press('PageDown');
      // Four rows on: row 5, which the snap puts at the top of a screen one gap above it.
      expect(focused()).toBe(35);
      expect(viewport.scrollTop).toBe(12 - 8 + 2 * 128);
      await press('End', { ctrlKey: true });
      expect(focused()).toBe(999);
      expect(shown()).toContain(999);
      expect(tabStops()).toEqual([cell(999)]);
      await press('ArrowUp');
      expect(focused()).toBe(992);
    });

    it('is tabbable itself while its item is scrolled out, and hands the focus to the item', async () => {
      const { viewport, scrollTo } = render({ ...shape, onactivate: () => undefined });
      scrollTo(128 * 100);
      expect(cell(0)).toBeNull();
      expect(tabStops()).toEqual([viewport]);
      viewport.focus();
      flushSync();
      await vi.waitFor(() => expect(focused()).toBe(0));
      // One gap above the first row: where the row snapping rests.
      expect(viewport.scrollTop).toBe(12 - 8);
    });

    it('keeps the focus when the focused item is scrolled out of the rendered window, and resumes from it', async () => {
      const { viewport, scrollTo } = render({ ...shape, onactivate: () => undefined });
      cell(0)!.focus();
      await press('ArrowRight');
      scrollTo(128 * 100);
      expect(cell(1)).toBeNull();
      // The cell went with its row: the grid holds the focus, not the page, and stays where it was scrolled.
      expect(document.activeElement).toBe(viewport);
      expect(viewport.scrollTop).toBe(128 * 100);
      await press('ArrowDown');
      expect(focused()).toBe(8);
      // Scrolled back from the far rows, to rest one gap above row 1.
      expect(viewport.scrollTop).toBe(12 - 8 + 128);
    });

    it('lets a host keep the Tab stop inside its items, tabbable itself while that is not shown', () => {
      const entered: number[] = [];
      const props = { ...shape, focusStop: { shown: false, enter: () => entered.push(1) } };
      const { viewport } = render(props);
      expect(tabStops()).toEqual([viewport]);
      expect(target.querySelector('[role=listbox] > [role=none]')).not.toBeNull();
      viewport.focus();
      expect(entered).toEqual([1]);
    });

    it('activates the focused item with Enter and Space', async () => {
      const activated: number[] = [];
      render({ ...shape, onactivate: (index) => activated.push(index) });
      cell(0)!.focus();
      await press('ArrowRight');
      await press('Enter');
      await press(' ');
      expect(activated).toEqual([1, 1]);
    });

    it('leaves a plain grid a scrollable region of list items', () => {
      const { viewport } = render(shape);
      expect(tabStops()).toEqual([viewport]);
      expect(target.querySelector('[role=option]')).toBeNull();
    });
  });
});
