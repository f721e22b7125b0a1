import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExportSettings, type ExportSettingsInput } from '#api/export.ts';
import { killWhen, startProjectChild } from '../../../test/fixtures/project-child-process.ts';
import { sharedFacesOrSkip } from '../../../test/fixtures/shared-faces.ts';
import { parseCsv } from '../../../test/formats/manifest-csv-format.ts';
import { createHarness, type Harness } from '../curation/testing/curation-harness.ts';
import { exportProject } from './export-service.ts';

function tree(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.set(relative(root, path), createHash('sha256').update(readFileSync(path)).digest('hex'));
    }
  };
  walk(root);
  return files;
}

/** Everything beside a destination other than the destination itself: leftovers of a staging folder. */
function siblings(destination: string): string[] {
  return readdirSync(dirname(destination)).filter((name) => name.startsWith(`.${basename(destination)}.likeness-`));
}

function jsonl(path: string): Record<string, unknown>[] {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe.runIf(sharedFacesOrSkip())('export', () => {
  let harness: Harness;
  let accepted: number[];
  let rejected: number[];

  const settings = (input: Omit<ExportSettingsInput, 'destination'> & { destination: string }) => ExportSettings.parse(input);

  beforeAll(async () => {
    harness = await createHarness({ identities: 4, imagesPerIdentity: 3, variantsPerImage: 3 });
    accepted = harness.variants.filter((v) => v.ordinal > 0).map((v) => v.id);
    rejected = harness.variants.filter((v) => v.ordinal === 0).map((v) => v.id);
    await harness.call('curation.decide', { variantIds: accepted, status: 'accepted' });
    await harness.call('curation.decide', { variantIds: rejected, status: 'rejected' });
  });

  afterAll(async () => {
    await harness.cleanup();
  });

  it('writes originals and only accepted variants, in split/identity folders with provenance', async () => {
    const destination = join(harness.dir, 'out-basic');
    const report = await exportProject(harness.session(), settings({ destination, split: { by: 'source', seed: 7 } }));
    expect(report.totals).toMatchObject({ originals: 12, variants: accepted.length, files: 12 + accepted.length });

    const manifest = parseCsv(readFileSync(join(destination, 'manifest.csv'), 'utf8'));
    const [header, ...rows] = manifest;
    expect(header.slice(0, 4)).toEqual(['file', 'split', 'identity', 'kind']);
    const column = (name: string) => header.indexOf(name);
    const variantIds = rows.filter((r) => r[column('kind')] === 'variant').map((r) => Number(r[column('variant_id')]));
    expect(variantIds.sort((a, b) => a - b)).toEqual([...accepted].sort((a, b) => a - b));
    for (const row of rows) expect(existsSync(join(destination, row[column('file')]))).toBe(true);

    const train = jsonl(join(destination, 'train', 'metadata.jsonl'));
    const variant = train.find((r) => r.kind === 'variant')!;
    expect(variant).toMatchObject({
      pack: 'fixture-brightness',
      pack_version: '1.0.0',
      pack_hash: 'sha256:fixture',
      decided_by: 'tester',
      source_image: expect.stringMatching(/^s1\d\/\d\.png$/),
    });
    expect(JSON.parse(variant.recipe as string)).toMatchObject({ seed: variant.seed });
    expect(typeof variant.id_to_source).toBe('number');
    expect(typeof variant.decided_at).toBe('string');
    // Files keep the names a person knows: a variant is named after its source, an original keeps its own.
    expect(String(variant.file_name)).toBe(
      `${variant.identity}/${String(variant.source_image).split('/')[1].replace('.png', '')}-v${variant.variant_id}.png`,
    );
    const original = train.find((r) => r.kind === 'original')!;
    expect(original).toMatchObject({ variant_id: null, recipe: null, decided_at: null });
    expect(original.file_name).toBe(original.source_image);

    const onDisk = JSON.parse(readFileSync(join(destination, 'export-report.json'), 'utf8'));
    expect(onDisk).toEqual(report);
    const listed = await harness.call('export.list', { limit: 5 });
    expect(listed[0]).toMatchObject({ destination, state: 'done', report });
  });

  it('never lets a source or its variants straddle splits', async () => {
    for (const by of ['source', 'identity'] as const) {
      const destination = join(harness.dir, `out-leak-${by}`);
      await exportProject(
        harness.session(),
        settings({ destination, formats: ['csv'], split: { by, seed: 3, train: 0.5, val: 0.25, test: 0.25 } }),
      );
      const [header, ...rows] = parseCsv(readFileSync(join(destination, 'manifest.csv'), 'utf8'));
      const splitsOf = new Map<string, Set<string>>();
      const key = by === 'source' ? header.indexOf('source_image_id') : header.indexOf('identity');
      for (const row of rows) {
        const set = splitsOf.get(row[key]) ?? new Set();
        set.add(row[header.indexOf('split')]);
        splitsOf.set(row[key], set);
      }
      for (const [unit, splits] of splitsOf) expect([unit, [...splits]]).toEqual([unit, [...splits].slice(0, 1)]);
      expect(new Set(rows.map((r) => r[header.indexOf('split')])).size).toBeGreaterThan(1);
    }
  });

  it('is byte-identical when exported twice with the same settings, and differs with another seed', async () => {
    const a = join(harness.dir, 'out-a');
    const b = join(harness.dir, 'nested', 'out-b');
    const shared = { split: { by: 'source' as const, seed: 11 } };
    await exportProject(harness.session(), settings({ destination: a, ...shared }));
    await exportProject(harness.session(), settings({ destination: b, ...shared }));
    expect(tree(b)).toEqual(tree(a));

    await exportProject(harness.session(), settings({ destination: a, ...shared, overwrite: true }));
    expect(tree(a)).toEqual(tree(b));
    expect(siblings(a)).toEqual([]);

    const c = join(harness.dir, 'out-c');
    await exportProject(harness.session(), settings({ destination: c, split: { by: 'source', seed: 12 } }));
    expect(tree(c)).not.toEqual(tree(a));
  });

  it('leaves nothing behind when aborted mid-way', async () => {
    const destination = join(harness.dir, 'out-aborted');
    const controller = new AbortController();
    const run = exportProject(harness.session(), settings({ destination }), {
      signal: controller.signal,
      progress: (done) => {
        if (done === 5) controller.abort();
      },
    });
    await expect(run).rejects.toThrow();
    expect(existsSync(destination)).toBe(false);
    expect(siblings(destination)).toEqual([]);
    expect((await harness.call('export.list', { limit: 1 }))[0]).toMatchObject({ destination, state: 'cancelled' });
  });

  it('leaves no half folder when the exporting process is killed, and the next run cleans up', async () => {
    const destination = join(harness.dir, 'killed', 'out');
    const exportSettings = settings({ destination });
    await harness.close();
    try {
      const run = startProjectChild(['export', join(harness.dir, 'settings'), harness.projectPath, JSON.stringify(exportSettings), '3']);
      expect(await killWhen(run, () => run.lines.includes('paused'))).toBe(true);
    } finally {
      await harness.workspace.open(harness.projectPath, 'open');
    }
    expect(existsSync(destination)).toBe(false);
    expect(siblings(destination)).toHaveLength(1);

    await exportProject(harness.session(), exportSettings);
    expect(siblings(destination)).toEqual([]);
    expect(tree(destination).size).toBeGreaterThan(12);
  });

  it('replaces only an earlier export, never an unrelated folder', async () => {
    const unrelated = join(harness.dir, 'photos');
    mkdirSync(unrelated);
    writeFileSync(join(unrelated, 'holiday.jpg'), 'not ours');
    await expect(exportProject(harness.session(), settings({ destination: unrelated }))).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(exportProject(harness.session(), settings({ destination: unrelated, overwrite: true }))).rejects.toThrow(
      /not a Likeness export/,
    );
    expect(readFileSync(join(unrelated, 'holiday.jpg'), 'utf8')).toBe('not ours');
    await expect(harness.call('export.start', { destination: unrelated })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('runs as a job from the API and previews the same counts', async () => {
    const destination = join(harness.dir, 'out-job');
    const preview = await harness.call('export.preview', { destination, split: { by: 'identity', seed: 1 } });
    expect(preview).toMatchObject({ originals: 12, variants: accepted.length, destinationExists: false });
    // The preflight counts what stays behind and says so, per identity too.
    const all = await harness.call('curation.groups', { view: { groupBy: 'identity' } });
    const rejectedOrUndecided = all.total - accepted.length;
    expect(preview.leftOutVariants.undecided + preview.leftOutVariants.rejected).toBe(rejectedOrUndecided);
    if (preview.leftOutVariants.undecided > 0) expect(preview.warnings.map((w) => w.code)).toContain('UNDECIDED_LEFT_OUT');
    expect(preview.identities.reduce((n, i) => n + i.originals + i.variants, 0)).toBe(12 + accepted.length);
    const { jobId } = await harness.call('export.start', { destination, split: { by: 'identity', seed: 1 } });
    await harness.session().jobs.idle();
    expect(harness.session().jobs.get(jobId)).toMatchObject({ state: 'done', done: 12 + accepted.length });
    const [record] = await harness.call('export.list', { limit: 1 });
    expect(record).toMatchObject({ jobId, state: 'done' });
    expect(record.report?.splits).toEqual(preview.splits);
  });
});
