export interface Page<T> {
  readonly total: number;
  readonly items: readonly T[];
}

export type PageFetcher<T> = (offset: number, limit: number) => Promise<Page<T>>;

export interface PagedWindowOptions {
  readonly pageSize?: number;
  /** Items fetched beyond each end of the visible range, so short scrolls never show placeholders. */
  readonly overscan?: number;
  /** Pages kept in memory; the ones farthest from the view go first. */
  readonly maxPages?: number;
}

interface CachedPage<T> {
  readonly generation: number;
  readonly items: readonly T[];
}

/**
 * A sparse window onto a long list that lives on the host. Only pages near the visible range are
 * fetched and a bounded number are cached. Items are kept as plain objects and a single version
 * counter signals changes, so 100k rows cost no per-item reactivity.
 *
 * Each refresh starts a new generation: answers from an older one are dropped, and older pages stay
 * on screen until their replacement arrives, so a live-updating list does not flash empty.
 */
export class PagedWindow<T> {
  /** Null until the first page of the current query has answered. */
  total = $state<number | null>(null);
  #inflightCount = $state(0);
  #version = $state(0);
  readonly #fetch: PageFetcher<T>;
  readonly #onError: (error: unknown) => void;
  readonly #pageSize: number;
  readonly #overscan: number;
  readonly #maxPages: number;
  readonly #pages = new Map<number, CachedPage<T>>();
  readonly #inflight = new Map<number, number>();
  readonly #failed = new Set<number>();
  #generation = 0;
  #start = 0;
  #end = 0;

  constructor(fetch: PageFetcher<T>, onError: (error: unknown) => void, options: PagedWindowOptions = {}) {
    this.#fetch = fetch;
    this.#onError = onError;
    this.#pageSize = options.pageSize ?? 200;
    this.#overscan = options.overscan ?? 100;
    this.#maxPages = options.maxPages ?? 50;
  }

  get loading(): boolean {
    return this.#inflightCount > 0;
  }

  /** Reactive: a caller re-runs when any page arrives. */
  itemAt(index: number): T | undefined {
    void this.#version;
    return this.#pages.get(Math.floor(index / this.#pageSize))?.items[index % this.#pageSize];
  }

  /**
   * The item only if it was fetched for the current generation: a page still on screen from before
   * a refresh may hold a list that has since shifted, so it must not anchor a new fetch. Not reactive.
   */
  freshItemAt(index: number): T | undefined {
    const page = this.#pages.get(Math.floor(index / this.#pageSize));
    return page?.generation === this.#generation ? page.items[index % this.#pageSize] : undefined;
  }

  /**
   * The fresh items just outside the half-open range [start, end), if loaded: a fetch of that range
   * names them as anchors, so the host seeks from their sort key instead of counting the rows before it.
   */
  neighbours(start: number, end: number): { above?: T; below?: T } {
    return { above: start > 0 ? this.freshItemAt(start - 1) : undefined, below: this.freshItemAt(end) };
  }

  /** The half-open range of indices on screen. */
  setRange(start: number, end: number): void {
    this.#start = start;
    this.#end = end;
    this.#request();
  }

  /** Re-fetches what is on screen for the same query, keeping current items until the new ones arrive. */
  refresh(): void {
    this.#nextGeneration();
    this.#request();
  }

  /** For a new query: drops everything and starts from the top. */
  reset(): void {
    this.clear();
    this.#request();
  }

  /** Empties the window without fetching, e.g. when the project closes. */
  clear(): void {
    this.#nextGeneration();
    this.#pages.clear();
    this.#start = 0;
    this.#end = 0;
    this.total = null;
    this.#version += 1;
  }

  #nextGeneration(): void {
    this.#generation += 1;
    this.#inflight.clear();
    this.#failed.clear();
    this.#inflightCount = 0;
  }

  #wantedPages(): number[] {
    const from = Math.max(0, this.#start - this.#overscan);
    let to = Math.max(this.#end, this.#start + 1) + this.#overscan;
    // Page 0 is always wanted: an empty list must still be asked again on refresh, or it stays empty forever.
    if (this.total !== null) to = Math.min(to, Math.max(this.total, 1));
    const pages: number[] = [];
    for (let page = Math.floor(from / this.#pageSize); page * this.#pageSize < to; page++) pages.push(page);
    return pages;
  }

  #request(): void {
    const generation = this.#generation;
    for (const page of this.#wantedPages()) {
      if (this.#pages.get(page)?.generation === generation) continue;
      if (this.#inflight.get(page) === generation || this.#failed.has(page)) continue;
      void this.#load(page, generation);
    }
  }

  async #load(page: number, generation: number): Promise<void> {
    this.#inflight.set(page, generation);
    this.#inflightCount = this.#inflight.size;
    try {
      const result = await this.#fetch(page * this.#pageSize, this.#pageSize);
      if (generation !== this.#generation) return;
      this.#pages.set(page, { generation, items: result.items });
      const totalChanged = this.total !== result.total;
      this.total = result.total;
      this.#evict();
      this.#version += 1;
      // The first answer of a query tells how long the list is; pages it had no way to ask for yet may be on screen.
      if (totalChanged) this.#request();
    } catch (error) {
      if (generation !== this.#generation) return;
      // Not retried until the next refresh, or every scroll event would repeat the same failing call.
      this.#failed.add(page);
      this.#onError(error);
    } finally {
      if (this.#inflight.get(page) === generation) this.#inflight.delete(page);
      this.#inflightCount = this.#inflight.size;
    }
  }

  #evict(): void {
    const wanted = this.#wantedPages();
    const keep = new Set(wanted);
    for (const [page, cached] of this.#pages) {
      if (cached.generation !== this.#generation && !keep.has(page)) this.#pages.delete(page);
    }
    if (this.#pages.size <= this.#maxPages) return;
    const center = wanted.length > 0 ? (wanted[0] + wanted[wanted.length - 1]) / 2 : 0;
    const byDistance = [...this.#pages.keys()].sort((a, b) => Math.abs(b - center) - Math.abs(a - center));
    for (const page of byDistance.slice(0, this.#pages.size - this.#maxPages)) this.#pages.delete(page);
  }
}
