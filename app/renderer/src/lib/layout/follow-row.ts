export interface RowGeometry {
  /** Space above the first row. */
  readonly padding: number;
  readonly gap: number;
  readonly rowHeight: number;
}

/**
 * Where a row-snapping viewport must scroll so that `row` is whole on screen, or null when it already
 * is. Row snapping rests one gap above a row, so each scroll lands there: a position between two
 * would snap back to the row above and cut the wanted row at the bottom.
 */
export function followRow(row: number, geometry: RowGeometry, view: { scrollTop: number; clientHeight: number }): number | null {
  const { padding, gap, rowHeight } = geometry;
  const stride = rowHeight + gap;
  const top = padding + row * stride;
  if (top < view.scrollTop + gap) return Math.max(0, top - gap);
  if (top + rowHeight <= view.scrollTop + view.clientHeight) return null;
  const first = Math.min(row, Math.ceil((top + rowHeight - view.clientHeight - padding + gap) / stride));
  return padding - gap + Math.max(0, first) * stride;
}
