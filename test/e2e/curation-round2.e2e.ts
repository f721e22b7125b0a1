import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedFacesDir, sharedFacesOrSkip } from '../fixtures/shared-faces.ts';
import { repoRoot, startAppServer, type AppServer } from './support/app-server.ts';
import { launchBrowser, watchPageErrors } from './support/browser.ts';
import { gridTiles } from './support/grid-tiles.ts';
import { overlappingPairs } from './support/overlaps.ts';
import { documentScreenshot, keepEvidenceOfFailures } from './support/page-steps.ts';
import { cli, scratchProject, synthesizeJohns } from './support/scratch-project.ts';
import { tabStops } from './support/tab-stops.ts';

const hasFaces = sharedFacesOrSkip();
const SMALL = { width: 1024, height: 700 };
const MEDIUM = { width: 1440, height: 900 };
const LARGE = { width: 1920, height: 1080 };

/**
 * Curation round 2 (issue 13) in Chromium through the web host: multi-select, saved views, the
 * export preflight and the layout at 1024×700, on johns/ (with variants) and orl/ (portrait photos).
 */
describe.runIf(hasFaces)('curation round 2 in Chromium', () => {
  const project = scratchProject('round2', 'faces.likeness');
  const { dir, projectPath, home } = project;
  const readProject = project.read;
  let browser: Browser;
  let server: AppServer;
  let context: BrowserContext;
  let page: Page;
  let errors: string[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
    await synthesizeJohns(project, 4);
    await cli(['import', join(sharedFacesDir, 'orl'), '--project', projectPath], home);
    server = await startAppServer([projectPath], { LIKENESS_HOME: home });
  });

  afterAll(async () => {
    await context?.close();
    await server?.stop();
    await browser?.close();
  });

  keepEvidenceOfFailures(dir, () => ({ page, errors, serverOutput: server?.output() }));

  // The printed sign-in link works once: later windows reuse the first one's login cookie.
  let signedIn: Awaited<ReturnType<BrowserContext['storageState']>> | undefined;

  async function openAt(viewport: { width: number; height: number }, search = ''): Promise<void> {
    await context?.close();
    context = await browser.newContext({ viewport, storageState: signedIn });
    page = await context.newPage();
    errors = watchPageErrors(page);
    if (signedIn) {
      await page.goto(`${server.origin}/${search}`);
    } else {
      await page.goto(server.url);
      signedIn = await context.storageState();
      if (search) await page.goto(`${server.origin}/${search}`);
    }
  }

  async function curate(): Promise<void> {
    await page.getByTestId('tab-curate').click();
    await page.getByTestId('variant-tile').first().waitFor();
  }

  const tile = (index: number) => page.locator(`[data-testid="variant-tile"][data-index="${index}"]`);

  it('decides a shift-click range in one action that one undo takes back, and Ctrl+A takes the group', async () => {
    await openAt(LARGE);
    await curate();
    const actionsBefore = readProject((db) => db.prepare('SELECT count(*) FROM decision_actions').pluck().get() as number);
    await tile(0).click();
    await tile(3).click({ modifiers: ['Shift'] });
    await expect.poll(() => page.locator('[data-testid="variant-tile"][data-multi="true"]').count()).toBe(4);
    await tile(5).click({ modifiers: ['Control'] });
    await expect.poll(() => page.getByTestId('selection-count').textContent()).toBe('5 selected');
    await page.keyboard.press('a');
    // Shown at the key press; without the saving mark, stored by the host.
    await expect.poll(() => page.locator('[data-testid="variant-tile"][data-status="accepted"]:not([data-saving])').count()).toBe(5);
    expect(readProject((db) => db.prepare('SELECT count(*) FROM decision_actions').pluck().get() as number)).toBe(actionsBefore + 1);
    await documentScreenshot(page, 'curation-multi-select-1920.png');
    await page.keyboard.press('z');
    await expect.poll(() => page.locator('[data-testid="variant-tile"][data-status="accepted"]').count()).toBe(0);
    await page.keyboard.press('Escape');
    await tile(1).click();
    await page.keyboard.press('Shift+ArrowRight');
    await page.keyboard.press('Shift+ArrowRight');
    await expect.poll(() => page.locator('[data-testid="variant-tile"][data-multi="true"]').count()).toBe(3);
    await page.keyboard.press('Control+a');
    // The group is every variant of tile 1's source that was made (the edit gate may skip some).
    const cursorId = Number(await tile(1).getAttribute('data-variant-id'));
    const groupSize = readProject(
      (db) =>
        db
          .prepare('SELECT count(*) FROM variants WHERE source_image_id = (SELECT source_image_id FROM variants WHERE id = ?)')
          .pluck()
          .get(cursorId) as number,
    );
    expect(groupSize).toBeGreaterThan(1);
    await expect.poll(() => page.locator('[data-testid="variant-tile"][data-multi="true"]').count()).toBe(groupSize);
    expect(errors).toEqual([]);
  });

  it('shows a variant at full size on Enter, pixel for pixel, and flips to the source and the difference by key', async () => {
    await openAt(LARGE);
    await curate();
    await tile(2).click();
    await page.keyboard.press('Enter');
    const image = page.getByTestId('zoom-image');
    await image.waitFor();
    await expect.poll(() => image.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
    const natural = await image.evaluate((el) => (el as HTMLImageElement).naturalWidth);
    // 2× by default: each image pixel covers exactly 2×2 screen pixels.
    expect((await image.boundingBox())!.width).toBeCloseTo(natural * 2, 0);
    const variantSrc = await image.getAttribute('src');
    await page.keyboard.press('1');
    await expect.poll(() => page.getByTestId('zoom-view').getAttribute('data-layer')).toBe('source');
    expect(await image.getAttribute('src')).not.toBe(variantSrc);
    await page.keyboard.press('3');
    await expect.poll(() => page.getByTestId('zoom-view').getAttribute('data-layer')).toBe('difference');
    await page.keyboard.press('2');
    await page.keyboard.press('+');
    const before = (await image.boundingBox())!;
    await page.keyboard.press('ArrowLeft');
    expect((await image.boundingBox())!.x).toBeCloseTo(before.x + 40, 0);
    await documentScreenshot(page, 'zoom-1920.png');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('zoom-view').count()).toBe(0);
    expect(await tile(2).getAttribute('data-cursor')).toBe('true');
    expect(errors).toEqual([]);
  });

  it('reviews one identity at a time with its real photos pinned above its variants', async () => {
    await openAt(SMALL);
    await curate();
    await page.getByTestId('curation-person-mode').click();
    const strip = page.getByTestId('person-photos');
    await strip.waitFor();
    await expect.poll(() => strip.getByTestId('person-photo').count()).toBe(11);
    // The strip ends on a whole photo: its edge cut the last one it showed in half.
    const cutPhotos = () =>
      strip.locator('ol').evaluate((row) => {
        const loaded = [...row.querySelectorAll('img')].every((img) => img.complete && img.naturalWidth > 0);
        const frame = row.getBoundingClientRect();
        const cut = [...row.children].filter((photo) => {
          const box = photo.getBoundingClientRect();
          const showing = box.right > frame.left + 0.5 && box.left < frame.right - 0.5;
          return showing && (box.left < frame.left - 0.5 || box.right > frame.right + 0.5);
        }).length;
        return { loaded, cut, more: row.scrollWidth > row.clientWidth };
      });
    await expect.poll(cutPhotos).toEqual({ loaded: true, cut: 0, more: true });
    await strip.locator('ol').evaluate((row) => (row.scrollLeft = row.scrollWidth));
    await expect.poll(cutPhotos).toEqual({ loaded: true, cut: 0, more: true });
    await strip.locator('ol').evaluate((row) => (row.scrollLeft = 0));
    const first = await strip.getAttribute('data-identity-id');
    const stripBox = (await strip.boundingBox())!;
    const gridBox = (await page.getByTestId('curation-grid').boundingBox())!;
    expect(stripBox.y + stripBox.height).toBeLessThanOrEqual(gridBox.y + 1);
    // A scroll comes to rest on a line's top: no line shows only its lower part under the pinned photos.
    const grid = page.getByTestId('curation-grid');
    await grid.evaluate((el) => (el.scrollTop = 200));
    await expect.poll(() => gridTiles(grid)).toMatchObject({ cutAtTop: 0, cutAtSide: 0 });
    expect(await grid.evaluate((el) => el.scrollTop)).toBeGreaterThan(0);
    expect((await strip.boundingBox())!.y).toBe(stripBox.y);
    await grid.hover();
    const beforeWheel = await grid.evaluate((el) => el.scrollTop);
    await page.mouse.wheel(0, 250);
    // A wheel scroll animates and snaps at its end: judge where it comes to rest, not the frame before it starts.
    let last = beforeWheel;
    await expect
      .poll(
        async () => {
          const now = await grid.evaluate((el) => el.scrollTop);
          const resting = now !== beforeWheel && now === last;
          last = now;
          return resting;
        },
        { interval: 200 },
      )
      .toBe(true);
    expect(await gridTiles(grid)).toMatchObject({ cutAtTop: 0, cutAtSide: 0 });
    expect((await gridTiles(grid)).whole).toBeGreaterThanOrEqual(1);
    await documentScreenshot(page, 'curation-by-person-1024.png');
    await page.keyboard.press(']');
    await expect.poll(() => strip.getAttribute('data-identity-id')).not.toBe(first);
    expect(errors).toEqual([]);
  });

  it('keeps group, sort and filter in the URL and across a reload', async () => {
    await openAt(LARGE);
    await curate();
    await page.getByTestId('curation-sort').selectOption('idToSource');
    await page.getByTestId('curation-status-unset').click();
    await expect.poll(() => new URL(page.url()).searchParams.get('status')).toBe('unset');
    expect(new URL(page.url()).searchParams.get('sort')).toBe('idToSource');
    await page.reload();
    await curate();
    expect(await page.getByTestId('curation-sort').inputValue()).toBe('idToSource');
    expect(await page.getByTestId('curation-status-unset').getAttribute('aria-pressed')).toBe('true');
    // A fresh browser opening the link gets the same view.
    const link = page.url();
    await openAt(LARGE);
    await page.goto(link);
    await curate();
    expect(await page.getByTestId('curation-sort').inputValue()).toBe('idToSource');
    await page.getByTestId('curation-status-unset').click();
    await page.getByTestId('curation-sort').selectOption('natural');
    expect(errors).toEqual([]);
  });

  it('previews the export with warnings in words and switches to aligned crops in one click', async () => {
    await openAt(LARGE);
    await curate();
    await tile(0).click();
    await page.keyboard.press('a');
    await expect.poll(() => tile(0).getAttribute('data-status')).toBe('accepted');
    await page.getByTestId('tab-export').click();
    await page.getByTestId('export-destination').fill(join(dir, 'out', 'faces-clean'));
    const warning = (code: string) => page.locator(`[data-testid="export-warning"][data-code="${code}"]`);
    await warning('UNDECIDED_LEFT_OUT').waitFor();
    expect(await warning('UNDECIDED_LEFT_OUT').textContent()).toMatch(/^\d[\d,]* undecided variants are left out/);
    await warning('MIXED_SIZES').waitFor();
    expect(await warning('ORIGINALS_SKIPPED').textContent()).toContain('1 duplicate');
    await page.getByTestId('export-per-identity').locator('summary').click();
    expect(await page.getByTestId('export-identity-row').count()).toBeGreaterThan(30);
    await documentScreenshot(page, 'export-preflight-1920.png');
    await page.getByTestId('export-use-aligned').click();
    await expect.poll(() => warning('MIXED_SIZES').count()).toBe(0);
    expect(await page.getByTestId('export-originals').inputValue()).toBe('aligned');
    await openAt(SMALL);
    await page.getByTestId('tab-export').click();
    await page.getByTestId('export-destination').fill(join(dir, 'out', 'faces-clean'));
    await warning('UNDECIDED_LEFT_OUT').waitFor();
    await documentScreenshot(page, 'export-preflight-1024.png');
    expect(errors).toEqual([]);
  });

  it('at 1024×700 the compare view leaves the selected tile visible and shows images of a usable size', async () => {
    await openAt(SMALL);
    await curate();
    const target = tile(6);
    await target.click();
    await page.getByTestId('compare-open').click();
    await page.getByTestId('compare-variant').waitFor();
    const image = (await page.getByTestId('compare-variant').boundingBox())!;
    expect(image.width).toBeGreaterThanOrEqual(120);
    const compare = (await page.getByTestId('compare-view').boundingBox())!;
    const grid = (await page.getByTestId('curation-grid').boundingBox())!;
    await expect
      .poll(async () => {
        const box = (await target.boundingBox())!;
        return box.y >= grid.y - 1 && box.y + box.height <= Math.min(grid.y + grid.height, compare.y) + 1;
      })
      .toBe(true);
    // Nothing pushes the window sideways: the sidebar still starts at the left edge.
    expect((await page.getByTestId('identity-list').boundingBox())!.x).toBe(0);
    // Each of the light's facts keeps its name and value on one line: 'ambient' ended a line and its value began the next.
    const split = await page.getByTestId('compare-light').evaluate((dd) => {
      const nodes: Text[] = [];
      const walker = document.createTreeWalker(dd, NodeFilter.SHOW_TEXT);
      while (walker.nextNode()) nodes.push(walker.currentNode as Text);
      const text = nodes.map((n) => n.data).join('');
      const at = (offset: number): [Text, number] => {
        for (const node of nodes) {
          if (offset <= node.data.length) return [node, offset];
          offset -= node.data.length;
        }
        throw new Error('offset past the end');
      };
      return [/ambient [\d.]+/, /\d+ K/].flatMap((pattern) => {
        const match = pattern.exec(text);
        if (!match) return [`no ${pattern.source} in '${text}'`];
        const range = document.createRange();
        range.setStart(...at(match.index));
        range.setEnd(...at(match.index + match[0].length));
        const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
        return tops.size > 1 ? [match[0]] : [];
      });
    });
    expect(split).toEqual([]);
    // The facts column ends on a whole fact ('Pack' was sliced at its bottom edge), and a scroll through it rests on a fact's top.
    const facts = page.getByTestId('compare-facts');
    const cutFacts = () =>
      facts.evaluate((column) => {
        const frame = column.getBoundingClientRect();
        return [...column.children].flatMap((fact) => {
          const box = fact.getBoundingClientRect();
          const showing = box.bottom > frame.top + 0.5 && box.top < frame.bottom - 0.5;
          return showing && (box.top < frame.top - 0.5 || box.bottom > frame.bottom + 0.5) ? [fact.textContent!.trim().slice(0, 20)] : [];
        });
      });
    expect(await cutFacts()).toEqual([]);
    const scrolls = await facts.evaluate((column) => column.scrollHeight > column.clientHeight);
    expect(scrolls).toBe(true);
    await facts.evaluate((column) => column.scrollBy({ top: 30 }));
    await expect
      .poll(() =>
        facts.evaluate((column) => {
          const top = column.getBoundingClientRect().top;
          return column.scrollTop > 0 && [...column.children].some((fact) => Math.abs(fact.getBoundingClientRect().top - top) < 1);
        }),
      )
      .toBe(true);
    // Scrolled to its end (where the padding toggle's scroll into view takes it) it starts on a whole fact too.
    await facts.evaluate((column) => (column.scrollTop = column.scrollHeight));
    await expect.poll(cutFacts).toEqual([]);
    await facts.evaluate((column) => (column.scrollTop = 0));
    await documentScreenshot(page, 'compare-view-1024.png');
    await page.getByTestId('compare-close').click();
    await documentScreenshot(page, 'curation-grid-1024.png');
    expect(errors).toEqual([]);
  });

  it('at 1920×1080 the compare view shows every fact without a scroll, each name beside its value', async () => {
    await openAt(LARGE);
    await curate();
    await tile(6).click();
    await page.getByTestId('compare-open').click();
    await page.getByTestId('compare-variant').waitFor();
    const facts = page.getByTestId('compare-facts');
    await expect.poll(() => facts.textContent()).toContain('Status');
    // In a 168 px column beside 600 px of pictures and 500 px of nothing, Pack and Status waited below its fold.
    const layout = await facts.evaluate((column) => ({
      scrolls: column.scrollHeight > column.clientHeight + 0.5,
      stacked: [...column.querySelectorAll(':scope > div')].flatMap((fact) => {
        const [dt, dd] = [fact.querySelector('dt')!, fact.querySelector('dd')!].map((el) => el.getBoundingClientRect());
        return Math.abs(dt!.top - dd!.top) > 2 ? [fact.textContent!.trim().slice(0, 20)] : [];
      }),
    }));
    expect(layout).toEqual({ scrolls: false, stacked: [] });
    expect(errors).toEqual([]);
  });

  it('at 1024 and 1920 px the histogram labels each calibrated threshold in full, over no other label and no bar', async () => {
    for (const viewport of [SMALL, LARGE]) {
      await openAt(viewport);
      await curate();
      const rules = page.getByTestId('rules-panel');
      if (!(await rules.isVisible())) await page.getByTestId('curation-side-toggle').click();
      await rules.getByTestId('rule-kind').selectOption('rejectBelow');
      await rules.getByTestId('rule-metric').selectOption('idToSource');
      const histogram = rules.getByTestId('score-histogram');
      const labels = histogram.locator('[data-testid="histogram-mark"] > span');
      // dlib's FAR 1e-2, 1e-3 and 1e-4 thresholds lie 0.013–0.016 apart, all inside johns' score range.
      await expect.poll(() => labels.count()).toBe(3);
      await expect.poll(() => overlappingPairs(labels)).toEqual([]);
      const bars = (await histogram.getByTestId('histogram-bars').boundingBox())!;
      const figure = (await histogram.boundingBox())!;
      for (const label of await labels.all()) {
        const box = (await label.boundingBox())!;
        expect(box.y + box.height).toBeLessThanOrEqual(bars.y + 0.5);
        expect(box.x).toBeGreaterThanOrEqual(figure.x - 0.5);
        expect(box.x + box.width).toBeLessThanOrEqual(figure.x + figure.width + 0.5);
      }
      if (viewport === SMALL) await documentScreenshot(page, 'curation-rules-1024.png');
    }
    expect(errors).toEqual([]);
  });

  it('at 1920 px the synthesis panel offers hair as a tint, off, and previews the preset lamp and the preset turn the batch will use', async () => {
    await openAt(LARGE);
    const panel = page.getByTestId('synthesis-panel');
    await panel.locator('summary').click();
    await panel.getByTestId('synthesis-default-note').waitFor();
    const hair = panel.locator('tr', { hasText: 'Hair colour' });
    expect(await hair.textContent()).toContain('Hair colour from a donor (a tint, not a new hairstyle)');
    expect(await hair.locator('input[type="checkbox"]').isChecked()).toBe(false);
    // Preset lamps (the default) offer the lamps to preview, not the custom sliders the batch would ignore.
    await panel.getByTestId('relight-presets').waitFor();
    expect(await panel.getByTestId('relight-azimuth').count()).toBe(0);
    const lamps = panel.getByTestId('relight-preset');
    expect(await lamps.count()).toBe(16);
    await lamps.nth(2).locator('..').click();
    expect(await lamps.nth(2).isChecked()).toBe(true);
    await panel.getByTestId('relight-preview').click();
    const preview = panel.getByTestId('relight-preview-result');
    const loaded = () =>
      preview.locator('img').evaluate((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0);
    await expect.poll(loaded, { timeout: 60_000 }).toBe(true);
    expect(await preview.textContent()).toContain('preset lamp 3 of 16');
    // Lamp 3 of the batch's presets: azimuth −70°, elevation +45°.
    const lit = preview.getByTestId('light-glyph').first();
    expect([await lit.getAttribute('data-azimuth'), await lit.getAttribute('data-elevation')]).toEqual(['-70', '45']);
    // Preset turns (the default) likewise offer the turns to preview, not the pad and roll the batch would ignore.
    await panel.getByTestId('pose-enabled').check();
    await panel.getByTestId('pose-presets').waitFor();
    expect(await panel.getByTestId('pose-pad').count()).toBe(0);
    const turns = panel.getByTestId('pose-preset');
    expect(await turns.count()).toBe(6);
    await turns.nth(1).locator('..').click();
    await panel.getByTestId('pose-preview').click();
    const turned = panel.getByTestId('pose-preview-result');
    await expect
      .poll(
        () => turned.locator('img').evaluate((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0),
        {
          timeout: 60_000,
        },
      )
      .toBe(true);
    expect(await turned.textContent()).toContain('turned by yaw +15° (preset turn 2 of 6)');
    await turned.scrollIntoViewIfNeeded();
    await documentScreenshot(page, 'synthesis-panel-1920.png');
    await panel.getByTestId('synthesis-relight').locator('input[type="radio"][value="custom"]').check();
    expect(await panel.getByTestId('relight-presets').count()).toBe(0);
    // Each light slider's value sits on its line, beside it: wrapped under the name it read as the next control's.
    const offLine = await panel.locator('.light-controls label').evaluateAll((labels) =>
      labels.flatMap((label) => {
        const slider = label.querySelector('input')!.getBoundingClientRect();
        const value = label.querySelector('output')!.getBoundingClientRect();
        const centre = (box: DOMRect) => box.top + box.height / 2;
        return Math.abs(centre(slider) - centre(value)) > 3 || value.left < slider.right ? [label.textContent!.trim()] : [];
      }),
    );
    expect(offLine).toEqual([]);
    expect(await panel.locator('.light-controls label').count()).toBe(4);
    // The sliders start at one distance from their names, in a column: each started where its name
    // happened to end ('Colour' 16 px left of 'Elevation' at 1024), a ragged edge that read as misaligned.
    for (const viewport of [LARGE, SMALL]) {
      await page.setViewportSize(viewport);
      const insets = await panel
        .locator('.light-controls label')
        .evaluateAll((labels) =>
          labels.map((label) =>
            Math.round(label.querySelector('input')!.getBoundingClientRect().left - label.getBoundingClientRect().left),
          ),
        );
      expect([viewport.width, new Set(insets).size]).toEqual([viewport.width, 1]);
    }
    expect(errors).toEqual([]);
  });

  it('at 1920×1080, 1440×900 and 1024×700 the open synthesis panel docks beside the dataset, whose grid keeps whole faces, and Escape closes it', async () => {
    for (const viewport of [LARGE, MEDIUM, SMALL]) {
      await openAt(viewport);
      const grid = page.getByTestId('dataset-grid');
      await grid.locator('img').first().waitFor();
      const closed = (await grid.boundingBox())!;
      const panel = page.getByTestId('synthesis-panel');
      const summary = panel.locator('summary');
      await summary.focus();
      await page.keyboard.press('Enter');
      await panel.getByTestId('synthesis-default-note').waitFor();
      const open = (await grid.boundingBox())!;
      const box = (await panel.boundingBox())!;
      const at = `${viewport.width}×${viewport.height}`;
      // Both wholly on screen, the panel beside the grid and over neither it nor its toolbar: under it, the
      // form started below the fold at 1920×1080 and left the grid a row and a half of faces.
      for (const [name, b] of [
        ['grid', open],
        ['panel', box],
      ] as const) {
        expect([
          at,
          name,
          b.x >= 0 && b.y >= 0 && b.x + b.width <= viewport.width + 0.5 && b.y + b.height <= viewport.height + 0.5,
        ]).toEqual([at, name, true]);
      }
      expect([at, box.x >= open.x + open.width - 1]).toEqual([at, true]);
      expect([at, box.y <= open.y]).toEqual([at, true]);
      expect([at, box.height > viewport.height / 2]).toEqual([at, true]);
      // The grid gives up width (and the rows its toolbar wraps onto), not its height to the panel.
      expect([at, open.height > closed.height * 0.8]).toEqual([at, true]);
      const tiles = await gridTiles(grid);
      expect([at, tiles]).toMatchObject([at, { cutAtTop: 0, cutAtSide: 0 }]);
      expect([at, tiles.whole >= 4]).toEqual([at, true]);
      await grid.evaluate((el) => (el.scrollTop = 100));
      await expect.poll(() => gridTiles(grid)).toMatchObject({ cutAtTop: 0, cutAtSide: 0 });
      await grid.evaluate((el) => (el.scrollTop = 0));
      // The problems bar keeps its words in the narrowed column: the hint ends in an ellipsis (its title
      // has it whole) instead of running on under the panel, cut mid-word.
      const cut = await page
        .getByTestId('problems-toggle')
        .locator('span')
        .evaluateAll(
          (spans, edge) =>
            spans.flatMap((span) => {
              const clipped = span.scrollWidth > span.clientWidth + 0.5 && getComputedStyle(span).textOverflow !== 'ellipsis';
              return span.getBoundingClientRect().right > edge + 0.5 || clipped ? [span.textContent!.trim()] : [];
            }),
          box.x,
        );
      expect([at, cut]).toEqual([at, []]);
      // Each preview's 'Preview on' and its choice of face share one line, as tall as the choice.
      const wrapped = await panel.locator('label:has([data-testid$="-preview-identity"])').evaluateAll((labels) =>
        labels.flatMap((label) => {
          const select = label.querySelector('select')!.getBoundingClientRect();
          return label.getBoundingClientRect().height > select.height + 4 ? [label.textContent!.trim().slice(0, 40)] : [];
        }),
      );
      expect([at, wrapped]).toEqual([at, []]);
      // The lamp's glyph sits beside 'Preview this lamp', on its line: at 1024 it wrapped alone onto the next.
      const button = (await panel.getByTestId('relight-preview').boundingBox())!;
      const glyph = (await panel.locator('.preview-row [data-testid="light-glyph"]').boundingBox())!;
      const centre = glyph.y + glyph.height / 2;
      expect([at, glyph.x >= button.x + button.width, centre > button.y && centre < button.y + button.height]).toEqual([at, true, true]);
      // Each edit's lowest and highest strength share a line: at 1920 the highest sat under the lowest.
      const stacked = await panel
        .getByTestId('synthesis-edits')
        .locator('tbody tr')
        .evaluateAll((rows) =>
          rows.flatMap((row) => {
            const [low, high] = [...row.querySelectorAll('input[type="number"]')].map((input) => input.getBoundingClientRect());
            return Math.abs(low!.top - high!.top) > 1 ? [row.textContent!.trim().slice(0, 30)] : [];
          }),
        );
      expect([at, stacked]).toEqual([at, []]);
      // No edit's name runs past three lines: at 1024 the Kind column squeezed 'Hair colour from a donor (…)' onto five.
      const nameLines = await panel
        .getByTestId('synthesis-edits')
        .locator('tbody tr > td:nth-child(2)')
        .evaluateAll((cells) =>
          cells.map((cell) => {
            const range = document.createRange();
            range.selectNodeContents(cell);
            return new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top))).size;
          }),
        );
      expect([at, Math.max(...nameLines) <= 3]).toEqual([at, true]);
      // Where the panel has room the kind of each edit still shows.
      if (viewport === LARGE) expect(await panel.getByTestId('synthesis-edits').locator('th.kind').isVisible()).toBe(true);
      if (viewport === SMALL) await documentScreenshot(page, 'synthesis-panel-1024.png');
      await panel.getByTestId('relight-enabled').focus();
      await page.keyboard.press('Escape');
      await expect.poll(() => panel.evaluate((el) => (el as HTMLDetailsElement).open)).toBe(false);
      expect(await summary.evaluate((el) => el === document.activeElement)).toBe(true);
      await expect.poll(async () => (await grid.boundingBox())!.width).toBeGreaterThan(open.width);
    }
    expect(errors).toEqual([]);
  });

  it('with the synthesis panel open the dataset toolbar keeps one row at 1920×1080 and wraps whole controls at 1024×700', async () => {
    /** The toolbar's controls as boxes, and those cut by its edges, by the window's or by their own. */
    const controls = () =>
      page.getByTestId('dataset-toolbar').evaluate((bar) => {
        const frame = bar.getBoundingClientRect();
        const shown = [...bar.children].filter(
          (child) => child.getBoundingClientRect().width > 0 && child.getBoundingClientRect().height > 0,
        );
        const boxes = shown.map((child) => child.getBoundingClientRect());
        const cut = shown.flatMap((child, i) => {
          const box = boxes[i]!;
          const outside = box.left < frame.left - 0.5 || box.right > Math.min(frame.right, window.innerWidth) + 0.5;
          return outside ? [child.textContent!.trim()] : [];
        });
        for (const button of bar.querySelectorAll('button')) {
          if (button.scrollWidth > button.clientWidth + 0.5) cut.push(button.textContent!.trim());
        }
        const rows = new Set(boxes.map((box) => Math.round(box.top + box.height / 2))).size;
        return { rows, cut };
      });
    for (const viewport of [LARGE, SMALL]) {
      await openAt(viewport);
      await page.getByTestId('dataset-grid').locator('img').first().waitFor();
      const panel = page.getByTestId('synthesis-panel');
      await panel.locator('summary').click();
      await panel.getByTestId('synthesis-default-note').waitFor();
      const at = `${viewport.width}×${viewport.height}`;
      for (const scope of ['all images', 'one identity', 'its faces by similarity']) {
        if (scope === 'one identity') {
          await page.locator('[data-testid="identity-item"]', { hasText: 'John_Schneider' }).click();
          await page.getByTestId('dataset-mode').waitFor();
        }
        if (scope === 'its faces by similarity') {
          await page.getByTestId('dataset-mode-faces').click();
          await expect.poll(() => page.getByTestId('status-filter').count()).toBe(0);
        }
        const { rows, cut } = await controls();
        // At 1920×1080 the toolbar, squeezed into the grid's column, put 'Analyse faces' and 'Import…' on a second row.
        if (viewport === LARGE) expect([at, scope, rows]).toEqual([at, scope, 1]);
        expect([at, scope, cut]).toEqual([at, scope, []]);
        // 'Analyse faces' and 'Import…' wrap together: at 1024 with an identity's faces shown 'Import…' went alone onto a row.
        const [analyse, importBox] = await Promise.all(
          ['vision-analyze', 'import-toggle'].map(async (id) => (await page.getByTestId(id).boundingBox())!),
        );
        expect([at, scope, Math.round(analyse!.y + analyse!.height / 2)]).toEqual([
          at,
          scope,
          Math.round(importBox!.y + importBox!.height / 2),
        ]);
        expect([at, scope, await overlappingPairs(page.getByTestId('dataset-toolbar').locator(':scope > :not(.spacer)'))]).toEqual([
          at,
          scope,
          [],
        ]);
      }
      // The panel docks under the toolbar, beside the grid.
      const bar = (await page.getByTestId('dataset-toolbar').boundingBox())!;
      expect((await panel.boundingBox())!.y).toBeGreaterThanOrEqual(bar.y + bar.height - 0.5);
    }
    expect(errors).toEqual([]);
  });

  it('at 1024×700 the job list keeps each job’s count on one line, in columns that line up', async () => {
    await openAt(SMALL);
    await page.getByTestId('job-queue-toggle').click();
    const rows = page.getByTestId('job-queue-row');
    // The CLI's import, analysis, synthesis and orl import.
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(4);
    const layout = await rows.evaluateAll((items) =>
      items.map((row) => {
        const name = row.querySelector('.name')!.getBoundingClientRect();
        const numbers = row.querySelector('.numbers')!.getBoundingClientRect();
        const track = row.querySelector('[role="progressbar"], .track')!.getBoundingClientRect();
        return {
          numbers: row.querySelector('.numbers')!.textContent!,
          lines: Math.round(numbers.height / name.height),
          track: Math.round(track.left),
        };
      }),
    );
    // '280 / 280 · 100%' wrapped its percentage onto a second line in the 96 px column.
    expect(layout.filter((row) => row.lines > 1)).toEqual([]);
    expect(new Set(layout.map((row) => row.track)).size).toBe(1);
    expect(layout.some((row) => /^\d[\d,]* \/ \d[\d,]* · 100%$/.test(row.numbers))).toBe(true);
    expect(errors).toEqual([]);
  });

  it('at 1024×700 the dataset toolbar keeps Import… on screen and ORL tiles show whole faces', async () => {
    await openAt(SMALL);
    await page.getByTestId('dataset-grid').waitFor();
    const importButton = (await page.getByTestId('import-toggle').boundingBox())!;
    expect(importButton.x + importButton.width).toBeLessThanOrEqual(SMALL.width);
    expect(await page.getByTestId('import-toggle').isVisible()).toBe(true);
    await page.getByTestId('identity-filter').fill('s1');
    await page.getByTestId('identity-item').first().click();
    const img = page.locator('[data-testid="dataset-grid"] img').first();
    await img.waitFor();
    // Attached is not loaded: a thumbnail still on its way has no natural size to judge by.
    await expect
      .poll(() => img.evaluate((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0))
      .toBe(true);
    // The whole picture fits its frame: nothing hangs below the frame's bottom edge to be clipped.
    const fit = await img.evaluate((el) => {
      const image = el as HTMLImageElement;
      const box = image.getBoundingClientRect();
      const frame = image.parentElement!.getBoundingClientRect();
      return {
        fits: box.bottom <= frame.bottom + 0.5 && box.top >= frame.top - 0.5,
        fit: getComputedStyle(image).objectFit,
        portrait: image.naturalHeight > image.naturalWidth,
      };
    });
    expect(fit).toEqual({ fits: true, fit: 'contain', portrait: true });
    await documentScreenshot(page, 'dataset-orl-1024.png');
    await openAt(LARGE);
    await page.getByTestId('dataset-grid').waitFor();
    await documentScreenshot(page, 'dataset-view-1920.png');
    expect(errors).toEqual([]);
  });

  it('passes the curation grid in one Tab stop, moves focus and cursor together, and keeps the focus through a scroll', async () => {
    await openAt(MEDIUM);
    await curate();
    const grid = page.getByTestId('curation-grid');
    const stops = await tabStops(page, { grid: '[data-testid="curation-grid"]' });
    // One stop: every tile was one, and Tab scrolled through all 206 (old code: 207 in the grid, 239 on the page; now 33).
    expect(stops.filter((stop) => stop === 'grid')).toHaveLength(1);
    expect(stops.lastIndexOf('other')).toBeGreaterThan(stops.indexOf('grid'));
    expect(stops.length).toBeLessThan(40);

    const focused = () =>
      page.evaluate(() => {
        const element = document.activeElement as HTMLElement;
        const box = element.getBoundingClientRect();
        return { index: Number(element.dataset.index), cursor: element.dataset.cursor === 'true', x: box.x, y: box.y };
      });
    await grid.locator('[role="option"][tabindex="0"]').focus();
    const start = await focused();
    expect(start).toMatchObject({ index: 0, cursor: true });
    await page.keyboard.press('ArrowRight');
    expect(await focused()).toMatchObject({ index: 1, cursor: true });
    const right = await focused();
    // Down: the next source's line, in the same column.
    await page.keyboard.press('ArrowDown');
    const below = await focused();
    expect(below).toMatchObject({ cursor: true, x: right.x });
    expect(below.y).toBeGreaterThan(right.y);
    await page.screenshot({ path: join(repoRoot, 'docs', 'curation-keyboard-focus-1440.png') });
    // The keymap acts on the focused tile, and the focus goes on with the cursor.
    await page.keyboard.press('a');
    await expect.poll(() => tile(below.index).getAttribute('data-status')).toBe('accepted');
    expect(await focused()).toMatchObject({ index: below.index + 1, cursor: true });
    await page.keyboard.press('z');
    await expect.poll(() => tile(below.index).getAttribute('data-status')).toBe('unset');

    // Scrolled to the end, the focused tile is recycled: the grid keeps the focus, not the page.
    const cursorIndex = (await focused()).index;
    const isGridFocused = () => grid.evaluate((el) => document.activeElement === el);
    await grid.evaluate((el) => (el.scrollTop = el.scrollHeight));
    await expect.poll(isGridFocused).toBe(true);
    const inView = () =>
      page.evaluate(() => {
        const frame = document.querySelector('[data-testid="curation-grid"]')!.getBoundingClientRect();
        const box = document.activeElement!.getBoundingClientRect();
        return box.top >= frame.top - 0.5 && box.bottom <= frame.bottom + 0.5;
      });
    // An arrow goes on from the remembered tile, brought back into view.
    await page.keyboard.press('ArrowLeft');
    await expect.poll(async () => (await focused()).index).toBe(cursorIndex - 1);
    expect(await focused()).toMatchObject({ cursor: true });
    expect(await inView()).toBe(true);
    // Tab out and back in while it is scrolled out: the focus lands on it again.
    await grid.evaluate((el) => (el.scrollTop = el.scrollHeight));
    await expect.poll(isGridFocused).toBe(true);
    await page.keyboard.press('Shift+Tab');
    expect(await isGridFocused()).toBe(false);
    await page.keyboard.press('Tab');
    await expect.poll(async () => (await focused()).index).toBe(cursorIndex - 1);
    expect(await inView()).toBe(true);
    expect(errors).toEqual([]);
  });
});
