/** Where one mark's label goes: its row above the axis, and on which side of its mark line it hangs. */
export interface MarkLabelPlacement {
  row: number;
  side: 'right' | 'left';
}

/**
 * Rows for the labels of marks along an axis, so that no two labels cover each other. Calibrated
 * thresholds can sit a few pixels apart (dlib at FAR 1e-2, 1e-3, 1e-4: 0.912, 0.928, 0.941), so a
 * label takes the first row, from the top, where it clears every label already there. It hangs right
 * of its mark, or left of it where it would run past the axis end. `x` and `width` are in pixels;
 * labels not yet measured (width 0 on an axis of width 0) each get a row of their own.
 */
export function placeMarkLabels(marks: readonly { x: number; width: number }[], axisWidth: number, gap = 6): MarkLabelPlacement[] {
  const rowEnds: number[] = [];
  const placements: MarkLabelPlacement[] = new Array(marks.length);
  const order = marks.map((_, i) => i).sort((a, b) => marks[a]!.x - marks[b]!.x);
  for (const i of order) {
    const { x, width } = marks[i]!;
    const side = x + width > axisWidth && x - width >= 0 ? 'left' : 'right';
    const start = side === 'right' ? x : x - width;
    let row = rowEnds.findIndex((end) => end + gap <= start);
    if (row < 0) row = rowEnds.push(0) - 1;
    rowEnds[row] = start + width;
    placements[i] = { row, side };
  }
  return placements;
}
