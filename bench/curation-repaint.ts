/**
 * Decide + repaint, as a reviewer sees it: the real web host (`likeness serve`, run from source in its
 * own process) on a project, the built renderer in Debian's Chromium, and the curation keys pressed
 * one at a time. Each press is timed twice:
 *  - in the page, from the keydown (a capturing listener on window, which runs before the app's own)
 *    to the mutation that makes the tile's DOM show the decision, and to the next frame after it
 *    (requestAnimationFrame, then a task, which runs once that frame has been painted);
 *  - from Node, from `keyboard.press` to the page's report, which adds the CDP round trips.
 * A decision reaches the tile only after the host has stored it and the grid has re-read its page,
 * so this is the whole path: WebSocket, decision log, curation.changed, curation.page, Svelte.
 */
import { loadavg } from 'node:os';
import type { Browser, Page } from 'playwright-core';
import { startAppServer } from '../test/e2e/support/app-server.ts';
import { launchBrowser, watchPageErrors } from '../test/e2e/support/browser.ts';

export interface Timing {
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
  readonly count: number;
}

export interface RepaintPlace {
  /** Where the reviewer was: the tile clicked after scrolling there, as a flat index into the view. */
  readonly startIndex: number;
  /** From setting the grid's scroll position to the tile at the middle of the screen being loaded (null at the top). */
  readonly jumpMs: number | null;
  readonly keyToPaint: Timing;
}

export interface RepaintResult {
  readonly view: string;
  readonly viewport: { readonly width: number; readonly height: number };
  readonly decisions: number;
  /** Page-side: keydown → the tile's `data-status` showing the decision. */
  readonly keyToDom: Timing;
  /** Page-side: keydown → the frame after that mutation has been painted. */
  readonly keyToPaint: Timing;
  /** Node-side: `keyboard.press` → the page's report of the DOM change (includes CDP round trips). */
  readonly pressToDomViaCdp: Timing;
  /** Arrow keys: keydown → the next tile marked as the cursor, then painted. */
  readonly moveKeyToPaint: Timing;
  readonly places: Record<string, RepaintPlace>;
  readonly pageErrors: readonly string[];
  /** The machine's 1-minute load average as the presses began and ended: on a shared machine the tail is mostly other work. */
  readonly loadAverage: { readonly start: number; readonly end: number };
}

interface Probe {
  readonly key: number;
  readonly dom: number;
  readonly painted: number;
}

/** The curation keys' defaults (app/api/curation.ts `defaultKeymap`). */
const ACCEPT = 'a';
const REJECT = 'r';
const VIEWPORT = { width: 1280, height: 800 };
const PROBE_TIMEOUT_MS = 20_000;

/** Scroll fractions a reviewer jumps to; 0 is the grid as it opens. */
const PLACES: Record<string, number> = { top: 0, middle: 0.5, deep: 0.95 };

export async function benchRepaint(projectPath: string, home: string, options: { decisionsPerPlace: number }): Promise<RepaintResult> {
  const server = await startAppServer([projectPath], { LIKENESS_HOME: home });
  let browser: Browser | undefined;
  try {
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    const errors = watchPageErrors(page);
    await page.goto(server.url);
    await page.getByTestId('tab-curate').click();
    await page.locator('[data-testid="variant-tile"][data-cursor="true"]').waitFor({ timeout: 60_000 });

    const loadStart = loadavg()[0];
    const all = { dom: [] as number[], paint: [] as number[], cdp: [] as number[], move: [] as number[] };
    const places: Record<string, RepaintPlace> = {};
    for (const [name, fraction] of Object.entries(PLACES)) {
      const jumpMs = fraction === 0 ? null : await jumpTo(page, fraction);
      const startIndex = (await cursorTile(page)).index;
      const paint: number[] = [];
      for (let k = 0; k < options.decisionsPerPlace; k += 1) {
        // Moving through the grid between decisions, as a reviewer skips what needs no verdict.
        if (k % 3 === 2) all.move.push(await timedMove(page, k % 2 === 0 ? 'ArrowDown' : 'ArrowRight'));
        const decided = await timedDecision(page, k);
        all.dom.push(decided.probe.dom - decided.probe.key);
        all.paint.push(decided.probe.painted - decided.probe.key);
        all.cdp.push(decided.cdp);
        paint.push(decided.probe.painted - decided.probe.key);
      }
      places[name] = { startIndex, jumpMs: jumpMs === null ? null : round(jumpMs), keyToPaint: summarize(paint) };
    }
    await context.close();
    return {
      view: 'by source, synthesis order (the grid as it opens)',
      viewport: VIEWPORT,
      decisions: all.dom.length,
      keyToDom: summarize(all.dom),
      keyToPaint: summarize(all.paint),
      pressToDomViaCdp: summarize(all.cdp),
      moveKeyToPaint: summarize(all.move),
      places,
      pageErrors: errors,
      loadAverage: { start: round(loadStart), end: round(loadavg()[0]) },
    };
  } catch (error) {
    throw new Error(`curation repaint bench failed: ${(error as Error).message}\nhost output:\n${server.output()}`, { cause: error });
  } finally {
    await browser?.close();
    await server.stop();
  }
}

async function cursorTile(page: Page): Promise<{ id: number; index: number; status: string }> {
  const tile = page.locator('button[data-testid="variant-tile"][data-cursor="true"]');
  await tile.waitFor({ timeout: PROBE_TIMEOUT_MS });
  return tile.evaluate((element) => ({
    id: Number(element.getAttribute('data-variant-id')),
    index: Number(element.getAttribute('data-index')),
    status: element.getAttribute('data-status') ?? '',
  }));
}

/** Accepts or rejects the cursor's tile (whichever changes it) and times until the tile shows it. */
async function timedDecision(page: Page, k: number): Promise<{ probe: Probe; cdp: number }> {
  const tile = await cursorTile(page);
  // Alternate, but never press the key whose decision the tile already shows: nothing would change.
  let key = k % 2 === 0 ? ACCEPT : REJECT;
  if (tile.status === (key === ACCEPT ? 'accepted' : 'rejected')) key = key === ACCEPT ? REJECT : ACCEPT;
  const expected = key === ACCEPT ? 'accepted' : 'rejected';
  await armProbe(page, { kind: 'status', variantId: tile.id, status: expected });
  const start = performance.now();
  await page.keyboard.press(key);
  const probe = await readProbe(page);
  return { probe, cdp: performance.now() - start };
}

async function timedMove(page: Page, key: string): Promise<number> {
  const from = await cursorTile(page);
  await armProbe(page, { kind: 'cursor', variantId: from.id, status: '' });
  await page.keyboard.press(key);
  const probe = await readProbe(page);
  return probe.painted - probe.key;
}

/**
 * Installs, in the page, the listener and observer for the next key press. 'status': the tile of
 * `variantId` shows `status`; 'cursor': a tile other than `variantId` is the cursor.
 */
function armProbe(page: Page, target: { kind: 'status' | 'cursor'; variantId: number; status: string }): Promise<void> {
  return page.evaluate(
    ({ target, timeoutMs }) => {
      // No named functions in here: tsx (esbuild keepNames) would wrap them in a helper the page lacks.
      const state = { key: 0 };
      const probe = new Promise<{ key: number; dom: number; painted: number }>((resolve, reject) => {
        const observer = new MutationObserver(() => {
          if (state.key === 0) return;
          const tile = document.querySelector(
            target.kind === 'status'
              ? `button[data-testid="variant-tile"][data-variant-id="${target.variantId}"]`
              : 'button[data-testid="variant-tile"][data-cursor="true"]',
          );
          const shown =
            target.kind === 'status'
              ? tile?.getAttribute('data-status') === target.status
              : tile !== null && Number(tile.getAttribute('data-variant-id')) !== target.variantId;
          if (!shown) return;
          const dom = performance.now();
          observer.disconnect();
          clearTimeout(timer);
          requestAnimationFrame(() => setTimeout(() => resolve({ key: state.key, dom, painted: performance.now() }), 0));
        });
        const timer = setTimeout(() => {
          observer.disconnect();
          reject(new Error(`no ${target.kind} change on variant ${target.variantId} within ${timeoutMs} ms of the key press`));
        }, timeoutMs);
        observer.observe(document.body, {
          subtree: true,
          childList: true,
          attributes: true,
          attributeFilter: ['data-status', 'data-variant-id', 'data-cursor'],
        });
      });
      window.addEventListener('keydown', () => (state.key = performance.now()), { capture: true, once: true });
      (window as unknown as { likenessProbe: Promise<unknown> }).likenessProbe = probe;
    },
    { target, timeoutMs: PROBE_TIMEOUT_MS },
  );
}

function readProbe(page: Page): Promise<Probe> {
  return page.evaluate(() => (window as unknown as { likenessProbe: Promise<Probe> }).likenessProbe);
}

/** Scrolls the grid to `fraction` of its height, waits for the tiles there, and clicks one near the middle of the screen. */
async function jumpTo(page: Page, fraction: number): Promise<number> {
  const start = performance.now();
  await page.evaluate((f) => {
    const viewport = document.querySelector<HTMLElement>('[data-testid="curation-grid"]')!;
    viewport.scrollTop = f * (viewport.scrollHeight - viewport.clientHeight);
  }, fraction);
  const index = await page
    .waitForFunction(
      () => {
        const viewport = document.querySelector<HTMLElement>('[data-testid="curation-grid"]')!.getBoundingClientRect();
        const onScreen = [...document.querySelectorAll<HTMLElement>('button[data-testid="variant-tile"]')].filter((tile) => {
          const box = tile.getBoundingClientRect();
          return box.top >= viewport.top && box.bottom <= viewport.bottom;
        });
        const middle = onScreen.find((tile) => tile.getBoundingClientRect().top >= viewport.top + viewport.height / 3);
        return middle ? Number(middle.getAttribute('data-index')) : null;
      },
      undefined,
      { timeout: 60_000 },
    )
    .then((handle) => handle.jsonValue() as Promise<number>);
  const jumpMs = performance.now() - start;
  await page.locator(`button[data-testid="variant-tile"][data-index="${index}"]`).click();
  await page.locator(`button[data-testid="variant-tile"][data-index="${index}"][data-cursor="true"]`).waitFor();
  return jumpMs;
}

export function summarize(samples: readonly number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]);
  return { p50: at(0.5), p95: at(0.95), max: round(sorted[sorted.length - 1]), count: sorted.length };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
