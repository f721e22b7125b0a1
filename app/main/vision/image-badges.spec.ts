import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openProjectDatabase } from '../project/project-database.ts';
import { badgeOf, IMAGE_BADGES_SQL, imageBadges, type BadgeRow } from './vision-queries.ts';

const dir = mkdtempSync(join(tmpdir(), 'likeness-badges-'));

describe('imageBadges', () => {
  const db = openProjectDatabase(join(dir, 'p.likeness'), { create: true });
  afterAll(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  db.transaction(() => {
    db.prepare("INSERT INTO datasets (root, layout, created_at) VALUES ('/data', 'imagefolder', 'x')").run();
    const image = db.prepare("INSERT INTO images (dataset_id, rel_path, path_key, status, imported_at) VALUES (1, ?, ?, 'ok', 'x')");
    const analysis = db.prepare("INSERT INTO analyses (image_id, status, face_count, models, analyzed_at) VALUES (?, ?, ?, '[]', 'x')");
    const face = db.prepare(
      `INSERT INTO faces (image_id, face_index, box, score, landmarks, quality, is_primary, outlier)
       VALUES (?, ?, '{}', 0.9, zeroblob(2700), ?, ?, ?)`,
    );
    for (let k = 1; k <= 60; k += 1) {
      image.run(`${k}.jpg`, `${k}.jpg`);
      // Every 7th image unanalysed, every 5th without a face, every 4th with two (the second primary), the rest one.
      if (k % 7 === 0) continue;
      const faces = k % 5 === 0 ? 0 : k % 4 === 0 ? 2 : 1;
      analysis.run(k, faces === 0 ? 'no_face' : faces === 2 ? 'multiple_faces' : 'ok', faces);
      for (let f = 0; f < faces; f += 1) face.run(k, f, k % 9 === 0 ? null : k / 100 + f, f === faces - 1 ? 1 : 0, k % 6 === 0 ? 1 : 0);
    }
  })();

  it('answers every tile as the per-image lookup did, in the order asked, repeats and unknown ids included', () => {
    const old = db.prepare(
      `SELECT a.status, a.face_count, f.quality, f.outlier
       FROM analyses a LEFT JOIN faces f ON f.image_id = a.image_id AND f.is_primary = 1 WHERE a.image_id = ?`,
    );
    const ids = [42, ...Array.from({ length: 60 }, (_, k) => 60 - k), 999, 3, 3];
    const expected = ids.map((imageId) => badgeOf(imageId, old.get(imageId) as BadgeRow | undefined));
    expect(imageBadges(db, ids)).toEqual(expected);
    expect(expected.filter((b) => b.outlier).length).toBeGreaterThan(0);
    expect(expected.filter((b) => b.status === null).length).toBeGreaterThan(0);
    expect(imageBadges(db, [])).toEqual([]);
  });

  it('reads the primary face from its index alone, never the face row with its mesh', () => {
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${IMAGE_BADGES_SQL}`).all('[1]') as { detail: string }[]).map((r) => r.detail);
    expect(plan.join('; ')).toMatch(/COVERING INDEX faces_primary_badges/);
  });
});
