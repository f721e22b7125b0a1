import type { ApiClient } from '#api/client.ts';
import type {
  ActionResult,
  CompareView,
  GroupBy,
  HistoryState,
  PageSegment,
  ScoreRange,
  SortKey,
  TileStatus,
  VariantGroup,
  VariantTile,
  VariantViewInput,
} from '#api/curation.ts';
import { GridLayout } from './grid-layout.ts';
import type { DecidedChange } from './curation-progress.svelte.ts';
import type { Notices } from './notices.svelte.ts';
import { ZoomView } from './zoom-view.svelte.ts';
import { PagedWindow } from './paged-window.svelte.ts';
import { RovingIndex } from './roving-index.svelte.ts';

export interface GridViewSettings {
  groupBy: GroupBy;
  sort: SortKey;
  direction: 'asc' | 'desc';
  statuses: TileStatus[];
  editKinds: string[];
  score: ScoreRange | null;
}

export type Direction = 'left' | 'right' | 'up' | 'down';

const arrowKeys: Record<Direction, string> = { left: 'ArrowLeft', right: 'ArrowRight', up: 'ArrowUp', down: 'ArrowDown' };

const emptyHistory: HistoryState = { canUndo: false, canRedo: false, undoLabel: null, redoLabel: null };

/** A decision shown on its tile before the host has answered; `seq` tells a later one on the same tile from it. */
interface Unsaved {
  readonly status: TileStatus;
  readonly seq: number;
}

/** A decision the host has stored, shown until the tile object it was made on is replaced by a re-read page. */
interface Saved {
  readonly status: TileStatus;
  readonly base: VariantTile;
}

/**
 * The variant grid: which variants (view settings + the identity picked in the sidebar), how they
 * are laid out (groups → lines), which are loaded (a paged window over the flat order), where the
 * keyboard cursor is, and the decisions made from it. A decision shows on its tile at the key press
 * and goes to the host in key-press order; a refused one reverts with a notice. The host stays the
 * truth: once the page holding a tile is read again (after the host's `curation.changed`, which every
 * window gets), the tile shows what the host serves.
 */
export class CurationGrid {
  view = $state<GridViewSettings>({ groupBy: 'source', sort: 'natural', direction: 'asc', statuses: [], editKinds: [], score: null });
  identityId = $state<number | null>(null);
  groups = $state.raw<VariantGroup[]>([]);
  groupsLoaded = $state(false);
  columns = $state(1);
  /** The tile the keyboard acts on, which is also the grid's one Tab stop. */
  readonly #roving = new RovingIndex();
  /**
   * Flat indices of a multi-selection (shift/ctrl-click, shift+arrows, the whole group); empty when
   * only the cursor is selected. Decisions act on all of it at once, as one undo step.
   */
  selection = $state.raw<ReadonlySet<number>>(new Set());
  /** Where a shift-range starts. */
  #anchor: number | null = null;
  history = $state.raw<HistoryState>(emptyHistory);
  compareOpen = $state(false);
  compare = $state.raw<CompareView | null>(null);
  readonly zoom = new ZoomView();
  readonly layout = $derived(new GridLayout(this.groups, this.columns));
  readonly window: PagedWindow<VariantTile | null>;
  readonly #client: ApiClient;
  readonly #notices: Notices;
  #lines: [number, number] = [0, 0];
  #groupsRequest = 0;
  /** Decided since the view loaded; kept in a status-filtered view so indices never shift under the cursor. */
  #kept = new Set<number>();
  /** Decisions, undos and redos reach the host one at a time, in key-press order. */
  #pending: Promise<unknown> = Promise.resolve();
  #seq = 0;
  /** By variant id: the latest decision not yet answered by the host. */
  #unsaved = $state.raw<ReadonlyMap<number, Unsaved>>(new Map());
  /** By variant id: the latest decision the host stored, until its page is read again. */
  #saved = $state.raw<ReadonlyMap<number, Saved>>(new Map());
  readonly #onDecided: (changes: DecidedChange[]) => void;

  constructor(client: ApiClient, notices: Notices, onDecided: (changes: DecidedChange[]) => void = () => undefined) {
    this.#client = client;
    this.#notices = notices;
    this.#onDecided = onDecided;
    this.window = new PagedWindow<VariantTile | null>(
      (offset, limit) => this.#fetch(offset, limit),
      (error) => notices.report(error, 'Loading variants'),
      { pageSize: 200, overscan: 120 },
    );
  }

  /** Changes only when the user asks for a different view (not when tiles are decided in it). */
  get viewKey(): string {
    return JSON.stringify([this.view, this.identityId]);
  }

  /** The view as the API takes it. */
  apiView(): VariantViewInput {
    const { groupBy, sort, direction, statuses, editKinds, score } = this.view;
    return {
      groupBy,
      sort,
      direction,
      filter: {
        ...(this.identityId !== null ? { identityId: this.identityId } : {}),
        ...(statuses.length > 0 ? { statuses } : {}),
        ...(statuses.length > 0 && this.#kept.size > 0 ? { keepIds: [...this.#kept] } : {}),
        ...(editKinds.length > 0 ? { editKinds } : {}),
        ...(score && (score.min !== undefined || score.max !== undefined) ? { score } : {}),
      },
    };
  }

  get current(): VariantTile | null {
    return this.tileAt(this.cursor) ?? null;
  }

  /** The tile at a flat index as the reviewer should see it: the host's, with their latest decision on it. */
  tileAt(index: number): VariantTile | null | undefined {
    const item = this.window.itemAt(index);
    return item ? this.#shown(item) : item;
  }

  /** Whether a decision on this variant is still on its way to the host. */
  isSaving(variantId: number): boolean {
    return this.#unsaved.has(variantId);
  }

  /** Resolves once every decision, undo and redo made so far has been answered by the host. */
  whenSaved(): Promise<void> {
    return this.#pending.then(() => undefined);
  }

  #shown(item: VariantTile): VariantTile {
    const saved = this.#saved.get(item.id);
    const status = this.#unsaved.get(item.id)?.status ?? (saved?.base === item ? saved.status : item.status);
    return status === item.status ? item : { ...item, status };
  }

  /** Shows a decision on these tiles now; returns its sequence number for `#stored` / `#refused`. */
  #show(variantIds: readonly number[], status: TileStatus): number {
    const seq = ++this.#seq;
    const unsaved = new Map(this.#unsaved);
    for (const id of variantIds) unsaved.set(id, { status, seq });
    this.#unsaved = unsaved;
    return seq;
  }

  /** The host stored decision `seq` on these tiles (the window objects they were read from, where loaded). */
  #stored(seq: number, tiles: readonly VariantTile[], status: TileStatus): void {
    const unsaved = new Map(this.#unsaved);
    const saved = new Map(this.#saved);
    for (const tile of tiles) {
      saved.set(tile.id, { status, base: tile });
      if (unsaved.get(tile.id)?.seq === seq) unsaved.delete(tile.id);
    }
    this.#unsaved = unsaved;
    this.#saved = saved;
  }

  /** The host refused decision `seq`: its tiles show again what was last stored (or a later decision still on its way). */
  #refused(seq: number, variantIds: readonly number[]): void {
    const unsaved = new Map(this.#unsaved);
    for (const id of variantIds) if (unsaved.get(id)?.seq === seq) unsaved.delete(id);
    this.#unsaved = unsaved;
  }

  /** The window object a variant is loaded as, preferring the flat index it was decided at. */
  #loaded(variantId: number, index: number, fallback: VariantTile): VariantTile {
    const item = this.window.itemAt(index);
    return item?.id === variantId ? item : fallback;
  }

  /**
   * A new query: layout and window start over. The selected variant stays selected when the new
   * view still shows it (a reviewer changing the sort must not lose their place); else the top.
   */
  async reload(): Promise<void> {
    const keep = this.current?.id ?? null;
    this.cursor = 0;
    this.clearSelection();
    this.#kept.clear();
    this.#saved = new Map();
    this.compare = null;
    this.window.clear();
    const request = this.#groupsRequest + 1;
    await this.#loadGroups();
    void this.loadHistory();
    if (keep !== null) await this.#relocate(keep, request);
  }

  async #relocate(variantId: number, request: number): Promise<void> {
    try {
      const at = await this.#client.call('curation.locate', { view: this.apiView(), variantId });
      if (!at || request !== this.#groupsRequest) return;
      const index = this.layout.flatIndexOf(at.groupKey, at.offset);
      if (index !== null) this.select(index);
    } catch (error) {
      this.#notices.report(error, 'Finding the selected variant in the new view');
    }
  }

  /**
   * After a change: the tiles on screen are fetched again at once. The layout (group counts) is
   * not — it costs a scan of every variant — and is reconciled by `refreshGroups` after a burst.
   */
  refresh(): void {
    this.window.refresh();
    if (this.compareOpen || this.zoom.open) void this.#loadCompare();
  }

  async refreshGroups(): Promise<void> {
    await this.#loadGroups();
    this.cursor = Math.min(this.cursor, Math.max(0, this.layout.total - 1));
  }

  async loadHistory(): Promise<void> {
    try {
      this.history = await this.#client.call('curation.history', {});
    } catch (error) {
      this.#notices.report(error, 'Loading undo history');
    }
  }

  setColumns(columns: number): void {
    if (columns !== this.columns) this.columns = columns;
  }

  /** The lines on screen, from the virtual grid. */
  setLines(start: number, end: number): void {
    this.#lines = [start, end];
    const [from, to] = this.layout.flatRange(start, end);
    this.window.setRange(from, to);
  }

  /** Flat index of the tile the keyboard acts on. */
  get cursor(): number {
    return this.#roving.index;
  }

  set cursor(index: number) {
    this.#roving.index = index;
  }

  move(direction: Direction): void {
    this.navigate(arrowKeys[direction]);
  }

  /**
   * Moves the cursor for a grid navigation key (arrows, Home/End, PageUp/PageDown by `pageRows`
   * lines) over the lines as laid out; returns whether the key was one.
   */
  navigate(key: string, pageRows = 1, ctrl = false): boolean {
    const { layout } = this;
    const from = this.cursor;
    const rows = { rowCount: layout.lineCount, rowOf: (index: number) => layout.lineOf(index), row: (line: number) => layout.line(line) };
    const next = this.#roving.key(key, { count: layout.total, columns: layout.columns, pageRows, rows }, ctrl);
    if (next === null) return false;
    if (next !== from) this.select(next);
    return true;
  }

  select(index: number): void {
    this.cursor = index;
    if (this.compareOpen || this.zoom.open) void this.#loadCompare();
  }

  /** The selected variant at full size (Enter or double-click); it shares the compare view's pictures. */
  async openZoom(): Promise<void> {
    if (!this.current) return;
    this.zoom.show();
    if (this.compare?.variant.id !== this.current.id) await this.#loadCompare();
  }

  /** A click: plain selects one tile; shift selects the range from the anchor; ctrl/cmd toggles one tile. */
  pick(index: number, modifiers: { shift?: boolean; toggle?: boolean } = {}): void {
    if (modifiers.shift) {
      this.#anchor ??= this.cursor;
      this.selection = rangeSet(this.#anchor, index);
    } else if (modifiers.toggle) {
      const next = new Set(this.selection.size > 0 ? this.selection : [this.cursor]);
      if (next.has(index)) next.delete(index);
      else next.add(index);
      this.selection = next;
      this.#anchor = index;
    } else {
      this.clearSelection();
      this.#anchor = index;
    }
    this.select(index);
  }

  /** Shift+arrow: moves the cursor and stretches the range from where the stretch began. */
  extend(direction: Direction): void {
    const from = this.cursor;
    this.#anchor ??= from;
    this.move(direction);
    if (this.cursor !== from || this.selection.size === 0) this.selection = rangeSet(this.#anchor, this.cursor);
  }

  /** Every tile of the group the cursor is in. */
  selectGroup(): void {
    if (this.layout.total === 0) return;
    const group = this.layout.line(this.layout.lineOf(this.cursor)).group;
    const first = this.layout.flatIndexOf(this.groups[group].key, 0);
    if (first === null) return;
    this.#anchor = first;
    this.selection = rangeSet(first, first + this.groups[group].count - 1);
  }

  clearSelection(): void {
    this.selection = new Set();
    this.#anchor = null;
  }

  /** How many tiles a decision would act on now. */
  get selectedCount(): number {
    return this.selection.size > 0 ? this.selection.size : this.current ? 1 : 0;
  }

  /**
   * Decides the tile under the cursor: the tile shows it and the cursor moves on at once, so the next
   * key press already acts on the next tile; the host calls follow in order behind the keys. The
   * status it is counted from is the one shown, so two quick presses on one tile count once.
   */
  decide(status: TileStatus): Promise<void> {
    if (this.selection.size > 0) return this.#decideSelection(status);
    const index = this.cursor;
    const tile = this.current;
    if (!tile) return Promise.resolve();
    if (this.view.statuses.length > 0) this.#kept.add(tile.id);
    const seq = this.#show([tile.id], status);
    if (this.cursor < this.layout.total - 1) this.select(this.cursor + 1);
    return this.#inOrder(
      `Saving the decision on variant ${tile.id}`,
      async () => {
        const result = await this.#client.call('curation.decide', { variantIds: [tile.id], status });
        this.history = result.history;
        this.#stored(seq, [this.#loaded(tile.id, index, tile)], status);
        this.#onDecided([{ from: tile.status, to: status, identityId: tile.identityId }]);
      },
      () => this.#refused(seq, [tile.id]),
    );
  }

  /**
   * The whole selection in one call, so one undo takes it back; the selection stays for another try.
   * Its loaded tiles show the decision at once; the rest show it when their page is read.
   */
  #decideSelection(status: TileStatus): Promise<void> {
    const indices = [...this.selection].sort((a, b) => a - b);
    const shown = indices.flatMap((index) => this.window.itemAt(index) ?? []).map((tile) => this.#shown(tile));
    const seq = this.#show(
      shown.map((tile) => tile.id),
      status,
    );
    const fromShown = new Map(shown.map((tile) => [tile.id, tile.status]));
    return this.#inOrder(
      'Saving decisions on the selection',
      async () => {
        const tiles = await this.#tilesAt(indices);
        if (tiles.length === 0) return;
        if (this.view.statuses.length > 0) for (const tile of tiles) this.#kept.add(tile.id);
        const result = await this.#client.call('curation.decide', { variantIds: tiles.map((t) => t.id), status });
        this.history = result.history;
        this.#stored(seq, tiles, status);
        this.#onDecided(
          tiles.map((tile) => ({ from: fromShown.get(tile.id) ?? this.#shown(tile).status, to: status, identityId: tile.identityId })),
        );
      },
      () =>
        this.#refused(
          seq,
          shown.map((tile) => tile.id),
        ),
    );
  }

  /** The tiles at these flat indices: loaded ones from the window, the rest fetched in contiguous runs. */
  async #tilesAt(indices: readonly number[]): Promise<VariantTile[]> {
    const found: VariantTile[] = [];
    let run: number[] = [];
    const flush = async () => {
      if (run.length === 0) return;
      const page = await this.#fetch(run[0], run.length);
      for (const item of page.items) if (item) found.push(item);
      run = [];
    };
    for (const index of indices) {
      const loaded = this.window.itemAt(index);
      if (loaded) {
        await flush();
        found.push(loaded);
      } else if (run.length > 0 && run.at(-1)! + 1 !== index) {
        await flush();
        run.push(index);
      } else {
        run.push(index);
      }
    }
    await flush();
    return found;
  }

  undo(): Promise<void> {
    return this.#walk('curation.undo', 'Undoing');
  }

  redo(): Promise<void> {
    return this.#walk('curation.redo', 'Redoing');
  }

  async toggleCompare(): Promise<void> {
    this.compareOpen = !this.compareOpen;
    if (this.compareOpen) await this.#loadCompare();
  }

  closeCompare(): void {
    this.compareOpen = false;
  }

  #walk(command: 'curation.undo' | 'curation.redo', context: string): Promise<void> {
    return this.#inOrder(context, async () => {
      const result: ActionResult = await this.#client.call(command, {});
      this.history = result.history;
      if (result.focusVariantId !== null) this.#focus(result.focusVariantId);
    });
  }

  #inOrder(context: string, work: () => Promise<void>, onFailure: () => void = () => undefined): Promise<void> {
    const next = this.#pending.then(work).catch((error: unknown) => {
      onFailure();
      this.#notices.report(error, context);
    });
    this.#pending = next;
    return next;
  }

  /** Puts the cursor on a variant if it is among the loaded tiles near the screen. */
  #focus(variantId: number): void {
    const [from, to] = this.layout.flatRange(Math.max(0, this.#lines[0] - 20), this.#lines[1] + 20);
    for (let index = from; index < to; index += 1) {
      if (this.window.itemAt(index)?.id === variantId) {
        this.select(index);
        return;
      }
    }
  }

  async #loadCompare(): Promise<void> {
    const tile = this.current;
    if (!tile) return;
    try {
      const view = await this.#client.call('curation.compare', { variantId: tile.id });
      if (this.current?.id === view.variant.id) this.compare = view;
    } catch (error) {
      this.#notices.report(error, 'Comparing a variant with its source');
    }
  }

  async #loadGroups(): Promise<void> {
    const request = ++this.#groupsRequest;
    try {
      const result = await this.#client.call('curation.groups', { view: this.apiView() });
      if (request !== this.#groupsRequest) return;
      const moved = !sameLayout(this.groups, result.groups);
      this.groups = result.groups;
      this.groupsLoaded = true;
      // Pages are fetched by flat index into the layout: any fetched against another layout (or none
      // yet, while the groups were still loading) hold the wrong tiles for their indices.
      if (moved || this.window.total === null) this.window.refresh();
    } catch (error) {
      this.#notices.report(error, 'Loading the variant groups');
    }
  }

  /**
   * A loaded tile right above or below the slice lets the host seek from it instead of counting the
   * rows before the slice: scrolling through a 100k-tile group costs the same at its end as at its top.
   * The host checks that the anchor is in the slice's group (the tile below may open the next group).
   */
  #anchored(segment: PageSegment, start: number): PageSegment {
    const { above, below } = this.window.neighbours(start, start + segment.limit);
    if (above && segment.offset > 0) return { ...segment, after: { variantId: above.id, offset: segment.offset - 1 } };
    return below ? { ...segment, before: { variantId: below.id, offset: segment.offset + segment.limit } } : segment;
  }

  /** One paged-window page: the flat range split into per-group slices, padded so indices stay aligned. */
  async #fetch(offset: number, limit: number): Promise<{ total: number; items: (VariantTile | null)[] }> {
    const layout = this.layout;
    let start = offset;
    const segments = layout.segments(offset, offset + limit).map((segment) => {
      const anchored = this.#anchored(segment, start);
      start += segment.limit;
      return anchored;
    });
    if (segments.length === 0) return { total: layout.total, items: [] };
    const page = await this.#client.call('curation.page', { view: this.apiView(), segments });
    const items: (VariantTile | null)[] = [];
    page.segments.forEach((segment, i) => {
      items.push(...segment.items);
      for (let pad = segment.items.length; pad < segments[i].limit; pad += 1) items.push(null);
    });
    return { total: layout.total, items };
  }
}

function rangeSet(from: number, to: number): Set<number> {
  const [lo, hi] = from <= to ? [from, to] : [to, from];
  return new Set(Array.from({ length: hi - lo + 1 }, (_, i) => lo + i));
}

function sameLayout(a: readonly VariantGroup[], b: readonly VariantGroup[]): boolean {
  return a.length === b.length && a.every((group, i) => group.key === b[i].key && group.count === b[i].count);
}
