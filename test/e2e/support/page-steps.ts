import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterEach, expect } from 'vitest';

/** Imports a folder in ImageFolder layout through the dataset view's import form, and waits for the job to end. */
export async function importFolder(page: Page, root: string): Promise<void> {
  // The empty dataset shows the form at once, a filled one behind its toggle: wait for whichever the
  // page renders first instead of sampling visibility before the first paint.
  const form = page.getByTestId('import-form');
  await form.or(page.getByTestId('import-toggle')).first().waitFor();
  if (!(await form.isVisible())) await page.getByTestId('import-toggle').click();
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
