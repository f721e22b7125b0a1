import { createRawSnippet, flushSync, mount, unmount } from 'svelte';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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

  function render(props: { count: number; itemWidth?: number; itemHeight: number; gap?: number }) {
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
});
