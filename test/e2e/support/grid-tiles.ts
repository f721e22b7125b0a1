import type { Locator } from 'playwright-core';

/** How the items a virtual grid renders sit against its scrolling viewport, as a user sees them. */
export interface GridTiles {
  /** Items wholly inside the viewport. */
  readonly whole: number;
  /** Items showing only their lower part: cut by the viewport's top edge, under whatever is pinned above it. */
  readonly cutAtTop: number;
  /** Items cut by the left or right edge, or by something drawn over the viewport. */
  readonly cutAtSide: number;
}

/**
 * Counts the rendered items of the virtual grid `viewport` by how much of them shows: its list's items, or
 * its listbox's options where the grid is one Tab stop with roving focus (the dataset grid; the curation
 * grid's variant tiles, several a line).
 */
export async function gridTiles(viewport: Locator): Promise<GridTiles> {
  return viewport.evaluate((element) => {
    const frame = element.getBoundingClientRect();
    const counts = { whole: 0, cutAtTop: 0, cutAtSide: 0 };
    for (const item of element.querySelectorAll('[role="listitem"], [role="option"]')) {
      const box = item.getBoundingClientRect();
      const showing = box.bottom > frame.top + 0.5 && box.top < frame.bottom - 0.5;
      if (!showing) continue;
      if (box.left < frame.left - 0.5 || box.right > frame.right + 0.5) counts.cutAtSide += 1;
      // The point at the item's centre is the item's own unless a panel or strip covers it.
      const hit = document.elementFromPoint((box.left + box.right) / 2, Math.max(box.top, frame.top) + 2);
      if (hit && !item.contains(hit)) counts.cutAtSide += 1;
      if (box.top < frame.top - 0.5) counts.cutAtTop += 1;
      else if (box.bottom <= frame.bottom + 0.5) counts.whole += 1;
    }
    return counts;
  });
}
