import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedFacesDir, sharedFacesOrSkip } from '../../../test/fixtures/shared-faces.ts';
import { runCli } from '../cli/run-cli.ts';
import { readManifest, writeManifest } from './shard-manifest.ts';
import { projectContents } from './testing/project-contents.ts';
import { copyProject } from './testing/project-copy.ts';

const cli = fileURLToPath(new URL('../cli/likeness.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const LAYOUTS = [1, 2, 4];
/**
 * Six sources of three people, two variants each: they span the shards (one of four gets none, the
 * worker with nothing to do), and rendering, ~1–2 s a variant on 2 cores, is what the test pays for.
 */
// Generator edits, so every worker must use the one fitted generator; the hair tints are skipped as
// near-duplicates, so the merge carries skips as well as variants.
const SYNTHESIS = ['--images', '1,2,3,12,13,40', '--variants', '2', '--edits', 'expression,hair', '--seed', '7'];

/**
 * The same code path as the `likeness` binary (argument parsing, services, job queue), in this
 * process, because a fresh Node per worker would spend the test's budget on start-up.
 */
async function likeness(...argv: string[]): Promise<void> {
  const code = await runCli(argv);
  if (code !== 0) throw new Error(`likeness ${argv.join(' ')} exited ${code}`);
}

/** Runs a command that should fail; returns what it said on stderr. */
async function refusal(...argv: string[]): Promise<string> {
  const said: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array) => said.push(String(chunk)) > 0) as typeof process.stderr.write;
  try {
    expect(await runCli(argv)).toBe(1);
  } finally {
    process.stderr.write = write;
  }
  return said.join('');
}

const contents = (path: string) => projectContents(path, { withoutTimes: true });

describe.runIf(sharedFacesOrSkip())('sharded runs: analyze|synthesize --shard i/N and merge', () => {
  let dir: string;
  let base: string;
  let analysed: string;
  const previousHome = process.env.LIKENESS_HOME;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'likeness-shards-'));
    process.env.LIKENESS_HOME = join(dir, 'settings');
    base = join(dir, 'base.likeness');
    await likeness('import', join(sharedFacesDir, 'johns'), '--project', base);
  });

  afterAll(() => {
    process.env.LIKENESS_HOME = previousHome;
    rmSync(dir, { recursive: true, force: true });
  });

  it('analysis on 1, 2 and 4 workers merges to the rows and media of one process, byte for byte; merging again changes nothing', async () => {
    const untouched = projectContents(base, { withoutTimes: false });
    analysed = copyProject(base, join(dir, 'analysed.likeness'));
    await likeness('analyze', analysed);
    const single = contents(analysed);
    expect(single.tables.analyses).toHaveLength(54);
    expect(Object.keys(single.media).length).toBeGreaterThan(100);

    for (const count of LAYOUTS) {
      const shards = Array.from({ length: count }, (_, index) => join(dir, `analyze-${count}-${index}`));
      for (const [index, out] of shards.entries()) await likeness('analyze', base, '--shard', `${index}/${count}`, '--out', out);
      const slices = shards.map((out) => readManifest(out)!.imageIds);
      expect(slices.flat().sort((a, b) => a - b)).toEqual(single.tables.analyses.map((row) => (row as { image_id: number }).image_id));
      if (count > 1) expect(Math.min(...slices.map((s) => s.length))).toBeGreaterThan(0);

      const merged = copyProject(base, join(dir, `merged-${count}.likeness`));
      await likeness('merge', merged, ...shards.reverse());
      expect(contents(merged), `${count} workers`).toEqual(single);

      const before = projectContents(merged, { withoutTimes: false });
      await likeness('merge', merged, ...shards);
      expect(projectContents(merged, { withoutTimes: false })).toEqual(before);
    }
    // The project the workers read was never written, nor its media folder.
    expect(projectContents(base, { withoutTimes: false })).toEqual(untouched);
  }, 300_000);

  it('synthesis on 1, 2 and 4 workers merges to the variants of one process, with seeds independent of the layout', async () => {
    const fitted = copyProject(analysed, join(dir, 'fitted.likeness'));
    expect(await refusal('synthesize', fitted, ...SYNTHESIS, '--shard', '0/2', '--out', join(dir, 'unfitted'))).toMatch(
      /fit it once where the project is writable \(`likeness synthesize .* --fit-only`\)/,
    );
    await likeness('synthesize', fitted, '--fit-only');

    const one = copyProject(fitted, join(dir, 'synthesized.likeness'));
    await likeness('synthesize', one, ...SYNTHESIS);
    const single = contents(one);
    const made = single.tables.variants.length + single.tables.variant_skips.length;
    expect(made).toBe(12);
    expect(single.tables.variants.length).toBeGreaterThanOrEqual(6);
    expect(single.tables.variant_skips.length).toBeGreaterThan(0);

    for (const count of LAYOUTS) {
      const shards = Array.from({ length: count }, (_, index) => join(dir, `synthesize-${count}-${index}`));
      for (const [index, out] of shards.entries())
        await likeness('synthesize', fitted, ...SYNTHESIS, '--shard', `${index}/${count}`, '--out', out);
      const merged = copyProject(fitted, join(dir, `synthesized-${count}.likeness`));
      await likeness('merge', merged, ...shards);
      expect(contents(merged), `${count} workers`).toEqual(single);
      const before = projectContents(merged, { withoutTimes: false });
      await likeness('merge', merged, shards[0], ...shards);
      expect(projectContents(merged, { withoutTimes: false })).toEqual(before);
    }
    // 48 variants rendered in all (one run and 1 + 2 + 4 workers).
  }, 600_000);

  it('synthesis with the default edits, rendered without a generator (no pack), merges to one process too', async () => {
    const fitted = join(dir, 'fitted.likeness');
    const plain = ['--images', '1,12', '--variants', '2', '--seed', '3'];
    const one = copyProject(fitted, join(dir, 'relit.likeness'));
    await likeness('synthesize', one, ...plain);
    const single = contents(one);
    const variants = single.tables.variants as { pack_id: number | null }[];
    expect(variants.length).toBeGreaterThan(0);
    expect(variants.filter((row) => row.pack_id === null).length).toBeGreaterThan(0);

    const shards = [0, 1].map((index) => join(dir, `relit-2-${index}`));
    for (const [index, out] of shards.entries()) await likeness('synthesize', fitted, ...plain, '--shard', `${index}/2`, '--out', out);
    const merged = copyProject(fitted, join(dir, 'relit-merged.likeness'));
    await likeness('merge', merged, ...shards);
    expect(contents(merged)).toEqual(single);
  }, 300_000);

  it('a merge killed part way leaves the project as it was or merged, and running it again completes it', async () => {
    const shards = [0, 1].map((index) => join(dir, `analyze-2-${index}`));
    const target = copyProject(base, join(dir, 'killed.likeness'));
    const child = spawn(process.execPath, ['--import', 'tsx', cli, 'merge', target, ...shards], {
      cwd: repoRoot,
      env: { ...process.env, LIKENESS_HOME: join(dir, 'settings') },
      stdio: 'ignore',
    });
    // Killed as soon as the first media file lands: the rows, one transaction, are not in yet or all in.
    const aligned = `${target}.media`;
    while (child.exitCode === null && !readdirSync(aligned, { recursive: true }).some((f) => String(f).endsWith('.png'))) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('close', resolve));
    expect([0, 54]).toContain(projectContents(target, { withoutTimes: true }).tables.analyses.length);
    await likeness('merge', target, ...shards);
    expect(contents(target)).toEqual(contents(analysed));
  });

  it('refuses a shard that is unfinished or was cut from another project, naming it', async () => {
    expect(await refusal('analyze', base, '--shard', '2/2', '--out', join(dir, 'bad'))).toMatch(
      /--shard takes i\/N with 0 <= i < N.*got "2\/2"/,
    );
    expect(await refusal('analyze', base, '--shard', '0/2')).toMatch(/--shard needs --out <folder>/);
    expect(await refusal('analyze', base, '--shard', '1/2', '--out', join(dir, 'analyze-2-0'))).toMatch(
      /analyze-2-0 holds shard 0\/2 of another analyze run/,
    );
    const shard = join(dir, 'analyze-2-0');
    const target = copyProject(base, join(dir, 'refused.likeness'));
    const manifest = readManifest(shard)!;
    writeManifest(shard, { ...manifest, complete: false });
    expect(await refusal('merge', target, shard)).toMatch(/analyze-2-0 \(analyze shard 0\/2\) is not finished; run its worker again/);
    writeManifest(shard, { ...manifest, project: { ...manifest.project, createdAt: '1999-01-01T00:00:00.000Z' } });
    expect(await refusal('merge', target, shard)).toMatch(/was cut from another project/);
    writeManifest(shard, manifest);
    expect(projectContents(target, { withoutTimes: false }).tables.analyses).toEqual([]);
  });
});
