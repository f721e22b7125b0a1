import type { Page } from 'playwright-core';

/**
 * From the page's first control, Tab once round the page and name the widget each stop is in: the
 * first of `widgets` (name → CSS selector) that holds the focused element, else 'other'. The round
 * ends where focus comes back to a stop already visited or leaves for the page itself.
 */
export async function tabStops(page: Page, widgets: Readonly<Record<string, string>>): Promise<string[]> {
  await page.evaluate(() => document.querySelector<HTMLElement>('button, input, select, summary, a[href], [tabindex="0"]')?.focus());
  const stopAt = () =>
    page.evaluate((widgets) => {
      const focused = document.activeElement as HTMLElement | null;
      if (!focused || focused === document.body || focused.dataset.tabbedTo) return null;
      focused.dataset.tabbedTo = 'yes';
      return Object.entries(widgets).find(([, selector]) => focused.closest(selector))?.[0] ?? 'other';
    }, widgets);
  const stops: string[] = [(await stopAt())!];
  for (let press = 0; press < 400; press += 1) {
    await page.keyboard.press('Tab');
    const stop = await stopAt();
    if (stop === null) break;
    stops.push(stop);
  }
  return stops;
}
