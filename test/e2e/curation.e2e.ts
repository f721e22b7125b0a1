import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkExport } from '../formats/check-export.ts';
import { sharedFacesOrSkip } from '../fixtures/shared-faces.ts';
import { startAppServer, type AppServer } from './support/app-server.ts';
import { launchBrowser, watchPageErrors } from './support/browser.ts';
import { documentScreenshot, keepEvidenceOfFailures } from './support/page-steps.ts';
import { cli, scratchProject, synthesizeJohns } from './support/scratch-project.ts';

const hasFaces = sharedFacesOrSkip();

/** Four fill a grid line at 1280 px (the source, then its variants) and keep the setup near 30 s on 2 cores. */
const VARIANTS_PER_FACE = 4;
const VIEWPORT = { width: 1280, height: 800 };

type Status = 'accepted' | 'rejected';

/** Every file under `root`, as POSIX paths relative to it, sorted. */
function tree(root: string, prefix = ''): string[] {
  return readdirSync(join(root, prefix), { withFileTypes: true })
    .flatMap((entry) => {
      const path = prefix ? `${prefix}/${entry.name}` : entry.name;
      return entry.isDirectory() ? tree(root, path) : [path];
    })
    .sort();
}

describe.runIf(hasFaces)('curation and export in Chromium through the web host', () => {
  const project = scratchProject('curation', 'johns.likeness');
  const { dir, projectPath, home } = project;
  const readProject = project.read;
  const exportRoot = join(dir, 'export', 'johns-clean');

  const storedDecisions = (): Map<number, Status> =>
    readProject(
      (db) =>
        new Map(
          (
            db.prepare('SELECT variant_id, status FROM decisions ORDER BY variant_id').all() as { variant_id: number; status: Status }[]
          ).map((row) => [row.variant_id, row.status]),
        ),
    );

  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
    await synthesizeJohns(project, VARIANTS_PER_FACE);
    const { faces, variants, skipped } = readProject((db) => ({
      faces: db.prepare('SELECT count(*) FROM faces WHERE is_primary = 1').pluck().get() as number,
      variants: db.prepare('SELECT count(*) FROM variants').pluck().get() as number,
      skipped: db.prepare('SELECT count(*) FROM variant_skips').pluck().get() as number,
    }));
    expect(faces).toBeGreaterThan(40);
    // Variants that fail the realism check are skipped and counted, never made silently.
    expect(variants + skipped).toBe(faces * VARIANTS_PER_FACE);
    expect(variants).toBeGreaterThan(faces * 2);
  });

  afterAll(async () => {
    await browser?.close();
  });

  /** A fresh browser context (so no tab remembered from another) on the served project's Curate tab. */
  async function openCuration(server: AppServer): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    const errors = watchPageErrors(page);
    await page.goto(server.url);
    await page.getByTestId('tab-curate').click();
    await page.getByTestId('variant-tile').first().waitFor();
    return { context, page, errors };
  }

  const tileOf = (page: Page, variantId: number): Locator => page.locator(`[data-testid="variant-tile"][data-variant-id="${variantId}"]`);
  const statusOf = (page: Page, variantId: number): Promise<string | null> => tileOf(page, variantId).getAttribute('data-status');
  const count = async (locator: Locator): Promise<number> => Number(((await locator.textContent()) ?? '').replace(/[^\d]/g, ''));

  /** The tile the keyboard acts on. */
  async function cursor(page: Page): Promise<{ id: number; index: number; box: { x: number; y: number } }> {
    const tile = page.locator('[data-testid="variant-tile"][data-cursor="true"]');
    await expect.poll(() => tile.count()).toBe(1);
    const box = (await tile.boundingBox())!;
    return { id: Number(await tile.getAttribute('data-variant-id')), index: Number(await tile.getAttribute('data-index')), box };
  }

  describe('reviewing, a bulk rule and the export', () => {
    let server: AppServer;
    let context: BrowserContext;
    let page: Page;
    let errors: string[];
    const accepted: number[] = [];
    const rejected: number[] = [];
    let undone = 0;

    beforeAll(async () => {
      server = await startAppServer([projectPath], { LIKENESS_HOME: home });
      ({ context, page, errors } = await openCuration(server));
    });

    afterAll(async () => {
      await context?.close();
      await server?.stop();
    });

    keepEvidenceOfFailures(dir, () => ({ page, errors, serverOutput: server?.output() }));

    it('accepts 3 and rejects 2 from the keyboard, and one undo takes the last back', async () => {
      const press = async (key: string): Promise<void> => {
        const at = await cursor(page);
        await page.keyboard.press(key);
        if (key === 'a') accepted.push(at.id);
        if (key === 'r') rejected.push(at.id);
      };
      const first = await cursor(page);
      expect(first.index).toBe(0);
      await press('a');
      await page.keyboard.press('ArrowRight');
      expect((await cursor(page)).index).toBe(2);
      await press('a');
      await press('r');
      const lineStart = await cursor(page);
      await page.keyboard.press('ArrowDown');
      const below = await cursor(page);
      expect(below.index).toBeGreaterThan(lineStart.index);
      expect(below.box.y).toBeGreaterThan(lineStart.box.y);
      // Straight down, or to the last tile of a shorter line (a group whose skipped variants left gaps).
      const lineBelow = await page.getByTestId('variant-tile').evaluateAll(
        (tiles, y) =>
          tiles
            .map((t) => t.getBoundingClientRect())
            .filter((r) => Math.abs(r.y - y) < 1)
            .map((r) => r.x),
        below.box.y,
      );
      expect(below.box.x).toBeCloseTo(Math.max(...lineBelow.filter((x) => x <= lineStart.box.x + 0.5)), 0);
      await press('a');
      await press('r');
      for (const id of accepted) await expect.poll(() => statusOf(page, id)).toBe('accepted');
      for (const id of rejected) await expect.poll(() => statusOf(page, id)).toBe('rejected');

      await page.keyboard.press('z');
      undone = rejected.pop()!;
      await expect.poll(() => statusOf(page, undone)).toBe('unset');
      // Undo puts the cursor back on the variant it restored.
      await expect.poll(async () => (await cursor(page)).id).toBe(undone);
      await expect.poll(() => count(page.getByTestId('progress-accepted'))).toBe(3);
      await expect.poll(() => count(page.getByTestId('progress-rejected'))).toBe(1);
      await expect.poll(() => page.getByTestId('curation-redo').isEnabled()).toBe(true);
      const decided: [number, Status][] = [...accepted.map((id): [number, Status] => [id, 'accepted']), [rejected[0]!, 'rejected']];
      expect(storedDecisions()).toEqual(new Map(decided));
      expect(errors).toEqual([]);
    });

    it('shows the same 4 decisions and the undone one as redoable after a reload', async () => {
      await page.reload();
      await expect.poll(() => page.getByTestId('variant-tile').count()).toBeGreaterThan(8);
      for (const id of accepted) await expect.poll(() => statusOf(page, id)).toBe('accepted');
      await expect.poll(() => statusOf(page, rejected[0]!)).toBe('rejected');
      await expect.poll(() => statusOf(page, undone)).toBe('unset');
      await expect.poll(() => count(page.getByTestId('progress-accepted'))).toBe(3);
      await expect.poll(() => count(page.getByTestId('progress-rejected'))).toBe(1);
      await expect.poll(() => page.getByTestId('curation-redo').getAttribute('title')).toBe(`reject variant ${undone}`);
      expect(await page.locator('[data-testid="variant-tile"][data-status="accepted"]').count()).toBe(3);
      expect(await page.locator('[data-testid="variant-tile"][data-status="rejected"]').count()).toBe(1);
      expect(errors).toEqual([]);
    });

    it('changes exactly as many variants as the rule preview said it would', async () => {
      // A threshold with about a tenth of the variants below it, on a readable two-decimal boundary.
      const scores = readProject((db) => db.prepare('SELECT id_to_source FROM variants ORDER BY id_to_source').pluck().all() as number[]);
      const threshold = Math.ceil(scores[Math.floor(scores.length / 10)]! * 100) / 100;
      const before = storedDecisions();
      const expected = readProject(
        (db) =>
          db
            .prepare(
              `SELECT count(*) FROM variants v LEFT JOIN decisions d ON d.variant_id = v.id
               WHERE d.status IS NULL AND v.id_to_source < ?`,
            )
            .pluck()
            .get(threshold) as number,
      );
      expect(expected).toBeGreaterThan(5);
      const rejectedBefore = await count(page.getByTestId('progress-rejected'));

      const rules = page.getByTestId('rules-panel');
      await rules.getByTestId('rule-kind').selectOption('rejectBelow');
      await rules.getByTestId('rule-metric').selectOption('idToSource');
      await rules.getByTestId('rule-threshold').fill(String(threshold));
      // Each select shows its whole choice: the narrow panel once cut "Reject identity below…" short.
      const cut = await rules.locator('select').evaluateAll((selects) =>
        selects.flatMap((select) => {
          const { selectedOptions, clientWidth } = select as HTMLSelectElement;
          const style = getComputedStyle(select);
          const context = document.createElement('canvas').getContext('2d')!;
          context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
          const text = selectedOptions[0]?.text ?? '';
          const arrow = 20;
          return context.measureText(text).width + parseFloat(style.paddingLeft) + arrow > clientWidth ? [text] : [];
        }),
      );
      expect(cut).toEqual([]);
      const preview = rules.getByTestId('rule-preview-count');
      await expect.poll(() => preview.textContent()).toBe(String(expected));
      const shown = await count(preview);
      await rules.getByTestId('rule-apply').click();

      await expect.poll(() => rules.getByTestId('rule-applied').textContent()).toContain(`Changed ${shown} variants`);
      const after = storedDecisions();
      const changed = [...after].filter(([id, status]) => before.get(id) !== status);
      expect(changed).toHaveLength(shown);
      expect(changed.every(([id, status]) => status === 'rejected' && !before.has(id))).toBe(true);
      expect([...before].every(([id, status]) => after.get(id) === status)).toBe(true);
      await expect.poll(() => count(page.getByTestId('progress-rejected'))).toBe(rejectedBefore + shown);
      await documentScreenshot(page, 'curation-grid.png');
      expect(errors).toEqual([]);
    });

    it('compares a variant with its source, scores beside them', async () => {
      const id = accepted[0]!;
      await tileOf(page, id).click();
      await page.keyboard.press('Space');
      const compare = page.getByTestId('compare-view');
      await expect.poll(() => compare.getByTestId('compare-status').textContent()).toMatch(/^accepted by /);
      const tileScores = (await tileOf(page, id).getByTestId('variant-scores').textContent())!.replace(/\s+/g, ' ');
      const sourceScore = (await compare.getByTestId('compare-score-source').textContent())!;
      const centroidScore = (await compare.getByTestId('compare-score-centroid').textContent())!;
      expect(tileScores).toContain(`S ${sourceScore} C ${centroidScore}`);
      expect(await compare.getByTestId('compare-variant').getAttribute('src')).toContain(`/media/`);
      await expect
        .poll(() => compare.locator('img').evaluateAll((imgs) => imgs.filter((img) => (img as HTMLImageElement).naturalWidth > 0).length))
        .toBe(3);
      await documentScreenshot(page, 'compare-view.png');
      // Johns photos are tight chips: the crop is partly padding, which the toggle marks on both faces.
      await compare.getByTestId('compare-mask-toggle').check();
      for (const overlay of ['compare-mask-source', 'compare-mask-variant']) {
        expect(await compare.getByTestId(overlay).getAttribute('src')).toMatch(/\/media\/.*masks%2Fvalid-|\/media\/masks\/valid-/);
        await expect.poll(() => compare.getByTestId(overlay).evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(256);
      }
      await documentScreenshot(page, 'compare-view-padding.png');
      await page.keyboard.press('Escape');
      await expect.poll(() => compare.count()).toBe(0);
      expect(errors).toEqual([]);
    });

    it('exports every original and the accepted variants, nothing else', async () => {
      await page.getByTestId('tab-export').click();
      await page.getByTestId('export-destination').fill(exportRoot);
      const previewTable = page.getByTestId('export-preview');
      await expect.poll(() => previewTable.isVisible()).toBe(true);
      const splitCounts = async (split: string): Promise<{ originals: number; variants: number }> => {
        const cells = await page.getByTestId(`export-preview-${split}`).locator('td').allTextContents();
        return { originals: Number(cells[1]!.replace(/\D/g, '')), variants: Number(cells[2]!.replace(/\D/g, '')) };
      };
      const previewCounts = async () => ({
        train: await splitCounts('train'),
        val: await splitCounts('val'),
        test: await splitCounts('test'),
      });
      await expect.poll(async () => Object.values(await previewCounts()).reduce((sum, split) => sum + split.variants, 0)).toBe(3);
      const preview = await previewCounts();
      await page.getByTestId('export-start').click();
      await expect.poll(() => page.getByTestId('export-result').getAttribute('data-state'), { timeout: 60_000 }).toBe('done');
      // Written beside the destination and renamed into place: no staging folder is left behind.
      expect(readdirSync(join(exportRoot, '..'))).toEqual(['johns-clean']);

      // The contract (app/api/export.ts): `<split>/<identity>/<file>`; originals keep their file names, variants are `<source name>-v<id>`.
      const { originals, variants } = readProject((db) => ({
        originals: db
          .prepare("SELECT i.id, i.rel_path, n.name FROM images i JOIN identities n ON n.id = i.identity_id WHERE i.status = 'ok'")
          .all() as { id: number; rel_path: string; name: string }[],
        variants: db
          .prepare(
            `SELECT v.id, v.source_image_id, n.name, i.rel_path FROM variants v JOIN decisions d ON d.variant_id = v.id AND d.status = 'accepted'
             JOIN identities n ON n.id = v.identity_id JOIN images i ON i.id = v.source_image_id`,
          )
          .all() as { id: number; source_image_id: number; name: string; rel_path: string }[],
      }));
      expect(variants.map((v) => v.id).sort((a, b) => a - b)).toEqual([...accepted].sort((a, b) => a - b));
      const expectedImages = [
        ...originals.map((o) => `${o.name}/${basename(o.rel_path, extname(o.rel_path))}${extname(o.rel_path).toLowerCase()}`),
        ...variants.map((v) => `${v.name}/${basename(v.rel_path, extname(v.rel_path))}-v${v.id}.png`),
      ].sort();

      const files = tree(exportRoot);
      const images = files.filter((f) => /\.(jpe?g|png)$/i.test(f));
      const splits = ['train', 'val', 'test'] as const;
      const used = splits.filter((split) => preview[split].originals + preview[split].variants > 0);
      expect(files).toEqual([...images, 'export-report.json', 'manifest.csv', ...used.map((split) => `${split}/metadata.jsonl`)].sort());
      expect(images.map((f) => f.slice(f.indexOf('/') + 1)).sort()).toEqual(expectedImages);
      for (const split of splits) {
        const inSplit = images.filter((f) => f.startsWith(`${split}/`)).map((f) => f.slice(split.length + 1));
        expect(inSplit.filter((f) => /-v\d+\.png$/.test(f))).toHaveLength(preview[split].variants);
        expect(inSplit.filter((f) => !/-v\d+\.png$/.test(f))).toHaveLength(preview[split].originals);
        if (!used.includes(split)) continue;
        const lines = readFileSync(join(exportRoot, split, 'metadata.jsonl'), 'utf8')
          .trimEnd()
          .split('\n');
        expect(lines).toHaveLength(inSplit.length);
        expect(lines.map((line) => (JSON.parse(line) as { file_name: string }).file_name).sort()).toEqual(inSplit.sort());
      }
      // Split by identity: no identity in two splits.
      const splitOfIdentity = new Map<string, string>();
      for (const file of images) {
        const [split, identity] = file.split('/');
        expect(splitOfIdentity.get(identity!) ?? split).toBe(split);
        splitOfIdentity.set(identity!, split!);
      }
      expect(readFileSync(join(exportRoot, 'manifest.csv'), 'utf8').trimEnd().split('\n')).toHaveLength(1 + images.length);
      expect(checkExport(exportRoot)).toEqual([]);
      expect(images.every((f) => statSync(join(exportRoot, f)).size > 0)).toBe(true);
      await expect
        .poll(() => page.getByTestId('export-result-counts').textContent())
        .toContain(`${images.length} files: ${originals.length} originals, 3 variants`);
      expect(errors).toEqual([]);
    });
  });

  it('keeps a decision the UI showed when the host is SIGKILLed right after', async () => {
    const server = await startAppServer([projectPath], { LIKENESS_HOME: home });
    let context: BrowserContext | undefined;
    let id: number;
    try {
      const opened = await openCuration(server);
      context = opened.context;
      const { page, errors } = opened;
      // The tile shows the decision at the key press and is marked data-saving until the host has
      // answered, so "accepted" without the mark means the decision's transaction has committed.
      const undecided = page.locator('[data-testid="variant-tile"][data-status="unset"]').first();
      id = Number(await undecided.getAttribute('data-variant-id'));
      await undecided.click();
      await page.keyboard.press('a');
      await page
        .locator(`[data-testid="variant-tile"][data-variant-id="${id}"][data-status="accepted"]:not([data-saving])`)
        .waitFor({ state: 'attached' });
      // Tiles still loading when the host dies fail to load: that is the kill, not the UI.
      await expect.poll(() => page.$$eval('main img', (imgs) => imgs.filter((img) => !(img as HTMLImageElement).complete).length)).toBe(0);
      server.process.kill('SIGKILL');
      await server.stop();
      expect(server.process.signalCode).toBe('SIGKILL');
      // The page asks whether the host is gone or only refuses its login; Chromium logs the refused
      // request itself. Anything else logged is a renderer error.
      expect(errors.filter((e) => !/net::ERR_CONNECTION_(REFUSED|RESET)/.test(e))).toEqual([]);
    } finally {
      await context?.close();
      await server.stop();
    }
    // Killed, so the lock was never released: reopening has to take it over from a dead process.
    expect(existsSync(`${projectPath}.lock`)).toBe(true);
    expect(await cli(['info', projectPath], home)).toContain(`project     ${projectPath}`);
    expect(storedDecisions().get(id)).toBe('accepted');
    expect(readProject((db) => db.pragma('integrity_check', { simple: true }))).toBe('ok');

    const again = await startAppServer([projectPath], { LIKENESS_HOME: home });
    try {
      const reopened = await openCuration(again);
      context = reopened.context;
      await expect.poll(() => statusOf(reopened.page, id)).toBe('accepted');
      expect(reopened.errors).toEqual([]);
    } finally {
      await context?.close();
      await again.stop();
    }
  });
});
