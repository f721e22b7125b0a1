import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ImageStatus } from '#api/dataset.ts';
import { ListPositions } from '../project/list-positions.ts';
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

describe('listImages pages seek from a key', () => {
  /** The whole filtered list sorted in one statement, as the grid's pages were read before they seeked. */
  function sorted(db: ProjectDatabase, filter: Omit<ImageFilter, 'offset' | 'limit'>): number[] {
    const where = [
      ...(filter.identityId === undefined ? [] : ['m.identity_id = ?']),
      ...(filter.status ? [`m.status IN (${filter.status.map(() => '?').join(', ')})`] : []),
    ];
    return db
      .prepare(
        `SELECT m.id FROM images m LEFT JOIN identities i ON i.id = m.identity_id ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY m.identity_id IS NULL, i.name_key, i.id, m.dataset_id, m.path_key`,
      )
      .pluck()
      .all(...(filter.identityId === undefined ? [] : [filter.identityId]), ...(filter.status ?? [])) as number[];
  }

  const filters: Omit<ImageFilter, 'offset' | 'limit'>[] = [
    {},
    { status: ['ok'] },
    { status: ['error', 'duplicate'] },
    { status: ['ok', 'duplicate', 'error'] },
    { identityId: 3 },
    { identityId: 3, status: ['ok'] },
    { identityId: 9, status: ['error'] },
  ];

  it('serves every slice of every filter, with the image above or below as anchor or none (a jump), as the sorted list would', () => {
    // Identities of 0 to 11 images (one empty), rows outside any identity, errors and duplicates.
    const db = seeded(160, 14);
    db.prepare('UPDATE images SET identity_id = NULL WHERE id % 23 = 0').run();
    db.prepare('UPDATE images SET identity_id = 1 WHERE identity_id = 2').run();
    // Marks every 3rd row, so jumps seek from marks in every part of the order.
    const positions = new ListPositions(db, { spacing: 3 });
    for (const filter of filters) {
      const expected = sorted(db, filter);
      expect(expected.length).toBeGreaterThan(0);
      const offsets = [Math.max(0, expected.length - 2), ...Array.from({ length: expected.length + 1 }, (_, k) => expected.length - k)];
      for (const offset of offsets) {
        for (const limit of [1, 4]) {
          const want = { total: expected.length, ids: expected.slice(offset, offset + limit) };
          const queries: ImageFilter[] = [
            { ...filter, offset, limit },
            ...(offset > 0 && offset <= expected.length
              ? [{ ...filter, offset, limit, after: { imageId: expected[offset - 1], offset: offset - 1 } }]
              : []),
            ...(offset + limit + 2 < expected.length
              ? [{ ...filter, offset, limit, before: { imageId: expected[offset + limit + 2], offset: offset + limit + 2 } }]
              : []),
          ];
          for (const query of queries) {
            const page = listImages(db, query, positions);
            expect({ query, total: page.total, ids: page.items.map((i) => i.id) }).toEqual({ query, ...want });
          }
        }
      }
    }
  });

  it('falls back to marks when the anchor is not in the list, and forgets marks and totals when a row changes', () => {
    const db = seeded(120, 6);
    const positions = new ListPositions(db, { spacing: 4 });
    const errors = sorted(db, { status: ['error'] });
    const ok = sorted(db, { status: ['ok'] });
    const anchored = listImages(db, { status: ['ok'], offset: 9, limit: 5, after: { imageId: errors[0], offset: 8 } }, positions);
    expect(anchored.items.map((i) => i.id)).toEqual(ok.slice(9, 14));
    listImages(db, { offset: 100, limit: 5 }, positions);
    // Renaming an identity moves its images; a new image lengthens the list.
    db.prepare("UPDATE identities SET name = 'aaa', name_key = ? WHERE id = 4").run(naturalKey('aaa'));
    db.prepare(
      "INSERT INTO images (dataset_id, identity_id, rel_path, path_key, status, imported_at) VALUES (1, 4, 'p/0a.jpg', ?, 'ok', 'x')",
    ).run(naturalKey('p/0a.jpg'));
    const all = sorted(db, {});
    for (let offset = 0; offset < all.length; offset += 7) {
      const page = listImages(db, { offset, limit: 7 }, positions);
      expect([page.total, page.items.map((i) => i.id)]).toEqual([all.length, all.slice(offset, offset + 7)]);
    }
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
