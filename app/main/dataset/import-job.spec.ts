import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImageQuery, type ImageSummary, type ImportRequest } from '#api/dataset.ts';
import { ApiError } from '#api/errors.ts';
import { seedBrokenFaces } from '../../../test/fixtures/broken-faces.ts';
import { imageRows, importHarness, projectIn, type ImportHarness } from '../../../test/fixtures/import-harness.ts';
import { sharedFacesDir, sharedFacesOrSkip } from '../../../test/fixtures/shared-faces.ts';
import { naturalKey } from '../project/natural-order.ts';

const run = sharedFacesOrSkip();
const sets = ['johns', 'orl', 'yale'] as const;
const open: ImportHarness[] = [];

function harness(): ImportHarness {
  const h = importHarness(mkdtempSync(join(tmpdir(), 'likeness-import-')));
  open.push(h);
  return h;
}

async function withProject(): Promise<ImportHarness> {
  const h = harness();
  await h.workspace.open(projectIn(mkdtempSync(join(tmpdir(), 'likeness-project-'))), 'create');
  return h;
}

function identityFolders(set: string): string[] {
  return readdirSync(join(sharedFacesDir, set), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name);
}

afterAll(async () => {
  for (const h of open.splice(0)) await h.workspace.close();
});

describe.runIf(run)('importing ../shared/faces', () => {
  let h: ImportHarness;
  let changes: { images: number; identities: number }[];

  beforeAll(async () => {
    h = await withProject();
    changes = [];
    h.events.subscribe((event, payload) => {
      if (event === 'dataset.changed') changes.push(payload as { images: number; identities: number });
    });
    const status = await h.importAndWait({ layout: 'imagefolder', root: sharedFacesDir });
    expect(status).toMatchObject({ state: 'done', done: 975, total: 975, error: null });
  });

  it('takes the three sets as datasets and their folders as the 43 identities', async () => {
    const identities = await h.dataset['dataset.identities']({});
    const expected = sets.flatMap(identityFolders).sort(naturally);
    expect(expected).toHaveLength(43);
    expect(identities.map((i) => i.name)).toEqual(expected);
    for (const identity of identities) {
      const set = sets.find((s) => identityFolders(s).includes(identity.name))!;
      const files = readdirSync(join(sharedFacesDir, set, identity.name)).length;
      expect(identity.images).toBe(identity.name === 'John_Shimkus' ? files - 1 : files);
      expect(identity.problems).toBe(0);
    }
    expect(h.workspace.require().summary().counts).toEqual({ identities: 43, images: 974, problems: 0, duplicates: 1 });
  });

  it('records each set with its real counts, sizes after orientation, channels and formats', () => {
    const db = h.workspace.require().db;
    const perSet = db
      .prepare(
        `SELECT substr(rel_path, 1, instr(rel_path, '/') - 1) AS setName, count(*) AS n, count(DISTINCT identity_id) AS people,
                min(width) AS w, max(width) AS w2, min(height) AS h, max(height) AS h2, min(channels) AS c, max(channels) AS c2,
                group_concat(DISTINCT format) AS formats
         FROM images GROUP BY setName ORDER BY setName`,
      )
      .all();
    expect(perSet).toEqual([
      { setName: 'johns', n: 55, people: 5, w: 150, w2: 150, h: 150, h2: 150, c: 3, c2: 3, formats: 'jpeg' },
      { setName: 'orl', n: 280, people: 28, w: 92, w2: 92, h: 112, h2: 112, c: 1, c2: 1, formats: 'png' },
      { setName: 'yale', n: 640, people: 10, w: 168, w2: 168, h: 192, h2: 192, c: 1, c2: 1, formats: 'png' },
    ]);
  });

  it('gives ids in path order, so the same folder always gets the same ids', () => {
    const paths = h.workspace.require().db.prepare('SELECT rel_path FROM images ORDER BY id').pluck().all() as string[];
    const sorted = [...paths].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    expect(paths).toEqual(sorted);
  });

  it('marks the byte-identical second copy in John_Shimkus as a duplicate of the first', async () => {
    const page = await h.dataset['dataset.images'](ImageQuery.parse({ status: ['duplicate'] }));
    expect(page.total).toBe(1);
    const duplicate = page.items[0]!;
    expect(duplicate.path).toBe(join(sharedFacesDir, 'johns/John_Shimkus/000378_03227610.jpg'));
    const original = (await h.dataset['dataset.images'](ImageQuery.parse({ identityId: duplicate.identityId! }))).items.find(
      (i) => i.id === duplicate.duplicateOf,
    )!;
    expect(original.path).toBe(join(sharedFacesDir, 'johns/John_Shimkus/000378_02340151.jpg'));
    expect(original.status).toBe('ok');
    expect(duplicate.thumb).toBe(original.thumb);
    expect(duplicate.duplicateOfPath).toBe(original.path);
    // The Problems panel lists it (it is a DUP tile in the grid), naming its original.
    const problems = await h.dataset['dataset.problems']({ offset: 0, limit: 50 });
    expect(problems.items.find((p) => p.id === duplicate.id)?.duplicateOfPath).toBe(original.path);
  });

  it('stores one WebP thumbnail per distinct content, no larger than 256 px', async () => {
    const session = h.workspace.require();
    const keys = session.db.prepare('SELECT DISTINCT thumb_key FROM images').pluck().all() as string[];
    expect(keys).toHaveLength(974);
    for (const key of keys) expect(existsSync(session.media.pathOf(key))).toBe(true);
    const meta = await sharp(session.media.pathOf(keys[0]!)).metadata();
    expect(meta.format).toBe('webp');
    expect(Math.max(meta.width, meta.height)).toBeLessThanOrEqual(256);
  });

  it('lists images by identity name then path, pages them, and filters by identity', async () => {
    const first = await h.dataset['dataset.images'](ImageQuery.parse({ limit: 12 }));
    expect(first.total).toBe(975);
    expect(first.items.map((i) => i.identityName)).toEqual([...Array(11).fill('John_Salley'), 'John_Savage']);
    const all: ImageSummary[] = [];
    for (let offset = 0; offset < 975; offset += 400) {
      all.push(...(await h.dataset['dataset.images'](ImageQuery.parse({ offset, limit: 400 }))).items);
    }
    expect(new Set(all.map((i) => i.id)).size).toBe(975);
    const keys = all.map((i) => [i.identityName ?? '', i.path] as const);
    expect(keys).toEqual([...keys].sort((a, b) => naturally(a[0], b[0]) || naturally(a[1], b[1])));
    const s10 = (await h.dataset['dataset.identities']({})).find((i) => i.name === 's10')!;
    const own = await h.dataset['dataset.images'](ImageQuery.parse({ identityId: s10.id }));
    expect(own.total).toBe(10);
    expect(own.items.map((i) => i.path.slice(sharedFacesDir.length + 1))).toEqual(
      ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'].map((n) => `orl/s10/${n}.png`),
    );
  });

  it('tells renderers the dataset changed, ending with the final counts', () => {
    expect(changes.length).toBeGreaterThan(0);
    expect(changes.at(-1)).toEqual({ images: 974, identities: 43 });
  });

  it('stops promptly on cancel, and the resumed job ends with exactly the rows of an uninterrupted one', async () => {
    const other = await withProject();
    const session = other.workspace.require();
    const { jobId } = await other.dataset['dataset.import']({ layout: 'imagefolder', root: sharedFacesDir });
    const count = () => session.db.prepare('SELECT count(*) FROM images').pluck().get() as number;
    while (count() < 200) await new Promise((r) => setTimeout(r, 5));
    const asked = Date.now();
    session.jobs.cancel(jobId);
    await session.jobs.idle();
    expect(Date.now() - asked).toBeLessThan(2000);
    expect(session.jobs.get(jobId).state).toBe('cancelled');
    expect(count()).toBeLessThan(975);
    session.jobs.resume(jobId);
    await session.jobs.idle();
    expect(session.jobs.get(jobId)).toMatchObject({ state: 'done', done: 975, total: 975 });
    expect(imageRows(session.db)).toEqual(imageRows(h.workspace.require().db));
  });
});

describe.runIf(run)('importing one set on its own', () => {
  it('reads orl/ as ImageFolder: 28 identities of 10, ignoring ORL-README.txt', async () => {
    const h = await withProject();
    expect(await h.importAndWait({ layout: 'imagefolder', root: join(sharedFacesDir, 'orl') })).toMatchObject({
      state: 'done',
      total: 280,
    });
    const identities = await h.dataset['dataset.identities']({});
    expect(identities).toHaveLength(28);
    expect(identities.every((i) => i.images === 10 && i.problems === 0)).toBe(true);
  });
});

describe.runIf(run)('importing a folder of broken files', () => {
  it('imports the good files and lists each bad one with its reason, naming the file', async () => {
    const broken = await seedBrokenFaces(mkdtempSync(join(tmpdir(), 'likeness-broken-')));
    const h = await withProject();
    expect(await h.importAndWait({ layout: 'imagefolder', root: broken.root })).toMatchObject({ state: 'done', error: null });
    const rows = (await h.dataset['dataset.images'](ImageQuery.parse({ limit: 2000 }))).items;
    const byPath = new Map(rows.map((row) => [row.path.slice(broken.root.length + 1), row]));
    expect([...byPath.keys()].sort()).toEqual([...broken.expected.keys()].sort());
    for (const [rel, want] of broken.expected) {
      const row = byPath.get(rel)!;
      expect({ rel, status: row.status, identity: row.identityName, code: row.errorCode ?? undefined }).toEqual({
        rel,
        status: want.status,
        identity: want.identity,
        code: want.code,
      });
      if (want.status === 'error') expect(row.errorMessage).toContain(rel);
      if (want.of) expect(row.duplicateOf).toBe(byPath.get(want.of)!.id);
    }
    const problems = await h.dataset['dataset.problems']({ offset: 0, limit: 500 });
    // Problems lists every file not used: unreadable ones and duplicates alike.
    expect(problems.items.map((p) => p.id).sort()).toEqual(
      rows
        .filter((r) => r.status !== 'ok')
        .map((r) => r.id)
        .sort(),
    );
    const identities = await h.dataset['dataset.identities']({});
    expect(identities.map((i) => i.name)).toEqual(['alice', 'bob', 'carol', 'Zoë 😀 Ünïcode']);
    expect(byPath.get('alice/cut.jpg')!.errorMessage).toMatch(/^alice\/cut\.jpg is cut short.*premature end of JPEG/);
    expect(byPath.get('bob/huge.png')!.errorMessage).toBe('bob/huge.png is 11000×10000 pixels, over the 100-megapixel limit');
    expect(byPath.get('carol/rotated.jpg')).toMatchObject({ width: 112, height: 92, format: 'jpeg' });
    expect(byPath.get('alice/notes.jpg')!.errorMessage).toBe('alice/notes.jpg is not an image (its content is not JPEG, PNG or WebP)');

    // Re-importing adds only what is new; files already listed, good or bad, are left as they are.
    writeFileSync(join(broken.root, 'alice/notes.jpg'), 'still not a photo');
    copyFileSync(join(sharedFacesDir, 'orl/s3/9.png'), join(broken.root, 'carol/new.png'));
    expect(await h.importAndWait({ layout: 'imagefolder', root: broken.root })).toMatchObject({ state: 'done', done: rows.length + 1 });
    const after = (await h.dataset['dataset.images'](ImageQuery.parse({ limit: 2000 }))).items;
    expect(
      after.filter((r) => !byPath.has(r.path.slice(broken.root.length + 1))).map((r) => [r.path.slice(broken.root.length + 1), r.status]),
    ).toEqual([['carol/new.png', 'ok']]);
    expect(h.workspace.require().db.prepare('SELECT count(*) FROM datasets').pluck().get()).toBe(1);
  });
});

describe.runIf(run)('importing a flat folder with a CSV mapping', () => {
  it('maps files to identities by the CSV and reports the rows it cannot use', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'likeness-csv-import-'));
    const root = join(dir, 'flat');
    mkdirSync(root);
    const johns = join(sharedFacesDir, 'johns');
    const source = (person: string, n: number) => join(johns, person, readdirSync(join(johns, person)).sort()[n]!);
    copyFileSync(source('John_Simm', 0), join(root, 'simm 1.jpg'));
    copyFileSync(source('John_Simm', 1), join(root, 'simm,2.jpg'));
    copyFileSync(source('John_Savage', 0), join(root, 'savage.jpg'));
    copyFileSync(source('John_Savage', 1), join(root, 'not in mapping.jpg'));
    const csv = join(dir, 'labels.csv');
    writeFileSync(
      csv,
      '\uFEFFidentity,notes,file\r\n' +
        'John Simm,,simm 1.jpg\r\n' +
        '"John Simm","two\r\nlines","simm,2.jpg"\r\n' +
        'John Savage,,savage.jpg\r\n' +
        'John Savage,,gone.jpg\r\n' +
        'John Savage,savage.jpg\r\n',
    );
    const h = await withProject();
    expect(await h.importAndWait({ layout: 'csv', root, mappingCsv: csv })).toMatchObject({ state: 'done', total: 5 });
    const rows = (await h.dataset['dataset.images'](ImageQuery.parse({}))).items;
    expect(rows.map((r) => [relative(root, r.path), r.identityName, r.status, r.errorCode])).toEqual([
      ['gone.jpg', 'John Savage', 'error', 'FILE_MISSING'],
      ['savage.jpg', 'John Savage', 'ok', null],
      ['simm 1.jpg', 'John Simm', 'ok', null],
      ['simm,2.jpg', 'John Simm', 'ok', null],
      ['../labels.csv:7', null, 'error', 'CSV_ROW_INVALID'],
    ]);
    expect(rows[0]!.errorMessage).toBe('labels.csv line 6: gone.jpg does not exist');
    expect(rows[4]!.path).toBe(`${csv}:7`);
    expect(rows[4]!.errorMessage).toBe('labels.csv line 7: has 2 fields but the header has 3');
  });
});

describe('dataset.import input checks', () => {
  it('fails an import of a folder without images with "0 images found", naming the folder', async () => {
    const h = harness();
    const dir = mkdtempSync(join(tmpdir(), 'likeness-empty-'));
    await h.workspace.open(projectIn(dir), 'create');
    const empty = join(dir, 'photos');
    mkdirSync(join(empty, 'alice'), { recursive: true });
    writeFileSync(join(empty, 'alice', 'notes.txt'), 'not a photo');
    const status = await h.importAndWait({ layout: 'imagefolder', root: empty });
    expect(status.state).toBe('failed');
    expect(status.error).toMatch(new RegExp(`^0 images found in ${empty}`));
    expect(await h.dataset['dataset.identities']({})).toEqual([]);
  });

  it('refuses a missing folder, a file, an unusable mapping and a closed project, naming the path', async () => {
    const h = harness();
    const expectError = async (call: () => unknown, code: string, text: RegExp) => {
      const error = await Promise.resolve()
        .then(call)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApiError);
      expect(error).toMatchObject({ code });
      expect((error as ApiError).message).toMatch(text);
    };
    const start = (request: ImportRequest) => () => h.dataset['dataset.import'](request);
    await expectError(start({ layout: 'imagefolder', root: '/tmp' }), 'NO_PROJECT', /open or create a project/);
    const dir = mkdtempSync(join(tmpdir(), 'likeness-checks-'));
    await h.workspace.open(projectIn(dir), 'create');
    const missing = join(dir, 'nope');
    await expectError(start({ layout: 'imagefolder', root: missing }), 'NOT_FOUND', new RegExp(`${missing}: no such folder`));
    writeFileSync(join(dir, 'file.txt'), 'x');
    await expectError(start({ layout: 'imagefolder', root: join(dir, 'file.txt') }), 'INVALID_INPUT', /file\.txt is a file/);
    writeFileSync(join(dir, 'map.csv'), 'file,who\n');
    await expectError(
      start({ layout: 'csv', root: dir, mappingCsv: join(dir, 'map.csv') }),
      'INVALID_INPUT',
      /map\.csv line 1: no identity column/,
    );
    expect(h.workspace.require().jobs.list(10)).toEqual([]);
    expect(await h.dataset['dataset.identities']({})).toEqual([]);
  });
});

/** The order every list shows (natural-order.ts), as a comparator. */
function naturally(a: string, b: string): number {
  const [x, y] = [naturalKey(a), naturalKey(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}
