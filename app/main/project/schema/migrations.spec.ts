import Database from 'better-sqlite3';
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate, openProjectDatabase, schemaVersion } from '../project-database.ts';
import { migrations } from './index.ts';

const releases = resolve(import.meta.dirname, '../../../../test/fixtures/releases');
const dir = mkdtempSync(join(tmpdir(), 'likeness-migrations-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function rowCounts(db: Database.Database): Map<string, number> {
  const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all() as string[];
  return new Map(tables.map((t) => [t, db.prepare(`SELECT count(*) FROM "${t}"`).pluck().get() as number]));
}

function assertHealthy(db: Database.Database): void {
  expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  expect(db.pragma('foreign_key_check')).toEqual([]);
  expect(schemaVersion(db)).toBe(migrations.at(-1)!.version);
}

describe('schema migrations', () => {
  it('are numbered in strictly increasing order, so a new step can never be skipped or refused', () => {
    const versions = migrations.map((m) => m.version);
    for (const [i, v] of versions.entries()) {
      expect(Number.isInteger(v) && v > 0).toBe(true);
      if (i > 0) expect(v, `migration ${i} (${migrations[i].name})`).toBeGreaterThan(versions[i - 1]);
    }
  });

  it('upgrade a database left at every earlier version to the latest one', () => {
    for (let k = 1; k < migrations.length; k++) {
      const db = new Database(join(dir, `prefix-${k}.likeness`));
      migrate(db, migrations.slice(0, k));
      db.pragma('foreign_keys = ON');
      migrate(db, migrations);
      assertHealthy(db);
      db.close();
    }
  });

  const snapshots = readdirSync(releases).filter((f) => /^schema-\d+\.likeness$/.test(f));
  it('keep a snapshot of the last released schema in test/fixtures/releases', () => {
    expect(snapshots.length).toBeGreaterThan(0);
  });

  for (const snapshot of snapshots) {
    it(`upgrade ${snapshot}, a real project of that release, without losing a row or a decision`, () => {
      const copy = join(dir, snapshot);
      copyFileSync(join(releases, snapshot), copy);
      const before = new Database(copy, { readonly: true });
      const counts = rowCounts(before);
      const decided = (db: Database.Database) => ({
        current: db.prepare('SELECT variant_id, status, decided_by, decided_at FROM decisions ORDER BY variant_id').all(),
        history: db.prepare('SELECT action_id, variant_id, before, after FROM decision_changes ORDER BY action_id, variant_id').all(),
      });
      const decisions = decided(before);
      before.close();

      const db = openProjectDatabase(copy, { create: false });
      assertHealthy(db);
      const after = rowCounts(db);
      for (const [table, n] of counts) expect(after.get(table), table).toBeGreaterThanOrEqual(n);
      expect(decisions.current.length).toBeGreaterThan(0);
      expect(decided(db)).toEqual(decisions);
      db.close();
    });
  }
});
