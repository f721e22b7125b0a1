import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { seedBrokenFaces } from '../../../test/fixtures/broken-faces.ts';
import { imageRows, importHarness, projectIn } from '../../../test/fixtures/import-harness.ts';
import { startProjectChild } from '../../../test/fixtures/project-child-process.ts';
import { sharedFacesDir, sharedFacesOrSkip } from '../../../test/fixtures/shared-faces.ts';
import type { ProjectDatabase } from '../project/project-database.ts';

const run = sharedFacesOrSkip();

/**
 * The real photos as identity folders (linked, never copied) beside the broken entries, so the
 * interrupted imports cross good rows, duplicates and every kind of error row.
 */
async function crashDataset(): Promise<string> {
  const { root } = await seedBrokenFaces(mkdtempSync(join(tmpdir(), 'likeness-crash-data-')));
  for (const set of ['johns', 'orl', 'yale']) {
    for (const entry of readdirSync(join(sharedFacesDir, set), { withFileTypes: true })) {
      if (entry.isDirectory()) symlinkSync(join(sharedFacesDir, set, entry.name), join(root, entry.name));
    }
  }
  return root;
}

function startImport(settings: string, project: string, root: string): { child: ChildProcess; exit: Promise<number | null> } {
  const run = startProjectChild(['import', settings, project, root]);
  return { child: run.child, exit: run.exit.then(({ code }) => code) };
}

/** Polls the project from outside, as a second reader would, until `ready` holds. */
async function waitFor(project: string, ready: (db: ProjectDatabase) => boolean, exit: Promise<unknown>): Promise<void> {
  let exited = false;
  void exit.then(() => (exited = true));
  for (;;) {
    if (exited) throw new Error('the import finished before the kill point was reached');
    try {
      const db = new Database(project, { readonly: true, fileMustExist: true });
      try {
        if (ready(db)) return;
      } finally {
        db.close();
      }
    } catch {
      // Not created or not migrated yet: keep polling.
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

function snapshot(db: ProjectDatabase) {
  return {
    images: imageRows(db),
    identities: db.prepare('SELECT id, name FROM identities ORDER BY id').all(),
    datasets: db.prepare('SELECT id, root, layout, mapping_csv FROM datasets ORDER BY id').all(),
  };
}

describe.runIf(run)('an import killed with SIGKILL', () => {
  it('resumes, after kills at several points, to exactly the rows of an uninterrupted import', { timeout: 300_000 }, async () => {
    const root = await crashDataset();
    const settings = mkdtempSync(join(tmpdir(), 'likeness-crash-settings-'));

    const reference = importHarness(settings);
    await reference.workspace.open(projectIn(mkdtempSync(join(tmpdir(), 'likeness-crash-ref-'))), 'create');
    expect(await reference.importAndWait({ layout: 'imagefolder', root })).toMatchObject({ state: 'done' });
    const expected = snapshot(reference.workspace.require().db);
    const expectedThumbs = readdirSync(join(reference.workspace.require().media.root, 'thumbs')).sort();
    await reference.workspace.close();
    expect(expected.images.length).toBeGreaterThan(975);

    const project = projectIn(mkdtempSync(join(tmpdir(), 'likeness-crash-')));
    const count = (db: ProjectDatabase) => db.prepare('SELECT count(*) FROM images').pluck().get() as number;
    const killPoints: [string, (db: ProjectDatabase) => boolean][] = [
      ['while scanning', (db) => db.prepare("SELECT 1 FROM jobs WHERE state = 'running'").get() !== undefined],
      ['after 150 rows', (db) => count(db) >= 150],
      ['after 600 rows', (db) => count(db) >= 600],
      ['right after resuming', (db) => count(db) >= 601],
    ];
    const killedAt: number[] = [];
    for (const [, ready] of killPoints) {
      const { child, exit } = startImport(settings, project, root);
      await waitFor(project, ready, exit);
      child.kill('SIGKILL');
      await exit;
      const db = new Database(project, { readonly: true });
      killedAt.push(count(db));
      db.close();
    }
    expect(killedAt[killedAt.length - 1]).toBeLessThan(expected.images.length);

    const last = startImport(settings, project, root);
    expect(await last.exit).toBe(0);
    const resumed = importHarness(settings);
    await resumed.workspace.open(project, 'open');
    const session = resumed.workspace.require();
    await session.jobs.idle();
    // A child killed right after resuming may not have queued its own job yet: count none, require all done.
    expect(new Set(session.jobs.list(50).map((job) => job.state))).toEqual(new Set(['done']));
    expect(snapshot(session.db)).toEqual(expected);
    const thumbs = readdirSync(join(session.media.root, 'thumbs')).filter((name) => !name.endsWith('.tmp'));
    expect(thumbs.sort()).toEqual(expectedThumbs);
    await resumed.workspace.close();
  });
});
