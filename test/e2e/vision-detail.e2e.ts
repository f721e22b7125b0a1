import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedFacesDir, sharedFacesOrSkip } from '../fixtures/shared-faces.ts';
import { repoRoot, startAppServer, type AppServer } from './support/app-server.ts';
import { launchBrowser, watchPageErrors } from './support/browser.ts';
import { importFolder, keepEvidenceOfFailures } from './support/page-steps.ts';

const hasFaces = sharedFacesOrSkip();

describe.runIf(hasFaces)('face analysis and the image detail in Chromium through the web host', () => {
  const dir = mkdtempSync(join(tmpdir(), 'likeness-e2e-vision-'));
  const projectPath = join(dir, 'johns.likeness');
  // A labelling error to find: a John_Savage photo filed under John_Simm. One byte appended after the
  // JPEG's end keeps the picture and changes the content hash, so the import does not call it a duplicate.
  const misfiledRoot = join(dir, 'misfiled');
  let server: AppServer;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    const savage = join(sharedFacesDir, 'johns', 'John_Savage');
    mkdirSync(join(misfiledRoot, 'John_Simm'), { recursive: true });
    const misfiled = join(misfiledRoot, 'John_Simm', 'misfiled.jpg');
    copyFileSync(join(savage, readdirSync(savage).sort()[0]!), misfiled);
    appendFileSync(misfiled, '\n');
    server = await startAppServer([], { LIKENESS_HOME: join(dir, 'home') });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    errors = watchPageErrors(page);
    await page.goto(server.url);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  keepEvidenceOfFailures(dir, () => ({ page, errors }));

  const identity = (name: string) => page.locator('[data-testid="identity-item"]', { hasText: name });
  /** The natural width of a loaded image, 0 until it has loaded. */
  const loaded = (testid: string) =>
    page.getByTestId(testid).evaluate((img) => ((img as HTMLImageElement).complete ? (img as HTMLImageElement).naturalWidth : 0));

  it('creates a project and imports the johns photos', async () => {
    await page.getByTestId('project-path-input').fill(projectPath);
    await page.getByTestId('project-create-button').click();
    await expect.poll(() => page.getByTestId('project-name').textContent()).toContain('johns');
    await importFolder(page, join(sharedFacesDir, 'johns'));
    await importFolder(page, misfiledRoot);
    await expect.poll(() => page.getByTestId('identity-total').textContent()).toContain('5');
  });

  it('analyses the faces from the toolbar as a job and badges the tiles', async () => {
    const okTiles = page.locator('[data-testid="grid-tile"][data-status="ok"]');
    const faceStatuses = () =>
      okTiles.evaluateAll((tiles) => [...new Set(tiles.map((t) => (t as HTMLElement).dataset.faceStatus ?? 'loading'))]);
    await expect.poll(() => okTiles.count()).toBeGreaterThan(20);
    await expect.poll(faceStatuses).toEqual(['unanalysed']);

    const analyse = page.getByTestId('vision-analyze');
    await expect.poll(() => analyse.textContent()).toMatch(/Analyse faces\s*55/);
    await analyse.click();
    await expect.poll(() => page.getByTestId('job-state').textContent(), { timeout: 120_000 }).toMatch(/^Analysis #\d+ · done$/);
    await expect.poll(() => analyse.textContent()).toContain('Faces analysed');
    await expect.poll(() => page.getByTestId('vision-summary').textContent()).toMatch(/55\/55 analysed · 1 outlier\s*$/);
    // The tiles on screen were drawn before the analysis; its events must have refreshed every badge.
    await expect.poll(faceStatuses).toEqual(['ok']);
    const qualities = await page
      .locator('[data-testid="grid-tile"][data-status="ok"] [data-testid="tile-quality"]')
      .evaluateAll((badges) => badges.map((b) => Number((b as HTMLElement).dataset.quality)));
    expect(qualities).toHaveLength(await okTiles.count());
    expect(qualities.every((q) => q > 0 && q <= 1)).toBe(true);
    expect(await page.getByTestId('tile-outlier').count()).toBeLessThanOrEqual(1);
  });

  it('opens an image from the keyboard with its face box, landmarks, aligned crop and nearest identities', async () => {
    await identity('John_Simm').click();
    const tile = page.locator('[data-testid="grid-tile"][data-face-status="ok"]').first();
    await expect.poll(() => page.locator('[data-testid="grid-tile"][data-face-status="ok"]').count()).toBe(12);
    const imageId = await tile.getAttribute('data-image-id');
    // The grid's Tab stop is the tile's cell (an option of the listbox), which Enter opens as a click would.
    const cell = page.locator('[data-testid="dataset-grid"] [role="option"]', { has: page.locator(`[data-image-id="${imageId}"]`) });
    await cell.focus();
    await page.keyboard.press('Enter');

    const detail = page.getByTestId('vision-detail');
    await expect.poll(() => detail.getAttribute('data-image-id')).toBe(imageId);
    expect(await page.getByTestId('vision-detail-status').textContent()).toContain('one face');
    expect(await page.getByTestId('overlay-box').count()).toBe(1);
    expect(await page.getByTestId('mesh-point').count()).toBe(468);
    expect(await page.getByTestId('landmark-point').count()).toBe(5);

    // The overlay sits on the photo: a face-sized box on screen, with eyes, nose and mouth inside it.
    const photo = (await page.getByTestId('vision-detail-image').boundingBox())!;
    const box = (await page.getByTestId('overlay-box').boundingBox())!;
    expect(box.width).toBeGreaterThan(photo.width * 0.3);
    expect(box.x).toBeGreaterThanOrEqual(photo.x);
    expect(box.x + box.width).toBeLessThanOrEqual(photo.x + photo.width + 1);
    for (const point of await page.getByTestId('landmark-point').all()) {
      const p = (await point.boundingBox())!;
      const [cx, cy] = [p.x + p.width / 2, p.y + p.height / 2];
      expect(cx).toBeGreaterThan(box.x);
      expect(cx).toBeLessThan(box.x + box.width);
      expect(cy).toBeGreaterThan(box.y);
      expect(cy).toBeLessThan(box.y + box.height);
    }

    await expect.poll(() => loaded('vision-aligned-crop')).toBeGreaterThan(0);
    await expect.poll(() => loaded('vision-mask')).toBeGreaterThan(0);
    await expect.poll(() => loaded('vision-detail-image')).toBe(150);

    const nearest = page.getByTestId('vision-nearest-identity');
    expect(await nearest.count()).toBe(5);
    expect(await nearest.first().textContent()).toContain('John_Simm');
    expect(await page.getByTestId('vision-mislabel').count()).toBe(0);

    await page.keyboard.press('ArrowRight');
    await expect.poll(() => detail.getAttribute('data-image-id')).not.toBe(imageId);
    await page.keyboard.press('Escape');
    await expect.poll(() => detail.count()).toBe(0);
    // Focus is back on the grid, on the tile the detail was opened from.
    expect(
      await page.evaluate(() => document.activeElement?.querySelector<HTMLElement>('[data-testid="grid-tile"]')?.dataset.imageId),
    ).toBe(imageId);
  });

  it('lists the identity’s faces farthest from its centroid first, with the misfiled photo flagged', async () => {
    await page.getByTestId('dataset-mode-faces').click();
    const faces = page.getByTestId('vision-identity-face');
    await expect.poll(() => faces.count()).toBe(12);
    const distances = await faces.evaluateAll((items) => items.map((f) => Number((f as HTMLElement).dataset.distance)));
    expect(distances).toEqual([...distances].sort((a, b) => b - a));
    const outliers = await faces.evaluateAll((items) => items.map((f) => (f as HTMLElement).dataset.outlier));
    expect(outliers).toEqual(['true', ...Array(11).fill('false')]);
    expect(await faces.first().getAttribute('title')).toContain('misfiled.jpg');

    await faces.first().click();
    await expect.poll(() => page.getByTestId('vision-mislabel').textContent()).toContain('Looks more like John_Savage than John_Simm');
    expect(await page.getByTestId('vision-outlier').count()).toBe(1);
    expect(await page.getByTestId('mesh-point').count()).toBe(468);
    for (const testid of ['vision-detail-image', 'vision-aligned-crop', 'vision-mask'])
      await expect.poll(() => loaded(testid)).toBeGreaterThan(0);
    await page.screenshot({ path: join(repoRoot, 'docs/image-detail.png') });
    await page.getByTestId('vision-detail-close').click();
    await expect.poll(() => page.getByTestId('vision-detail').count()).toBe(0);

    // One Tab stop for the faces: arrows move the focus among them, Enter opens one as a click does.
    const grid = page.getByTestId('vision-identity-grid');
    expect(await grid.locator('[role="option"][tabindex="0"]').count()).toBe(1);
    expect(await grid.locator('[data-testid="vision-identity-face"]:not([tabindex="-1"])').count()).toBe(0);
    await grid.locator('[role="option"][tabindex="0"]').focus();
    await page.keyboard.press('ArrowRight');
    const focused = () => page.evaluate(() => (document.activeElement as HTMLElement).dataset.index);
    expect(await focused()).toBe('1');
    await page.screenshot({ path: join(repoRoot, 'docs/identity-faces-keyboard.png') });
    const second = await grid.locator('[data-index="1"] [data-testid="vision-identity-face"]').getAttribute('data-image-id');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('vision-detail').getAttribute('data-image-id')).toBe(second);
    await page.getByTestId('vision-detail-close').click();
    expect(errors).toEqual([]);
  });
});
