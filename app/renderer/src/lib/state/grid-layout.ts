import type { PageSegment } from '#api/curation.ts';

export interface LayoutGroup {
  readonly key: string;
  readonly count: number;
}

export interface GridLine {
  readonly group: number;
  /** Flat index (position in the whole filtered, sorted list) of the line's first variant. */
  readonly first: number;
  readonly length: number;
  /** The first line of a group carries the pinned source (or the group's header). */
  readonly opensGroup: boolean;
}

/**
 * The curation grid as lines: each group (a source, an identity or an edit) starts a new line and
 * wraps over as many lines as its variants need, at `columns` variants a line. Variants also have a
 * flat index — their position in the concatenation of all groups — which is what the paged window
 * fetches by; this class maps between the two with binary searches over prefix sums.
 */
export class GridLayout {
  readonly groups: readonly LayoutGroup[];
  readonly columns: number;
  readonly total: number;
  readonly lineCount: number;
  readonly #flatStart: number[];
  readonly #lineStart: number[];

  constructor(groups: readonly LayoutGroup[], columns: number) {
    this.groups = groups;
    this.columns = Math.max(1, Math.floor(columns));
    this.#flatStart = [];
    this.#lineStart = [];
    let flat = 0;
    let line = 0;
    for (const group of groups) {
      this.#flatStart.push(flat);
      this.#lineStart.push(line);
      flat += group.count;
      line += Math.max(1, Math.ceil(group.count / this.columns));
    }
    this.total = flat;
    this.lineCount = line;
  }

  line(index: number): GridLine {
    const group = lastAtMost(this.#lineStart, index);
    const within = index - this.#lineStart[group];
    const first = this.#flatStart[group] + within * this.columns;
    const length = Math.max(0, Math.min(this.columns, this.groups[group].count - within * this.columns));
    return { group, first, length, opensGroup: within === 0 };
  }

  /** The flat index of the tile at `offset` in the group keyed `key`; null when the group is not laid out. */
  flatIndexOf(key: string, offset: number): number | null {
    const group = this.groups.findIndex((g) => g.key === key);
    if (group < 0 || offset < 0 || offset >= this.groups[group].count) return null;
    return this.#flatStart[group] + offset;
  }

  lineOf(flat: number): number {
    const group = lastAtMost(this.#flatStart, flat, (g) => this.groups[g].count > 0);
    return this.#lineStart[group] + Math.floor((flat - this.#flatStart[group]) / this.columns);
  }

  /** The flat index one line up or down, in the same column as far as that line reaches; null past the ends. */
  step(flat: number, lines: number): number | null {
    const from = this.lineOf(flat);
    const to = from + lines;
    if (to < 0 || to >= this.lineCount) return null;
    const column = flat - this.line(from).first;
    const target = this.line(to);
    if (target.length === 0) return null;
    return target.first + Math.min(column, target.length - 1);
  }

  /** Flat indices covered by lines [startLine, endLine). */
  flatRange(startLine: number, endLine: number): [number, number] {
    if (this.lineCount === 0 || startLine >= endLine) return [0, 0];
    const first = this.line(Math.max(0, startLine));
    const last = this.line(Math.min(this.lineCount, endLine) - 1);
    return [first.first, last.first + last.length];
  }

  /** The flat range [start, end) as one slice per group, the shape `curation.page` asks for. */
  segments(start: number, end: number): PageSegment[] {
    const segments: PageSegment[] = [];
    let at = Math.max(0, start);
    const stop = Math.min(end, this.total);
    while (at < stop) {
      const group = lastAtMost(this.#flatStart, at, (g) => this.groups[g].count > 0);
      const offset = at - this.#flatStart[group];
      const limit = Math.min(stop - at, this.groups[group].count - offset);
      segments.push({ groupKey: this.groups[group].key, offset, limit });
      at += limit;
    }
    return segments;
  }
}

/**
 * The last index i with starts[i] <= value; with `usable`, the last such i that passes it — groups
 * of zero variants share their start with the next group and must not swallow its indices.
 */
function lastAtMost(starts: readonly number[], value: number, usable: (i: number) => boolean = () => true): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (starts[mid] <= value) lo = mid;
    else hi = mid - 1;
  }
  while (lo > 0 && !usable(lo)) lo -= 1;
  return lo;
}
