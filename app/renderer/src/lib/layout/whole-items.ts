import type { Attachment } from 'svelte/attachments';

/**
 * Caps a scrolling list's extent along `axis` at the end of the last child it can show whole, below
 * the cap its stylesheet sets, and pads its end just enough that scrolled to the end it starts on a
 * child: at rest, at either end, the list shows whole items instead of a line or a photo cut by its
 * edge. Refitted when the list or a child is resized (a photo loading gets its width) or the content
 * changes.
 */
export function wholeItems(axis: 'x' | 'y'): Attachment<HTMLElement> {
  const extent = axis === 'y' ? 'maxHeight' : 'maxWidth';
  const padding = axis === 'y' ? 'paddingBottom' : 'paddingRight';
  return (element) => {
    const resized = new ResizeObserver(() => fit());
    const watched = new WeakSet<Element>();
    /** Where each child starts and ends, measured from the list's border edge with the list scrolled to its start. */
    const spans = (): { start: number; end: number }[] => {
      const frame = element.getBoundingClientRect();
      const [origin, scrolled] = axis === 'y' ? [frame.top, element.scrollTop] : [frame.left, element.scrollLeft];
      return [...element.children].map((child) => {
        const box = child.getBoundingClientRect();
        return axis === 'y'
          ? { start: box.top - origin + scrolled, end: box.bottom - origin + scrolled }
          : { start: box.left - origin + scrolled, end: box.right - origin + scrolled };
      });
    };
    const client = (): number => (axis === 'y' ? element.clientHeight : element.clientWidth);
    const scrollSize = (): number => (axis === 'y' ? element.scrollHeight : element.scrollWidth);
    const fit = (): void => {
      for (const child of element.children) {
        if (!watched.has(child)) resized.observe(child);
        watched.add(child);
      }
      element.style[extent] = '';
      element.style[padding] = '';
      if (scrollSize() <= client() + 0.5) return;
      const style = getComputedStyle(element);
      const [paddingEnd, borderEnd] =
        axis === 'y' ? [style.paddingBottom, style.borderBottomWidth] : [style.paddingRight, style.borderRightWidth];
      const borderStart = axis === 'y' ? element.clientTop : element.clientLeft;
      const whole = spans().filter((span) => span.end <= borderStart + client() + 0.5);
      if (whole.length === 0) return;
      element.style[extent] = `${Math.max(...whole.map((span) => span.end)) + parseFloat(paddingEnd) + parseFloat(borderEnd)}px`;
      // Scrolled to its end the list would start wherever the content ran out, cutting the first item it shows.
      const furthest = scrollSize() - client();
      const next = spans()
        .map((span) => span.start - borderStart)
        .filter((start) => start >= furthest - 0.5)
        .sort((a, b) => a - b)[0];
      if (next !== undefined && next > furthest + 0.5) element.style[padding] = `${parseFloat(paddingEnd) + next - furthest}px`;
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
