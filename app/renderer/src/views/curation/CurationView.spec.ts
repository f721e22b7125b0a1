import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '#api/errors.ts';
import { curationBackend, type CurationStore } from '../../lib/testing/curation-backend.ts';
import { openAppWindow, type AppWindow } from '../testing/app-window.ts';

/** The curate tab of a whole window against a scripted host, driven by the data-testids the e2e tests use. */
describe('CurationView', () => {
  let w: AppWindow;
  let store: CurationStore;
  const q = (testid: string) => w.q(testid);
  const all = (testid: string) => w.all(testid);
  const text = (testid: string) => w.text(testid);
  const click = (what: string | HTMLElement, init?: MouseEventInit) => w.click(what, init);
  const press = (key: string, init?: KeyboardEventInit, on?: EventTarget) => w.press(key, init, on);
  const flush = () => w.flush();

  const tileIds = () => all('variant-tile').map((t) => Number(t.dataset.variantId));
  const cursorId = () => Number(w.target.querySelector<HTMLElement>('[data-testid="variant-tile"][data-cursor="true"]')?.dataset.variantId);

  beforeEach(async () => {
    store = curationBackend();
    w = await openAppWindow(store.backend);
  });

  afterEach(() => w.close());

  async function openCurate(): Promise<void> {
    await click('tab-curate');
    await flush();
    expect(tileIds().length).toBeGreaterThan(0);
  }

  it('leaves the Synthesize and Problems panels on the Dataset tab (item 3)', async () => {
    expect(q('synthesis-panel')).not.toBeNull();
    (q('synthesis-panel') as HTMLDetailsElement).open = true;
    await openCurate();
    expect(q('synthesis-panel')).toBeNull();
    expect(q('problems-panel')).toBeNull();
    await click('tab-export');
    expect(q('synthesis-panel')).toBeNull();
  });

  it('explains S and C on screen, not only in tooltips (item 11)', async () => {
    await openCurate();
    expect(text('score-legend')).toBe('S similarity to source · C to the identity’s centroid');
  });

  it('leaves the grid where the reviewer scrolled it when the group counts refresh after a decision', async () => {
    await openCurate();
    await press('a', {}, document.body);
    const viewport = q('curation-grid')!;
    viewport.scrollTop = 600;
    // The counts are refreshed at most once a second after a burst of decisions.
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    await flush();
    expect(store.backend.callsOf('curation.groups').length).toBeGreaterThan(1);
    expect(viewport.scrollTop).toBe(600);
    await press('ArrowRight', {}, document.body);
    expect(viewport.scrollTop).not.toBe(600);
  });

  it('shows a decision on the tile at the key press, marked as saving until the host has stored it', async () => {
    await openCurate();
    const decide = store.backend.handlers['curation.decide']!;
    let answer: () => void = () => undefined;
    store.backend.handlers['curation.decide'] = (input) => new Promise((resolve) => (answer = () => resolve(decide(input))));
    const tile = () => w.target.querySelector<HTMLElement>('[data-testid="variant-tile"][data-variant-id="1"]')!;
    await press('a', {}, document.body);
    expect(tile().dataset.status).toBe('accepted');
    expect(tile().dataset.saving).toBe('true');
    expect(cursorId()).toBe(2);
    expect(store.tiles[0].status).toBe('unset');
    answer();
    await flush();
    expect(store.tiles[0].status).toBe('accepted');
    expect(tile().dataset.status).toBe('accepted');
    expect(tile().dataset.saving).toBeUndefined();
  });

  it('puts a refused decision back on the tile and says which variant was not saved', async () => {
    await openCurate();
    store.backend.handlers['curation.decide'] = () => {
      throw new ApiError('INTERNAL', 'disk I/O error');
    };
    await press('r', {}, document.body);
    await flush();
    const tile = w.target.querySelector<HTMLElement>('[data-testid="variant-tile"][data-variant-id="1"]')!;
    expect(tile.dataset.status).toBe('unset');
    expect(tile.dataset.saving).toBeUndefined();
    expect(text('error-toast')).toContain('Saving the decision on variant 1 failed');
    expect(text('error-toast')).toContain('disk I/O error');
  });

  it('Space on a focused sidebar identity does not open Compare, and grid keys take the focus ring off the sidebar (item 13)', async () => {
    await openCurate();
    const item = all('identity-item')[0];
    item.focus();
    expect(document.activeElement).toBe(item);
    await press(' ', {}, item);
    expect(q('compare-view')).toBeNull();
    await press('ArrowRight', {}, item);
    expect(cursorId()).toBe(2);
    expect(document.activeElement).not.toBe(item);
  });
});

describe('CurationView multi-select', () => {
  let w: AppWindow;
  let store: CurationStore;
  const tile = (id: number) => w.target.querySelector<HTMLElement>(`[data-testid="variant-tile"][data-variant-id="${id}"]`)!;
  const selectedIds = () =>
    w
      .all('variant-tile')
      .filter((t) => t.classList.contains('multi'))
      .map((t) => Number(t.dataset.variantId));
  const click = (element: HTMLElement, init?: MouseEventInit) => w.click(element, init);
  const press = (key: string, init?: KeyboardEventInit) => w.press(key, init, document.body);
  const flush = () => w.flush();

  beforeEach(async () => {
    store = curationBackend();
    w = await openAppWindow(store.backend);
    await w.click('tab-curate');
  });

  afterEach(() => w.close());

  it('shift-click selects a range; accept decides it in one call and one undo takes it all back', async () => {
    await click(tile(2));
    await click(tile(5), { shiftKey: true });
    expect(selectedIds()).toEqual([2, 3, 4, 5]);
    await press('a');
    expect(store.decided).toEqual([{ variantIds: [2, 3, 4, 5], status: 'accepted' }]);
    await flush();
    expect([2, 3, 4, 5].map((id) => tile(id).dataset.status)).toEqual(['accepted', 'accepted', 'accepted', 'accepted']);
    await press('z');
    await flush();
    expect([2, 3, 4, 5].map((id) => tile(id).dataset.status)).toEqual(['unset', 'unset', 'unset', 'unset']);
  });

  it('ctrl/cmd-click toggles single tiles into and out of the selection; Esc deselects', async () => {
    await click(tile(1));
    await click(tile(3), { ctrlKey: true });
    await click(tile(6), { metaKey: true });
    expect(selectedIds()).toEqual([1, 3, 6]);
    await click(tile(3), { ctrlKey: true });
    expect(selectedIds()).toEqual([1, 6]);
    await press('r');
    expect(store.decided.at(-1)).toEqual({ variantIds: [1, 6], status: 'rejected' });
    await press('Escape');
    expect(selectedIds()).toEqual([]);
  });

  it('shift+arrows stretch the selection and Ctrl+A selects the whole group; clear acts on all of it', async () => {
    await click(tile(1));
    await press('ArrowRight', { shiftKey: true });
    await press('ArrowRight', { shiftKey: true });
    expect(selectedIds()).toEqual([1, 2, 3]);
    await click(tile(6));
    await press('a', { ctrlKey: true });
    expect(selectedIds()).toEqual([5, 6, 7, 8]);
    expect(w.q('selection-count')?.textContent).toBe('4 selected');
    await press('u');
    expect(store.decided.at(-1)).toEqual({ variantIds: [5, 6, 7, 8], status: 'unset' });
  });
});

describe('CurationView saved views', () => {
  it('keeps group, sort and filter across a reload of the window', async () => {
    const open = async (keepState: boolean) => {
      const store = curationBackend();
      const window = await openAppWindow(store.backend, { keepState });
      await window.click('tab-curate');
      return { store, window };
    };
    const first = await open(false);
    const sort = first.window.q('curation-sort') as HTMLSelectElement;
    sort.value = 'idToSource';
    sort.dispatchEvent(new Event('change', { bubbles: true }));
    await first.window.click('curation-status-unset');
    expect(location.search).toContain('sort=idToSource');
    expect(location.search).toContain('status=unset');
    first.window.close();

    const second = await open(true);
    expect((second.window.q('curation-sort') as HTMLSelectElement).value).toBe('idToSource');
    expect(second.window.q('curation-status-unset')?.getAttribute('aria-pressed')).toBe('true');
    const groups = second.store.backend.callsOf('curation.groups') as { view: { sort: string; filter: { statuses?: string[] } } }[];
    expect(groups.at(-1)?.view).toMatchObject({ sort: 'idToSource', filter: { statuses: ['unset'] } });
    second.window.close();
    history.replaceState(null, '', '/');
    localStorage.clear();
  });
});
describe('CurationView zoom', () => {
  it('opens full size on Enter or double-click, flips source | variant | difference by key, zooms and pans without moving the grid', async () => {
    const store = curationBackend();
    const w = await openAppWindow(store.backend);
    const press = (key: string) => w.press(key, {}, document.body);
    const target = w.target;
    const zoom = () => target.querySelector<HTMLElement>('[data-testid="zoom-view"]');
    const image = () => target.querySelector<HTMLImageElement>('[data-testid="zoom-image"]');
    await w.click('tab-curate');
    await w.click(target.querySelector<HTMLElement>('[data-testid="variant-tile"][data-variant-id="2"]')!);
    await press('Enter');
    expect(zoom()?.dataset.layer).toBe('variant');
    expect(image()?.getAttribute('src')).toBe('/media/variants/v2.png');
    await press('1');
    expect(image()?.getAttribute('src')).toBe('data:image/png;base64,source2');
    await press('3');
    expect(image()?.getAttribute('src')).toBe('data:image/png;base64,difference2');
    await press('Tab');
    expect(zoom()?.dataset.layer).toBe('source');
    expect(zoom()?.dataset.scale).toBe('2');
    await press('+');
    expect(zoom()?.dataset.scale).toBe('4');
    await press('ArrowRight');
    expect(image()?.style.transform).toBe('translate(-40px, 0px) scale(4)');
    // Keys drive the zoom, not the grid behind it.
    await press('a');
    expect(store.decided).toEqual([]);
    await press('Escape');
    expect(zoom()).toBeNull();
    expect(target.querySelector<HTMLElement>('[data-testid="variant-tile"][data-cursor="true"]')?.dataset.variantId).toBe('2');
    target
      .querySelector<HTMLElement>('[data-testid="variant-tile"][data-variant-id="5"]')!
      .dispatchEvent(new MouseEvent('dblclick', { bubbles: true }));
    await w.flush();
    expect(zoom()?.dataset.layer).toBe('variant');
    expect(image()?.getAttribute('src')).toBe('/media/variants/v5.png');
    w.close();
  });
});

describe('CurationView per-person review', () => {
  it('pins the identity’s real photos above its variants and steps through identities with [ and ]', async () => {
    const store = curationBackend();
    const w = await openAppWindow(store.backend);
    const press = (key: string) => w.press(key, {}, document.body);
    const target = w.target;
    await w.click('tab-curate');
    await w.click('curation-person-mode');
    const strip = () => target.querySelector<HTMLElement>('[data-testid="person-photos"]');
    expect(strip()?.dataset.identityId).toBe('1');
    expect(strip()?.querySelectorAll('[data-testid="person-photo"]')).toHaveLength(12);
    // The strip ends on a whole photo and scrolls to the rest: the header says how many there are.
    expect(strip()?.querySelector('[data-testid="person-photo-count"]')?.textContent).toMatch(/^12 real photos · /);
    // Pinned on top: the strip comes before the grid, outside its scroller.
    const grid = target.querySelector('[data-testid="curation-grid"]')!;
    expect(strip()!.compareDocumentPosition(grid) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(grid.contains(strip())).toBe(false);
    // Only this person's variants below.
    await w.flush();
    const ids = [...target.querySelectorAll<HTMLElement>('[data-testid="variant-tile"]')].map((t) => Number(t.dataset.variantId));
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.every((id) => store.tiles.find((t) => t.id === id)!.identityId === 1)).toBe(true);
    await press(']');
    expect(strip()?.dataset.identityId).toBe('2');
    expect(strip()?.querySelectorAll('[data-testid="person-photo"]')).toHaveLength(8);
    await press('[');
    expect(strip()?.dataset.identityId).toBe('1');
    w.close();
  });
});

describe('CurationView grid focus', () => {
  // 40 sources of 4 variants: at 1,000 px and 128 px tiles one source a line, 162 + 8 px a line,
  // so a 600 px grid renders the first handful of lines and far scrolls recycle them.
  const LINE = 170;
  let w: AppWindow;
  const viewport = () => w.q('curation-grid')!;
  const tile = (id: number) => w.target.querySelector<HTMLElement>(`[data-testid="variant-tile"][data-variant-id="${id}"]`);
  const focusedId = () => Number((document.activeElement as HTMLElement | null)?.dataset.variantId);
  const cursorId = () => Number(w.target.querySelector<HTMLElement>('[data-testid="variant-tile"][data-cursor="true"]')?.dataset.variantId);
  /** Keys as a browser sends them: to the focused element, bubbling up to the window's shortcuts. */
  const press = (key: string, init?: KeyboardEventInit) => w.press(key, init);
  /** What the browser does after a scroll, which happy-dom leaves out: tell the grid its new position. */
  const scrolled = async (top?: number) => {
    if (top !== undefined) viewport().scrollTop = top;
    viewport().dispatchEvent(new Event('scroll'));
    await w.flush();
  };
  /** Elements Tab stops at inside the grid. */
  const tabStops = () =>
    [...viewport().querySelectorAll<HTMLElement>('button, [tabindex]'), viewport()].filter(
      (el) => el.getAttribute('tabindex') !== '-1' && !(el as HTMLButtonElement).disabled,
    );

  beforeEach(async () => {
    w = await openAppWindow(curationBackend(40, 4).backend);
    await w.click('tab-curate');
  });

  afterEach(() => w.close());

  it('is one Tab stop, on the cursor’s tile, a listbox of options labelled with edit and scores', async () => {
    expect(w.all('variant-tile').length).toBeGreaterThan(20);
    expect(tabStops()).toEqual([tile(1)]);
    expect(viewport().querySelector('[role="listbox"]')?.getAttribute('aria-multiselectable')).toBe('true');
    expect(tile(1)!.getAttribute('role')).toBe('option');
    expect(tile(1)!.getAttribute('aria-selected')).toBe('true');
    expect(tile(2)!.getAttribute('aria-selected')).toBe('false');
    expect(tile(1)!.getAttribute('aria-label')).toBe('Variant 1: relight 0.50, similarity to source 0.51, to centroid 0.40, undecided');
    expect(tile(1)!.closest('[role="group"]')?.getAttribute('aria-label')).toBe(
      'Source person-1 · source 10: 0 accepted, 0 rejected, of 4',
    );
  });

  it('moves the focus with the cursor: arrows by line and column, Home/End, PageDown/PageUp, and past a decision', async () => {
    tile(1)!.focus();
    await press('ArrowRight');
    expect([focusedId(), cursorId()]).toEqual([2, 2]);
    expect(tile(2)!.getAttribute('aria-selected')).toBe('true');
    await press('ArrowDown');
    expect([focusedId(), cursorId()]).toEqual([6, 6]);
    await press('End');
    expect(focusedId()).toBe(8);
    await press('Home');
    expect(focusedId()).toBe(5);
    // The keymap's keys act on the focused tile, and the focus goes on with the cursor.
    await press('a');
    expect(tile(5)!.dataset.status).toBe('accepted');
    expect(focusedId()).toBe(6);
    expect(tabStops()).toEqual([tile(6)]);
    // Three whole lines a screen: PageDown goes three lines on, keeping the column; the grid follows.
    await press('PageDown');
    await scrolled();
    expect(focusedId()).toBe(18);
    await press('PageUp');
    await scrolled();
    expect(focusedId()).toBe(6);
    await press('End', { ctrlKey: true });
    await scrolled();
    expect(focusedId()).toBe(160);
    expect(viewport().scrollTop).toBeGreaterThan(30 * LINE);
  });

  it('keeps the focus in the grid when the focused tile is scrolled out, and brings it back with an arrow or Tab', async () => {
    tile(1)!.focus();
    await press('ArrowRight');
    await scrolled(20 * LINE);
    expect(tile(2)).toBeNull();
    // Recycled with its line: the focus stays with the grid, not the page, and the grid is the Tab stop.
    expect(document.activeElement).toBe(viewport());
    expect(tabStops()).toEqual([viewport()]);
    await press('ArrowDown');
    await scrolled();
    expect(focusedId()).toBe(6);
    expect(viewport().scrollTop).toBeLessThan(2 * LINE);

    await scrolled(20 * LINE);
    w.q('curation-direction')!.focus();
    // Tab back in: the grid is where Tab lands, and it hands the focus to the remembered tile.
    viewport().focus();
    await w.flush();
    await scrolled();
    expect(focusedId()).toBe(6);
    expect(viewport().scrollTop).toBeLessThan(2 * LINE);
  });
});
