import type { Locator } from 'playwright-core';

/**
 * The pairs among the elements `locator` matches whose boxes on screen cover each other, named by
 * their text: text drawn over text is unreadable, whatever the DOM says.
 */
export async function overlappingPairs(locator: Locator): Promise<string[]> {
  return locator.evaluateAll((elements) => {
    const boxes = elements.map((element) => ({ text: element.textContent?.trim() ?? '', box: element.getBoundingClientRect() }));
    const pairs: string[] = [];
    for (const [i, a] of boxes.entries()) {
      for (const b of boxes.slice(i + 1)) {
        const apart = a.box.right <= b.box.left || b.box.right <= a.box.left || a.box.bottom <= b.box.top || b.box.bottom <= a.box.top;
        if (!apart) pairs.push(`${a.text} × ${b.text}`);
      }
    }
    return pairs;
  });
}
