import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExportSettings } from '#api/export.ts';
import { sharedFacesOrSkip } from '../../../test/fixtures/shared-faces.ts';
import { checkExport } from '../../../test/formats/check-export.ts';
import { checkHfImageFolder } from '../../../test/formats/hf-imagefolder-format.ts';
import { checkImageFolder } from '../../../test/formats/imagefolder-format.ts';
import { checkManifestCsv } from '../../../test/formats/manifest-csv-format.ts';
import { createHarness, type Harness } from '../curation/testing/curation-harness.ts';
import { exportProject } from './export-service.ts';

const rules = (problems: { rule: string }[]) => problems.map((p) => p.rule);

describe.runIf(sharedFacesOrSkip())('exports pass the format checks', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await createHarness({ identities: 4, imagesPerIdentity: 3, variantsPerImage: 3 });
    const db = harness.session().db;
    // Names that stress the folder rules: a split keyword, a path separator, a case-only clash.
    db.prepare("UPDATE identities SET name = 'dev-team' WHERE name = 's11'").run();
    db.prepare("UPDATE identities SET name = 'a/b' WHERE name = 's12'").run();
    db.prepare("UPDATE identities SET name = 'Dev-Team' WHERE name = 's13'").run();
    // An original whose EXIF orientation needs a turn must be re-encoded upright.
    db.prepare('UPDATE images SET orientation = 6 WHERE id = ?').run(harness.images[0].id);
    await harness.call('curation.decide', {
      variantIds: harness.variants.filter((v) => v.ordinal > 0).map((v) => v.id),
      status: 'accepted',
    });
  });

  afterAll(async () => {
    await harness.cleanup();
  });

  it.each([['identity'], ['source']] as const)('split by %s: ImageFolder, metadata.jsonl and manifest.csv are valid', async (by) => {
    const destination = join(harness.dir, `formats-${by}`);
    await exportProject(
      harness.session(),
      ExportSettings.parse({ destination, split: { by, seed: 5, train: 0.5, val: 0.25, test: 0.25 } }),
    );
    expect(checkExport(destination)).toEqual([]);
    const folders = new Set(
      ['train', 'val', 'test'].flatMap((split) => (existsSync(join(destination, split)) ? readdirSync(join(destination, split)) : [])),
    );
    folders.delete('metadata.jsonl');
    const devTeamId = harness.images[0].identityId;
    expect([...folders].sort()).toEqual(['Dev~-Team', 'a_b', `dev~-team-${devTeamId}`, 's14']);
  });

  it('re-encodes only what needs it, and crops aligned originals when asked', async () => {
    const destination = join(harness.dir, 'formats-aligned');
    const { id } = harness.images[1];
    harness
      .session()
      .db.prepare(
        `INSERT INTO faces (image_id, face_index, box, score, five_points, is_primary)
         VALUES (?, 0, '[0,0,92,112]', 0.99, '[[30,50],[62,50],[46,66],[34,84],[58,84]]', 1)`,
      )
      .run(id);
    const report = await exportProject(harness.session(), ExportSettings.parse({ destination, originals: 'aligned', alignedSize: 128 }));
    expect(report.totals).toMatchObject({ originals: 1, skippedOriginals: 11 });
    expect(report.settings).toMatchObject({ originals: 'aligned', alignedSize: 128 });
    expect(checkExport(destination)).toEqual([]);
  });
});

describe('the format checkers catch broken layouts', () => {
  let dir: string;
  let png: Buffer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'likeness-formats-'));
    png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#808080' } })
      .png()
      .toBuffer();
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function layout(name: string, files: Record<string, string | Buffer>): string {
    const root = join(dir, name);
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), content);
    }
    return root;
  }

  it('ImageFolder: empty classes, stray and fake files, nesting', () => {
    const root = layout('if-bad', {
      'notes.txt': 'x',
      'alice/1.png': png,
      'alice/readme.md': 'x',
      'alice/nested/2.png': png,
      'bob/fake.png': 'not a png',
      'carol/photo.JPG': png,
    });
    const found = rules(checkImageFolder(root));
    expect(found).toContain('stray file directly under the root (ignored by ImageFolder)');
    expect(found).toContain('not an image extension torchvision accepts (silently skipped)');
    expect(found).toContain('nested folder inside a class folder (the export layout is flat)');
    expect(found).toContain('content is not the image format its extension names');
    expect(found.filter((r) => r.startsWith('class folder without a valid image'))).toHaveLength(2);
    expect(rules(checkImageFolder(layout('if-good', { 'alice/1.png': png, 'alice/2.PNG': png, 'metadata.jsonl': '' })))).toEqual([]);
  });

  it('HF imagefolder: metadata rows must describe every image once, relatively, with one schema', () => {
    const root = layout('hf-bad', {
      'train/alice/1.png': png,
      'train/alice/2.png': png,
      'train/dev-team/3.png': png,
      'train/metadata.jsonl': [
        JSON.stringify({ file_name: 'alice/1.png', score: 0.5 }),
        JSON.stringify({ file_name: 'alice/1.png', score: 0.5 }),
        JSON.stringify({ file_name: '/abs/x.png', score: 0.5 }),
        JSON.stringify({ file_name: 'alice/missing.png', score: 'high' }),
        JSON.stringify({ file_name: 'dev-team/3.png' }),
        'not json',
        '',
      ].join('\n'),
      'valid/alice/4.png': png,
      'extra/alice/5.png': png,
    });
    const found = rules(checkHfImageFolder(root));
    expect(found).toContain('file_name alice/1.png is described twice');
    expect(found).toContain('file_name /abs/x.png is not a relative POSIX path inside the split');
    expect(found).toContain('file_name alice/missing.png names no image in train/');
    expect(found).toContain('column score is string here but number elsewhere');
    expect(found.some((r) => r.startsWith('columns differ'))).toBe(true);
    expect(found).toContain('not valid JSON');
    expect(found).toContain('image without a row in metadata.jsonl');
    expect(found).toContain('a split keyword in the path would put this file in a second split');
    expect(found).toContain('missing');
    expect(found).toContain('folder name is not a split keyword the loader recognises');
  });

  it('manifest.csv: RFC 4180 quoting, field counts, files that exist', () => {
    const good = layout('csv-good', { 'train/a/1.png': png, 'manifest.csv': 'file,split,note\ntrain/a/1.png,train,"x, ""y"""\n' });
    expect(checkManifestCsv(good)).toEqual([]);
    const bad = layout('csv-bad', { 'manifest.csv': 'file,split\ntrain/a/1.png,train,extra\nmissing.png,train\n' });
    expect(rules(checkManifestCsv(bad))).toEqual(['3 fields, header has 2', 'train/a/1.png does not exist', 'missing.png does not exist']);
    const unclosed = layout('csv-unclosed', { 'manifest.csv': 'file,split\n"x,train\n' });
    expect(rules(checkManifestCsv(unclosed))).toEqual(['unclosed quote at end of file']);
  });
});
