import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ListPositions, walkRuns, type WalkRun } from './list-positions.ts';

const dir = mkdtempSync(join(tmpdir(), 'likeness-positions-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A table of `rows` numbers 1..rows; the list is them in order, a row's key its value. */
function numbers(name: string, rows: number): Database.Database {
  const db = new Database(join(dir, `${name}.db`));
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE n (v INTEGER PRIMARY KEY)');
  const insert = db.prepare('INSERT INTO n (v) VALUES (?)');
  db.transaction(() => {
    for (let v = 1; v <= rows; v += 1) insert.run(v);
  })();
  return db;
}

/** The list's walk: from just after key `from` (0: the start), past `skip` rows, the next row's key. */
function stepper(db: Database.Database) {
  const calls: [number | null, number][] = [];
  const step = (from: number | null, skip: number) => {
    calls.push([from, skip]);
    return (
      (db
        .prepare('SELECT v FROM n WHERE v > ? ORDER BY v LIMIT 1 OFFSET ?')
        .pluck()
        .get(from ?? 0, skip) as number | undefined) ?? null
    );
  };
  return { calls, step };
}

describe('ListPositions', () => {
  it('marks every spacing-th row as far as a jump needs, once, and serves later jumps from them', () => {
    const db = numbers('marks', 100);
    const positions = new ListPositions(db, { spacing: 8 });
    const { calls, step } = stepper(db);
    expect(positions.markAbove('n', 5, step)).toBeNull();
    expect(calls).toEqual([]);
    // Offset 43 lies after the 5th mark: row 39 (value 40), found by 5 walks of 7 rows past the one before.
    expect(positions.markAbove('n', 43, step)).toEqual({ offset: 39, key: 40 });
    expect(calls).toEqual([
      [null, 7],
      [8, 7],
      [16, 7],
      [24, 7],
      [32, 7],
    ]);
    expect(positions.markAbove('n', 17, step)).toEqual({ offset: 15, key: 16 });
    expect(positions.markAbove('n', 40, step)).toEqual({ offset: 39, key: 40 });
    expect(calls).toHaveLength(5);
    // Past the end: the walk stops at the list's last mark (row 95) and never walks again.
    expect(positions.markAbove('n', 1000, step)).toEqual({ offset: 95, key: 96 });
    const walked = calls.length;
    expect(positions.markAbove('n', 2000, step)).toEqual({ offset: 95, key: 96 });
    expect(calls).toHaveLength(walked);
    db.close();
  });

  it('forgets marks and counts when this connection or another writes, and keeps none inside a transaction', () => {
    const db = numbers('writes', 40);
    const other = new Database(db.name);
    const positions = new ListPositions(db, { spacing: 4 });
    let counted = 0;
    const count = () => {
      counted += 1;
      return db.prepare('SELECT count(*) FROM n').pluck().get() as number;
    };
    expect([positions.count('n', count), positions.count('n', count)]).toEqual([40, 40]);
    expect(counted).toBe(1);
    db.prepare('DELETE FROM n WHERE v = 3').run();
    expect(positions.count('n', count)).toBe(39);
    const { step } = stepper(db);
    expect(positions.markAbove('n', 9, step)).toEqual({ offset: 7, key: 9 });
    other.prepare('DELETE FROM n WHERE v = 1').run();
    expect(positions.count('n', count)).toBe(38);
    expect(positions.markAbove('n', 9, step)).toEqual({ offset: 7, key: 10 });
    expect(counted).toBe(3);
    db.transaction(() => {
      expect(positions.count('n', count)).toBe(38);
      expect(positions.count('n', count)).toBe(38);
      expect(positions.markAbove('n', 9, step)).toBeNull();
    })();
    expect(counted).toBe(5);
    other.close();
    db.close();
  });
});

describe('walkRuns', () => {
  it('skips across runs by what each held, counting a run only when the skip passes it', () => {
    const db = numbers('runs', 30);
    const run = (from: number, to: number): WalkRun => ({
      select: 'SELECT v FROM n WHERE v >= ? AND v <= ? ORDER BY v DESC',
      count: 'SELECT count(*) FROM n WHERE v >= ? AND v <= ?',
      params: [from, to],
    });
    const prepared: string[] = [];
    const statement = (sql: string) => {
      prepared.push(sql.split(' ')[1]);
      return db.prepare(sql);
    };
    const runs = [run(21, 25), run(1, 3), run(11, 14)];
    expect(walkRuns(statement, runs, 0, 4).flat()).toEqual([25, 24, 23, 22]);
    expect(walkRuns(statement, runs, 3, 4).flat()).toEqual([22, 21, 3, 2]);
    prepared.length = 0;
    expect(walkRuns(statement, runs, 9, 3).flat()).toEqual([13, 12, 11]);
    expect(prepared).toEqual(['v', 'count(*)', 'v', 'count(*)', 'v']);
    expect(walkRuns(statement, runs, 12, 3)).toEqual([]);
    db.close();
  });
});
