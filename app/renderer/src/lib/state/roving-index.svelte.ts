/** Rows of different lengths: the curation grid, where each group starts a row of its own. */
export interface RovingRows {
  readonly rowCount: number;
  rowOf(index: number): number;
  /** The row's first item and how many it holds (0 for an empty group's row). */
  row(row: number): { readonly first: number; readonly length: number };
}

/** The shape a roving index moves over: `columns` items a row, `pageRows` rows a screen. */
export interface RovingShape {
  readonly count: number;
  readonly columns: number;
  readonly pageRows: number;
  /** Rows as laid out, where they are not all `columns` long. */
  readonly rows?: RovingRows;
}

/** Rows of `columns` items, the last one possibly short. */
function evenRows(count: number, columns: number): RovingRows {
  return {
    rowCount: Math.ceil(count / columns),
    rowOf: (index) => Math.floor(index / columns),
    row: (row) => ({ first: row * columns, length: Math.min(columns, count - row * columns) }),
  };
}

/**
 * The one item of a composite widget (a grid of tiles, a list) that holds its single Tab stop, and
 * the keys that move it (WAI-ARIA roving tabindex): arrows step (only up and down in one column), Home/End go to the row's ends
 * (Ctrl, or a one-column list: the first and last item), PageUp/PageDown a screen of rows.
 */
export class RovingIndex {
  index = $state(0);

  /** The item holding the Tab stop, within a list that may have shrunk since it was set. */
  current(count: number): number {
    return Math.max(0, Math.min(this.index, count - 1));
  }

  /** Moves for a navigation key and returns the new index; null for any other key, or an empty widget. */
  key(key: string, shape: RovingShape, ctrl = false): number | null {
    const { count, pageRows } = shape;
    if (count === 0) return null;
    const columns = Math.max(1, shape.columns);
    const rows = shape.rows ?? evenRows(count, columns);
    const at = this.current(count);
    const rowAt = rows.rowOf(at);
    const { first, length } = rows.row(rowAt);
    // A one-column list moves up and down only; left and right stay with the view around it (the
    // curation grid's keys, pressed with the focus on the sidebar's identity list). Laid-out rows
    // are a grid however few items a row holds.
    const list = columns === 1 && !shape.rows;
    const whole = ctrl || list;
    const page = Math.max(1, pageRows);
    const targets: Record<string, (() => number) | undefined> = {
      ArrowLeft: list ? undefined : () => at - 1,
      ArrowRight: list ? undefined : () => at + 1,
      ArrowUp: () => this.#rowsAway(rows, at, -1),
      ArrowDown: () => this.#rowsAway(rows, at, 1),
      Home: () => (whole ? 0 : first),
      End: () => (whole ? count - 1 : first + length - 1),
      PageUp: () => this.#rowsAway(rows, at, -page),
      PageDown: () => this.#rowsAway(rows, at, page),
    };
    const target = targets[key];
    if (target === undefined) return null;
    this.index = Math.max(0, Math.min(count - 1, target()));
    return this.index;
  }

  /**
   * The item `delta` rows away in the same column, or the row's last item where that row is shorter.
   * Up and down stop at the edge row rather than wrapping or falling off it; an empty row (a group
   * whose variants are all filtered out) is passed over.
   */
  #rowsAway(rows: RovingRows, at: number, delta: number): number {
    const from = rows.rowOf(at);
    const column = at - rows.row(from).first;
    const step = Math.sign(delta);
    const to = Math.max(0, Math.min(rows.rowCount - 1, from + delta));
    const inColumn = (row: number): number | null => {
      const { first, length } = rows.row(row);
      return length > 0 ? first + Math.min(column, length - 1) : null;
    };
    for (let row = to; row >= 0 && row < rows.rowCount; row += step) {
      const found = inColumn(row);
      if (found !== null) return found;
    }
    for (let row = to; row !== from; row -= step) {
      const found = inColumn(row);
      if (found !== null) return found;
    }
    return at;
  }
}
