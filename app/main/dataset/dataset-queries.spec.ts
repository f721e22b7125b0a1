import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ImageStatus } from '#api/dataset.ts';
import { openProjectDatabase, type ProjectDatabase } from '../project/project-database.ts';
import { listIdentities, listImages, type ImageFilter } from './dataset-queries.ts';
import { naturalKey } from '../project/natural-order.ts';

const dbs: ProjectDatabase[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
});

/**
 * `images` rows spread over `people` identities and two datasets, every 50th an error, every 77th a
 * duplicate, every 997th outside any identity; identities are inserted out of name order.
 */
function seeded(images: number, people: number): ProjectDatabase {
  const db = openProjectDatabase(join(mkdtempSync(join(tmpdir(), 'likeness-queries-')), 'p.likeness'), { create: true });
  dbs.push(db);
  db.transaction(() => {
    db.prepare(
      "INSERT INTO datasets (root, layout, created_at) VALUES ('/data/b', 'imagefolder', 'x'), ('/data/a', 'imagefolder', 'x')",
    ).run();
    const identity = db.prepare("INSERT INTO identities (name, name_key, created_at) VALUES (?, ?, 'x')");
    for (let i = 0; i < people; i += 1) {
      const name = `person ${String((i * 7919) % people).padStart(5, '0')}`;
      identity.run(name, naturalKey(name));
    }
    const insert = db.prepare(
      "INSERT INTO images (dataset_id, identity_id, rel_path, path_key, status, error_code, imported_at) VALUES (?, ?, ?, ?, ?, ?, 'x')",
    );
    const image = {
      run: (dataset: number, identityId: number | null, path: string, status: string, code: string | null) =>
        insert.run(dataset, identityId, path, naturalKey(path), status, code),
    };
    for (let k = 0; k < images; k += 1) {
      const status: ImageStatus = k % 50 === 0 ? 'error' : k % 77 === 0 ? 'duplicate' : 'ok';
      image.run((k % 2) + 1, k % 997 === 0 ? null : (k % people) + 1, `p/${k}.jpg`, status, status === 'error' ? 'DECODE_FAILED' : null);
    }
  })();
  return db;
}

/** What listImages must return, computed the slow, obvious way. */
function reference(db: ProjectDatabase, filter: ImageFilter): { total: number; ids: number[] } {
  const rows = db
    .prepare(
      'SELECT m.id, m.status, m.identity_id, m.dataset_id, m.rel_path, i.name FROM images m LEFT JOIN identities i ON i.id = m.identity_id',
    )
    .all() as { id: number; status: ImageStatus; identity_id: number | null; dataset_id: number; rel_path: string; name: string | null }[];
  const bytes = (s: string) => Buffer.from(naturalKey(s));
  const kept = rows
    .filter(
      (r) =>
        (filter.identityId === undefined || r.identity_id === filter.identityId) && (!filter.status || filter.status.includes(r.status)),
    )
    .sort(
      (a, b) =>
        (a.name === null ? 1 : 0) - (b.name === null ? 1 : 0) ||
        Buffer.compare(bytes(a.name ?? ''), bytes(b.name ?? '')) ||
        a.dataset_id - b.dataset_id ||
        Buffer.compare(bytes(a.rel_path), bytes(b.rel_path)),
    );
  return { total: kept.length, ids: kept.slice(filter.offset, filter.offset + filter.limit).map((r) => r.id) };
}

describe('listImages', () => {
  it('pages by identity name, dataset and path with unassigned rows last, for every filter', () => {
    const db = seeded(3000, 40);
    const filters: ImageFilter[] = [
      { offset: 0, limit: 100 },
      { offset: 2950, limit: 100 },
      { offset: 2990, limit: 5 },
      { offset: 5000, limit: 10 },
      { status: ['error'], offset: 0, limit: 2000 },
      { status: ['ok', 'duplicate'], offset: 1234, limit: 300 },
      { status: [], offset: 0, limit: 10 },
      { identityId: 7, offset: 0, limit: 2000 },
      { identityId: 7, status: ['error'], offset: 0, limit: 2000 },
    ];
    for (const filter of filters) {
      const page = listImages(db, filter);
      const want = reference(db, filter);
      expect({ filter, total: page.total, ids: page.items.map((i) => i.id) }).toEqual({ filter, ...want });
    }
  });

  it('lists identities and files in natural order: s2 before s10, 2.png before 10.png', () => {
    const db = seeded(0, 0);
    const identity = db.prepare("INSERT INTO identities (name, name_key, created_at) VALUES (?, ?, 'x')");
    const image = db.prepare(
      "INSERT INTO images (dataset_id, identity_id, rel_path, path_key, status, imported_at) VALUES (1, ?, ?, ?, 'ok', 'x')",
    );
    for (const name of ['s10', 's2', 's1']) {
      const id = Number(identity.run(name, naturalKey(name)).lastInsertRowid);
      for (const file of ['10.png', '1.png', '2.png']) image.run(id, `${name}/${file}`, naturalKey(`${name}/${file}`));
    }
    expect(listIdentities(db).map((i) => i.name)).toEqual(['s1', 's2', 's10']);
    expect(listImages(db, { offset: 0, limit: 100 }).items.map((i) => i.path.replace('/data/b/', ''))).toEqual([
      's1/1.png',
      's1/2.png',
      's1/10.png',
      's2/1.png',
      's2/2.png',
      's2/10.png',
      's10/1.png',
      's10/2.png',
      's10/10.png',
    ]);
  });

  it('returns the full path, the thumbnail key and the problem fields of each row', () => {
    const db = seeded(60, 3);
    db.prepare("UPDATE images SET thumb_key = 'thumbs/abc.webp', width = 10, height = 20, format = 'png' WHERE id = 2").run();
    const item = listImages(db, { offset: 0, limit: 100 }).items.find((i) => i.id === 2)!;
    expect(item).toEqual({
      id: 2,
      identityId: 2,
      identityName: 'person 00002',
      path: '/data/a/p/1.jpg',
      status: 'ok',
      width: 10,
      height: 20,
      format: 'png',
      thumb: 'thumbs/abc.webp',
      duplicateOf: null,
      duplicateOfPath: null,
      errorCode: null,
      errorMessage: null,
    });
  });
});

describe('at 100k images', () => {
  it('answers every list query from indexes without sorting, in well under a frame budget', () => {
    const db = seeded(100_000, 1000);
    const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join('; ');
    const walk = `SELECT m.id FROM identities i CROSS JOIN images m ON m.identity_id = i.id JOIN datasets d ON d.id = m.dataset_id
                  WHERE m.status IN ('ok') ORDER BY i.name_key, i.id, m.dataset_id, m.path_key LIMIT 10`;
    expect(plan(walk)).not.toMatch(/TEMP B-TREE/);
    expect(plan(walk)).toMatch(/images_by_identity_natural/);
    expect(plan('SELECT m.id FROM images m WHERE m.identity_id IS NULL ORDER BY m.dataset_id, m.path_key LIMIT 10')).not.toMatch(
      /TEMP B-TREE/,
    );

    const timings: Record<string, number> = {};
    const time = (name: string, query: () => unknown) => {
      query();
      const start = performance.now();
      for (let i = 0; i < 5; i += 1) query();
      timings[name] = (performance.now() - start) / 5;
    };
    time('first page', () => listImages(db, { offset: 0, limit: 200 }));
    time('last page', () => listImages(db, { offset: 99_800, limit: 200 }));
    time('ok, middle page', () => listImages(db, { status: ['ok'], offset: 50_000, limit: 200 }));
    time('problems', () => listImages(db, { status: ['error'], offset: 0, limit: 500 }));
    time('one identity', () => listImages(db, { identityId: 500, offset: 0, limit: 200 }));
    time('identities', () => listIdentities(db));
    console.info('dataset queries at 100k images (ms):', timings);
    for (const ms of Object.values(timings)) expect(ms).toBeLessThan(250);
    expect(listIdentities(db)).toHaveLength(1000);
  });
});

describe('listIdentities', () => {
  it('counts usable and problem rows per identity, in name order, including identities with none', () => {
    const db = seeded(200, 4);
    db.prepare("INSERT INTO identities (name, created_at) VALUES ('aaa empty', 'x')").run();
    const identities = listIdentities(db);
    expect(identities.map((i) => i.name)).toEqual(['aaa empty', 'person 00000', 'person 00001', 'person 00002', 'person 00003']);
    const counts = db
      .prepare("SELECT identity_id AS id, sum(status = 'ok') AS images, sum(status = 'error') AS problems FROM images GROUP BY identity_id")
      .all() as { id: number | null; images: number; problems: number }[];
    for (const identity of identities) {
      const want = counts.find((c) => c.id === identity.id) ?? { images: 0, problems: 0 };
      expect([identity.name, identity.images, identity.problems]).toEqual([identity.name, want.images, want.problems]);
    }
  });
});
