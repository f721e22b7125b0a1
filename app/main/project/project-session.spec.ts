import { existsSync, linkSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '#api/errors.ts';
import { ProjectSession } from './project-session.ts';
import { migrations } from './schema/index.ts';

const deps = { jobHandlers: () => [], onJobUpdate: () => {} };
const open: ProjectSession[] = [];

function tempPath(name = 'p.likeness'): string {
  return join(mkdtempSync(join(tmpdir(), 'likeness-session-')), name);
}

afterEach(async () => {
  for (const session of open.splice(0)) await session.close();
});

function expectApiError(fn: () => unknown, code: string, text: RegExp): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe(code);
    expect((error as ApiError).message).toMatch(text);
    return;
  }
  throw new Error(`expected ${code}`);
}

describe('ProjectSession', () => {
  it('creates a project at the latest schema and reopens it with the same summary', async () => {
    const path = tempPath();
    const created = ProjectSession.open(path, 'create', deps);
    const summary = created.summary();
    expect(summary.schemaVersion).toBe(migrations.at(-1)!.version);
    expect(summary.counts).toEqual({ identities: 0, images: 0, problems: 0, duplicates: 0 });
    await created.close();
    const reopened = ProjectSession.open(path, 'open', deps);
    open.push(reopened);
    expect(reopened.summary()).toEqual(summary);
    expect(reopened.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(reopened.db.pragma('foreign_keys', { simple: true })).toBe(1);
  });

  it('refuses a second opener of the same project with an in-use message', () => {
    const path = tempPath();
    open.push(ProjectSession.open(path, 'create', deps));
    expectApiError(() => ProjectSession.open(path, 'open', deps), 'PROJECT_IN_USE', /in use by process \d+/);
  });

  it('refuses the same file reached through a symlink, and names media from the real file', async () => {
    const path = tempPath();
    const first = ProjectSession.open(path, 'create', deps);
    const alias = join(dirname(path), 'alias.likeness');
    symlinkSync(path, alias);
    expectApiError(() => ProjectSession.open(alias, 'open', deps), 'PROJECT_IN_USE', /in use by process \d+/);
    await first.close();
    const throughLink = ProjectSession.open(alias, 'open', deps);
    open.push(throughLink);
    expect(throughLink.path).toBe(realpathSync(path));
    expect(throughLink.media.root).toBe(`${realpathSync(path)}.media`);
    expect(existsSync(`${alias}.media`)).toBe(false);
  });

  it('refuses a file with a second hard link, open or not, since each name would get its own journal', async () => {
    const path = tempPath();
    open.push(ProjectSession.open(path, 'create', deps));
    const second = join(dirname(path), 'second.likeness');
    linkSync(path, second);
    expectApiError(() => ProjectSession.open(second, 'open', deps), 'PROJECT_IN_USE', /in use under 2 names \(hard links\)/);
    await open.pop()!.close();
    expectApiError(() => ProjectSession.open(path, 'open', deps), 'PROJECT_IN_USE', /hard links/);
    rmSync(second);
    open.push(ProjectSession.open(path, 'open', deps));
  });

  it('takes over a lock file left by an earlier build whose process no longer exists, and respects a live one', async () => {
    const path = tempPath();
    await ProjectSession.open(path, 'create', deps).close();
    writeFileSync(`${path}.lock`, JSON.stringify({ pid: process.pid, host: hostname(), since: 'x' }));
    expectApiError(() => ProjectSession.open(path, 'open', deps), 'PROJECT_IN_USE', new RegExp(`in use by process ${process.pid}`));
    writeFileSync(`${path}.lock`, JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), since: 'x' }));
    const second = ProjectSession.open(path, 'open', deps);
    open.push(second);
    expect(second.summary().counts.images).toBe(0);
  });

  it('says which folder is missing when creating a project in one', () => {
    const path = join(tempPath('gone'), 'p.likeness');
    expectApiError(() => ProjectSession.open(path, 'create', deps), 'NOT_FOUND', /the folder .*gone does not exist/);
  });

  it('names the file when it is not a Likeness project', () => {
    const path = tempPath('other.db');
    const db = new Database(path);
    db.exec('CREATE TABLE t (x)');
    db.close();
    expectApiError(
      () => ProjectSession.open(path, 'open', deps),
      'PROJECT_INVALID',
      /other\.db: this SQLite file is not a Likeness project/,
    );
  });

  it('names the file when it is not SQLite at all', () => {
    const path = tempPath('text.likeness');
    writeFileSync(path, 'hello, this is not a database'.repeat(100));
    expectApiError(() => ProjectSession.open(path, 'open', deps), 'PROJECT_INVALID', /text\.likeness/);
  });

  it('refuses a project written by a newer schema instead of guessing', async () => {
    const path = tempPath();
    const session = ProjectSession.open(path, 'create', deps);
    session.db.pragma('user_version = 999');
    await session.close();
    expectApiError(() => ProjectSession.open(path, 'open', deps), 'PROJECT_INVALID', /newer Likeness \(schema 999/);
  });

  it('creates a project without the .likeness extension as a file with it', async () => {
    const bare = tempPath('bare');
    const session = ProjectSession.open(bare, 'create', deps);
    expect(session.summary().path).toBe(`${bare}.likeness`);
    await session.close();
    expect(existsSync(`${bare}.likeness`)).toBe(true);
    expect(existsSync(bare)).toBe(false);
  });

  it('refuses to create over an existing file and to open a missing one', () => {
    const path = tempPath();
    writeFileSync(path, '');
    expectApiError(() => ProjectSession.open(path, 'create', deps), 'INVALID_INPUT', /already exists/);
    expectApiError(() => ProjectSession.open(`${path}.nope`, 'open', deps), 'NOT_FOUND', /no such project/);
  });
});
