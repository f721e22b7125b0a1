import type Database from 'better-sqlite3';
import type { ProjectDatabase } from './project-database.ts';

/**
 * A row of an ordered list and its offset in it: a page walks on from just after its key. A tile
 * the grid holds (an anchor) is one; the host's own marks are others.
 */
export interface ListMark<K> {
  readonly offset: number;
  readonly key: K;
}

/**
 * One run of an ordered list that a single index walks: `select` reads the run's rows in order
 * (it ends in ORDER BY; LIMIT and OFFSET are appended), `count` counts them, both with `params`.
 */
export interface WalkRun {
  readonly select: string;
  readonly count: string;
  readonly params: readonly unknown[];
}

/**
 * Reads `limit` rows after skipping `skip`, through runs walked one after the other. A skip that
 * runs past a run continues into the next by what that run held; only then is a run counted, so
 * a walk costs the rows it skips and serves, never the rest of the list.
 */
export function walkRuns(
  statement: (sql: string) => Database.Statement,
  runs: readonly WalkRun[],
  skip: number,
  limit: number,
): unknown[][] {
  const rows: unknown[][] = [];
  let left = Math.max(0, skip);
  for (const run of runs) {
    const found = statement(`${run.select} LIMIT ? OFFSET ?`)
      .raw()
      .all(...run.params, limit - rows.length, left) as unknown[][];
    rows.push(...found);
    if (rows.length >= limit) break;
    if (found.length > 0) left = 0;
    else if (left > 0)
      left -= statement(run.count)
        .pluck()
        .get(...run.params) as number;
    left = Math.max(0, left);
  }
  return rows;
}

/** A page of an ordered list asked for by offset, with the row the caller holds just above it (`after`) or below it (`before`), if any. */
export interface PageRequest<A extends { readonly offset: number }> {
  readonly offset: number;
  readonly limit: number;
  readonly after?: A;
  readonly before?: A;
}

/** How one ordered list is walked by its sort key. */
export interface ListWalk<A, K> {
  /** An anchor's key; null when its row is not in the list (the anchor then counts as none). */
  key(anchor: A): K | null;
  /** Ids of `limit` rows after skipping `skip` from just past `from` (null: the list's end it starts from), forwards or backwards. */
  ids(from: K | null, descending: boolean, skip: number, limit: number): number[];
  /** The key of the row `skip` rows past `from`, or null where the list ends. */
  step(from: K | null, skip: number): K | null;
}

interface MarkedList {
  readonly marks: unknown[];
  complete: boolean;
}

/**
 * Where rows sit in the long ordered lists the grids page through (the dataset's images, a curation
 * group), remembered until the database next changes. A page found by its offset alone (a jump down
 * the scrollbar, no loaded tile beside it) seeks from the nearest mark above it, the key of every
 * `spacing`-th row, and skips fewer than `spacing` rows: its cost does not grow with the offset.
 * Marks are found lazily, walking from the last one known, so the first jump costs what an OFFSET
 * did and the ones after it almost nothing; totals are kept the same way. Any write, on this
 * connection or another, starts over: a mark is only a row's offset for the data it was read from.
 */
export class ListPositions {
  readonly spacing: number;
  readonly #db: ProjectDatabase;
  readonly #capacity: number;
  readonly #changes: Database.Statement;
  readonly #dataVersion: Database.Statement;
  readonly #lists = new Map<string, MarkedList>();
  readonly #counts = new Map<string, number>();
  #version = '';

  constructor(db: ProjectDatabase, options: { spacing?: number; lists?: number } = {}) {
    this.spacing = options.spacing ?? 256;
    this.#db = db;
    this.#capacity = options.lists ?? 64;
    this.#changes = db.prepare('SELECT total_changes()').pluck();
    this.#dataVersion = db.prepare('PRAGMA data_version').pluck();
  }

  /**
   * The last mark above `offset` in `list` (null when `offset` lies in the first `spacing` rows:
   * walk from the start). Missing marks are found by `step`, which walks from a key (null: the
   * list's start), skips `skip` rows and returns the next row's key, or null where the list ends.
   */
  markAbove<K>(list: string, offset: number, step: (from: K | null, skip: number) => K | null): ListMark<K> | null {
    if (!this.#current()) return null;
    const wanted = Math.floor(offset / this.spacing);
    if (wanted === 0) return null;
    const entry = this.#entry(list);
    while (entry.marks.length < wanted && !entry.complete) {
      const next = step(entry.marks.length === 0 ? null : (entry.marks.at(-1) as K), this.spacing - 1);
      if (next === null) entry.complete = true;
      else entry.marks.push(next);
    }
    const index = Math.min(wanted, entry.marks.length) - 1;
    return index < 0 ? null : { offset: (index + 1) * this.spacing - 1, key: entry.marks[index] as K };
  }

  /**
   * The ids of a page, in list order: walked from the anchor the caller sent, else (a jump) from
   * the nearest mark above the page, so no page's cost grows with its offset.
   */
  page<A extends { readonly offset: number }, K>(list: string, page: PageRequest<A>, walk: ListWalk<A, K>): number[] {
    const after = page.after && walk.key(page.after);
    if (after && page.after) return walk.ids(after, false, page.offset - page.after.offset - 1, page.limit);
    const before = page.before && walk.key(page.before);
    if (before && page.before) return walk.ids(before, true, page.before.offset - page.offset - page.limit, page.limit).reverse();
    const mark = this.markAbove<K>(list, page.offset, (from, skip) => walk.step(from, skip));
    return walk.ids(mark?.key ?? null, false, mark ? page.offset - mark.offset - 1 : page.offset, page.limit);
  }

  /** `count()` for `list`, computed once until the database changes. */
  count(list: string, count: () => number): number {
    if (!this.#current()) return count();
    let known = this.#counts.get(list);
    if (known === undefined) {
      if (this.#counts.size >= this.#capacity) this.#counts.delete(this.#counts.keys().next().value!);
      this.#counts.set(list, (known = count()));
    }
    return known;
  }

  #entry(list: string): MarkedList {
    let entry = this.#lists.get(list);
    if (entry) {
      // Most recently used last, so the oldest list is the one dropped.
      this.#lists.delete(list);
    } else {
      entry = { marks: [], complete: false };
      if (this.#lists.size >= this.#capacity) this.#lists.delete(this.#lists.keys().next().value!);
    }
    this.#lists.set(list, entry);
    return entry;
  }

  /**
   * Whether what is kept describes the data now, starting over if anything was written since. Inside
   * a transaction nothing is kept: a rollback takes back rows without a count of changes to show it.
   */
  #current(): boolean {
    if (this.#db.inTransaction) {
      this.#version = '';
      return false;
    }
    const version = `${this.#dataVersion.get() as number}:${this.#changes.get() as number}`;
    if (version !== this.#version) {
      this.#version = version;
      this.#lists.clear();
      this.#counts.clear();
    }
    return true;
  }
}

const byConnection = new WeakMap<ProjectDatabase, ListPositions>();

/** The positions kept for this connection, shared by every list read through it. */
export function listPositions(db: ProjectDatabase): ListPositions {
  let positions = byConnection.get(db);
  if (!positions) byConnection.set(db, (positions = new ListPositions(db)));
  return positions;
}
