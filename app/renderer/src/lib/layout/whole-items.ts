import type { Attachment } from 'svelte/attachments';

/**
 * Caps a scrolling list's extent along `axis` at the end of the last child it can show whole, below
 * the cap its stylesheet sets: at rest the list ends on a whole item instead of a line or a photo cut
 * by its edge. Refitted when the list or a child is resized (a photo loading gets its width) or the
 * content changes.
 */
export function wholeItems(axis: 'x' | 'y'): Attachment<HTMLElement> {
  const extent = axis === 'y' ? 'maxHeight' : 'maxWidth';
  return (element) => {
    const resized = new ResizeObserver(() => fit());
    const watched = new WeakSet<Element>();
    const fit = (): void => {
      for (const child of element.children) {
        if (!watched.has(child)) resized.observe(child);
        watched.add(child);
      }
      element.style[extent] = '';
      const frame = element.getBoundingClientRect();
      const style = getComputedStyle(element);
      const [start, scrolled, client, scrollSize, paddingEnd, borderEnd] =
        axis === 'y'
          ? [frame.top, element.scrollTop, element.clientHeight, element.scrollHeight, style.paddingBottom, style.borderBottomWidth]
          : [frame.left, element.scrollLeft, element.clientWidth, element.scrollWidth, style.paddingRight, style.borderRightWidth];
      if (scrollSize <= client + 0.5) return;
      const borderStart = axis === 'y' ? element.clientTop : element.clientLeft;
      let end = 0;
      for (const child of element.children) {
        const box = child.getBoundingClientRect();
        // Where the child ends, measured from the list's border edge with the list scrolled to its start.
        const childEnd = (axis === 'y' ? box.bottom : box.right) - start + scrolled;
        if (childEnd <= borderStart + client + 0.5) end = Math.max(end, childEnd);
      }
      if (end > 0) element.style[extent] = `${end + parseFloat(paddingEnd) + parseFloat(borderEnd)}px`;
    };
    resized.observe(element);
    const changed = new MutationObserver(fit);
    changed.observe(element, { childList: true, subtree: true, characterData: true });
    fit();
    return () => {
      resized.disconnect();
      changed.disconnect();
    };
  };
}
