import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedFacesDir, sharedFacesOrSkip } from '../fixtures/shared-faces.ts';
import { startAppServer, repoRoot, type AppServer } from './support/app-server.ts';
import { launchBrowser, watchPageErrors } from './support/browser.ts';
import { importFolder, keepEvidenceOfFailures } from './support/page-steps.ts';
import { tabStops } from './support/tab-stops.ts';

const hasFaces = sharedFacesOrSkip();

describe.runIf(hasFaces)('dataset view in Chromium through the web host', () => {
  const dir = mkdtempSync(join(tmpdir(), 'likeness-e2e-dataset-'));
  const projectPath = join(dir, 'faces.likeness');
  const brokenRoot = join(dir, 'broken');
  let server: AppServer;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    // A second folder whose good photo sits beside a JPEG cut in half and a text file posing as one.
    const photosOf = (who: string): string[] =>
      readdirSync(join(sharedFacesDir, 'johns', who))
        .sort()
        .map((f) => join(sharedFacesDir, 'johns', who, f));
    const good = photosOf('John_Simm')[0]!;
    mkdirSync(join(brokenRoot, 'Someone'), { recursive: true });
    copyFileSync(good, join(brokenRoot, 'Someone', 'good.jpg'));
    const bytes = readFileSync(photosOf('John_Savage')[1]!);
    writeFileSync(join(brokenRoot, 'Someone', 'cut in half.jpg'), bytes.subarray(0, bytes.length >> 1));
    writeFileSync(join(brokenRoot, 'Someone', 'notes.jpg'), 'this is a text file, not a photo\n');
    server = await startAppServer([], { LIKENESS_HOME: join(dir, 'home') });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    errors = watchPageErrors(page);
    await page.goto(server.url);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  keepEvidenceOfFailures(dir, () => ({ page, errors }));

  it('creates a project from the picker', async () => {
    await page.getByTestId('project-path-input').fill(projectPath);
    await page.getByTestId('project-create-button').click();
    await expect.poll(() => page.getByTestId('project-name').textContent()).toContain('faces');
  });

  it('imports the ORL and johns photos and lists every identity with its count', async () => {
    await importFolder(page, join(sharedFacesDir, 'orl'));
    await importFolder(page, join(sharedFacesDir, 'johns'));
    await expect.poll(() => page.getByTestId('identity-total').textContent()).toContain(String(28 + 5));
    const simm = page.locator('[data-testid="identity-item"]', { hasText: 'John_Simm' });
    await expect.poll(() => simm.getByTestId('identity-count').textContent()).toContain('11');
    const s3 = page.locator('[data-testid="identity-item"]', { hasText: /^\s*s3\b/ });
    await expect.poll(() => s3.getByTestId('identity-count').textContent()).toContain('10');
  });

  it('shows real thumbnails for the selected identity', async () => {
    await page.locator('[data-testid="identity-item"]', { hasText: 'John_Simm' }).click();
    const tiles = page.getByTestId('grid-tile');
    await expect.poll(() => tiles.count()).toBe(11);
    await expect
      .poll(() =>
        page.$$eval(
          '[data-testid="grid-tile"] img',
          (imgs) => imgs.filter((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0).length,
        ),
      )
      .toBe(11);
  });

  it('reports the corrupt files by name and reason, and keeps the good one', async () => {
    await importFolder(page, brokenRoot);
    if (!(await page.getByTestId('problems-panel').getByTestId('problem-row').first().isVisible())) {
      await page.getByTestId('problems-toggle').click();
    }
    const rows = page.getByTestId('problem-row');
    // The two unreadable files and two byte-identical copies (johns' own in John_Shimkus, and good.jpg,
    // a copy of a John_Simm photo), each copy named by its original.
    await expect.poll(() => rows.count()).toBe(4);
    const text = (await page.getByTestId('problems-panel').textContent()) ?? '';
    expect(text).toMatch(/Same bytes as \S*John_Shimkus\/000378_02340151\.jpg/);
    expect(text).toMatch(/Same bytes as \S*John_Simm\//);
    expect(text).toContain('cut in half.jpg');
    expect(text).toContain('notes.jpg');
    expect(text).toMatch(/TRUNCATED|DECODE_FAILED/);
    expect(text).toContain('NOT_AN_IMAGE');
    // The list is virtualized and sorted by name, so the new identity may be below the fold: filter as a user would.
    await page.getByTestId('identity-filter').fill('Someone');
    await page.locator('[data-testid="identity-item"]', { hasText: 'Someone' }).click();
    await page.getByTestId('identity-filter').fill('');
    await page.screenshot({ path: join(repoRoot, 'docs/dataset-view.png') });
    expect(errors).toEqual([]);
  });

  it('lets the keyboard pass the identity list and the image grid in one Tab each, and move within them by arrows', async () => {
    await page.getByTestId('identity-all').click();
    await expect.poll(() => page.getByTestId('grid-tile').count()).toBeGreaterThan(40);
    const stops = await tabStops(page, { identities: '[data-testid="identity-scroller"]', grid: '[data-testid="dataset-grid"]' });
    // One stop each: the old list and grid made one of every rendered identity and tile (34 + 50-odd).
    expect(stops.filter((stop) => stop === 'identities')).toHaveLength(1);
    expect(stops.filter((stop) => stop === 'grid')).toHaveLength(1);
    // Past both, the Tab order goes on to the rest of the page.
    expect(stops.lastIndexOf('other')).toBeGreaterThan(stops.indexOf('grid'));
    expect(stops.length).toBeLessThan(30);

    const focusedIndex = () => page.evaluate(() => Number((document.activeElement as HTMLElement).dataset.index));
    const grid = page.getByTestId('dataset-grid');
    await grid.locator('[role="option"][tabindex="0"]').focus();
    expect(await focusedIndex()).toBe(0);
    await page.keyboard.press('ArrowRight');
    expect(await focusedIndex()).toBe(1);
    const columns = await grid.evaluate(
      (el) => getComputedStyle(el.querySelector('[role="listbox"]')!).gridTemplateColumns.split(' ').length,
    );
    await page.keyboard.press('ArrowDown');
    expect(await focusedIndex()).toBe(1 + columns);

    // The last image is far below the rendered window: End takes the focus there and scrolls it whole into view.
    const total = await grid.locator('[role="option"]').first().getAttribute('aria-setsize');
    await page.keyboard.press('Control+End');
    await expect.poll(focusedIndex).toBe(Number(total) - 1);
    const frame = (await grid.boundingBox())!;
    const last = (await page.locator(':focus').boundingBox())!;
    expect(last.y).toBeGreaterThanOrEqual(frame.y);
    expect(last.y + last.height).toBeLessThanOrEqual(frame.y + frame.height + 1);
    expect(await grid.evaluate((el) => el.scrollTop)).toBeGreaterThan(1_000);

    // In the identity list, the arrows walk the names and Enter picks one, as a click would.
    const identities = page.getByTestId('identity-scroller');
    await identities.locator('[role="option"][tabindex="0"]').focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await focusedIndex()).toBe(2);
    const name = await page.locator(':focus [data-testid="identity-item"]').getAttribute('title');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('dataset-title').textContent()).toBe(name);
    expect(errors).toEqual([]);
  });
});
