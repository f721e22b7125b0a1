/** The shape a roving index moves over: `columns` items a row, `pageRows` rows a screen. */
export interface RovingShape {
  readonly count: number;
  readonly columns: number;
  readonly pageRows: number;
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
    const at = this.current(count);
    const rowStart = at - (at % columns);
    const whole = ctrl || columns === 1;
    // A one-column list moves up and down only; left and right stay with the view around it (the
    // curation grid's keys, pressed with the focus on the sidebar's identity list).
    const targets: Record<string, number | undefined> = {
      ArrowLeft: columns === 1 ? undefined : at - 1,
      ArrowRight: columns === 1 ? undefined : at + 1,
      ArrowUp: at - columns,
      ArrowDown: at + columns,
      Home: whole ? 0 : rowStart,
      End: whole ? count - 1 : rowStart + columns - 1,
      PageUp: at - Math.max(1, pageRows) * columns,
      PageDown: at + Math.max(1, pageRows) * columns,
    };
    const target = targets[key];
    if (target === undefined) return null;
    // Up and down stop at the edge row rather than wrapping or falling off it: the last row may be short.
    const next = key === 'ArrowUp' || key === 'PageUp' ? (target < 0 ? at % columns : target) : target;
    this.index = Math.max(0, Math.min(count - 1, next));
    return this.index;
  }
}
