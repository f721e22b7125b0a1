import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterEach, expect } from 'vitest';
import { repoRoot } from './app-server.ts';

/** Imports a folder in ImageFolder layout through the dataset view's import form, and waits for the job to end. */
export async function importFolder(page: Page, root: string): Promise<void> {
  // The empty dataset shows the form at once, a filled one behind its toggle, and the first paint may
  // show the toolbar before the project's counts arrive: open the form until it stays visible.
  const form = page.getByTestId('import-form');
  await expect
    .poll(
      async () => {
        if (await form.isVisible()) return true;
        await page
          .getByTestId('import-toggle')
          .click({ timeout: 1_000 })
          .catch(() => undefined);
        return form.isVisible();
      },
      { timeout: 30_000 },
    )
    .toBe(true);
  await page.getByTestId('import-layout-imagefolder').check();
  await page.getByTestId('import-root-input').fill(root);
  await page.getByTestId('import-submit').click();
  await expect.poll(() => page.getByTestId('job-state').textContent(), { timeout: 120_000 }).toMatch(/^Import #\d+ · done$/);
}

export interface FailureEvidence {
  readonly page: Page | undefined;
  readonly errors: readonly string[] | undefined;
  readonly serverOutput?: string;
}

/**
 * Registers, in the calling describe block, a hook that keeps what a failed browser test saw: a
 * screenshot in `dir` and the page's errors (and the host's output, when given) on stderr.
 */
export function keepEvidenceOfFailures(dir: string, evidence: () => FailureEvidence): void {
  afterEach(async (context) => {
    if (context.task.result?.state !== 'fail') return;
    const { page, errors, serverOutput } = evidence();
    await page?.screenshot({ path: join(dir, `failed-${context.task.name.replace(/\W+/g, '-')}.png`) });
    console.error(`screenshot of the failure in ${dir}; page errors: ${JSON.stringify(errors)}${serverOutput ? `\n${serverOutput}` : ''}`);
  });
}

/**
 * Writes docs/<name> once every image on the page has loaded; the focus ring the last click or key
 * left is the browser's, not part of the view being documented.
 */
export async function documentScreenshot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  const unloaded = (imgs: Element[]): number =>
    imgs.filter((img) => !(img as HTMLImageElement).complete || (img as HTMLImageElement).naturalWidth === 0).length;
  await expect.poll(() => page.$$eval('main img', unloaded)).toBe(0);
  await page.screenshot({ path: join(repoRoot, 'docs', name) });
}
