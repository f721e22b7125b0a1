import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageBadge } from '#api/vision.ts';
import { createAppServices, type AppServices } from '../../app/main/host/app-services.ts';
import { longName, seedHostileInputs, type HostileCorpus, type HostileExpectation } from '../fixtures/hostile-inputs.ts';
import { projectChildScript, repoRoot } from '../fixtures/project-child-process.ts';
import { sharedFacesOrSkip } from '../fixtures/shared-faces.ts';

/**
 * Peak RSS an import of the hostile corpus may add over the idle process. The 20,000 × 20,000
 * header alone would need 1.2 GB if decoded; one full decode of any file here needs under 1 MB,
 * so anything near the bound means a bomb was allocated.
 */
const MAX_RSS_GROWTH = 96 * 2 ** 20;

interface Row {
  rel_path: string;
  status: string;
  error_code: string | null;
  error_message: string | null;
  width: number | null;
  height: number | null;
}

interface ChildReport {
  state: string;
  error: string | null;
  baselineRss: number;
  peakRss: number;
  seconds: number;
}

function importInChild(corpus: HostileCorpus, mappingCsv?: string): { rows: Map<string, Row>; report: ChildReport } {
  const project = join(mkdtempSync(join(tmpdir(), 'likeness-hostile-p-')), 'hostile.likeness');
  const settings = join(corpus.root, '..', 'settings');
  const args = [
    '--import',
    'tsx',
    projectChildScript,
    'import-measured',
    settings,
    project,
    corpus.root,
    ...(mappingCsv ? [mappingCsv] : []),
  ];
  const report = JSON.parse(execFileSync(process.execPath, args, { cwd: repoRoot, encoding: 'utf8' })) as ChildReport;
  const db = new Database(project, { readonly: true });
  try {
    const check = db.pragma('integrity_check', { simple: true });
    expect(check).toBe('ok');
    const rows = db.prepare('SELECT rel_path, status, error_code, error_message, width, height FROM images').all() as Row[];
    return { rows: new Map(rows.map((row) => [row.rel_path, row])), report };
  } finally {
    db.close();
  }
}

function expectOutcome(rows: Map<string, Row>, rel: string, want: HostileExpectation): void {
  const row = rows.get(rel);
  expect(row, `${rel} has no images row`).toBeDefined();
  expect({ rel, status: row!.status, code: row!.error_code }).toEqual({ rel, status: want.status, code: want.code ?? null });
  if (want.status === 'error') {
    // CSV rows are named by their line; files by their path. Either way the user can find the culprit.
    const named = rel.includes('.csv:') ? `line ${rel.split(':').pop()}` : rel;
    expect(row!.error_message).toContain(named);
  }
  if (want.size) expect([row!.width, row!.height], `${rel} size after EXIF orientation`).toEqual(want.size);
}

describe.runIf(sharedFacesOrSkip())('the hostile inputs corpus', () => {
  let corpus: HostileCorpus;
  let folder: { rows: Map<string, Row>; report: ChildReport };

  beforeAll(async () => {
    corpus = await seedHostileInputs(mkdtempSync(join(tmpdir(), 'likeness-hostile-')));
    folder = importInChild(corpus);
  });

  it('imports to done, giving every hostile file its own status and error code, named in its message', () => {
    expect(folder.report).toMatchObject({ state: 'done', error: null });
    for (const [rel, want] of corpus.expected) expectOutcome(folder.rows, rel, want);
    expect(folder.rows.size).toBe(corpus.expected.size);
    if (!corpus.permissionsEnforced) console.warn('running as root: the chmod 000 file is readable, so it is checked as an ok import');
  });

  it('keeps a 200+ byte unicode name intact, and records sizes after EXIF orientation 1–8', () => {
    expect(Buffer.byteLength(longName)).toBeGreaterThan(200);
    expect(folder.rows.get(`names/${longName}`)).toMatchObject({ status: 'ok', width: 92, height: 112 });
    const sizes = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => {
      const row = folder.rows.get(`oriented/exif-${n}.jpg`)!;
      return `${row.width}x${row.height}`;
    });
    expect(sizes).toEqual(['92x112', '92x112', '92x112', '92x112', '112x92', '112x92', '112x92', '112x92']);
  });

  it('refuses the 20,000 × 20,000 header from the header, with peak RSS growth under the documented bound', () => {
    expect(folder.rows.get('broken/bomb.png')!.error_message).toMatch(/20000×20000 pixels, over the 100-megapixel limit/);
    const growth = folder.report.peakRss - folder.report.baselineRss;
    console.info(
      `hostile import: ${folder.rows.size} rows in ${folder.report.seconds.toFixed(2)} s, peak RSS growth ${(growth / 2 ** 20).toFixed(1)} MiB`,
    );
    expect(growth).toBeLessThan(MAX_RSS_GROWTH);
    expect(folder.report.seconds).toBeLessThan(30);
  });

  it('takes a mapping CSV with a BOM, quoted fields and bad rows, listing each bad row by line', () => {
    const csv = importInChild(corpus, corpus.mappingCsv);
    expect(csv.report).toMatchObject({ state: 'done', error: null });
    for (const [rel, want] of corpus.csvExpected) expectOutcome(csv.rows, rel, want);
    expect(csv.rows.size).toBe(corpus.csvExpected.size);
  });

  describe('analysis over the corpus', () => {
    let services: AppServices;
    let badges: Map<string, ImageBadge>;

    beforeAll(async () => {
      const dir = mkdtempSync(join(tmpdir(), 'likeness-hostile-vision-'));
      services = createAppServices({ host: 'cli', settingsDir: join(dir, 'settings'), log: () => {} });
      await services.workspace.open(join(dir, 'hostile.likeness'), 'create');
      const call = async <T>(command: string, input: unknown): Promise<T> => {
        const reply = await services.router(command, input);
        if (!reply.ok) throw new Error(`${command}: ${reply.error.code} ${reply.error.message}`);
        return reply.output as T;
      };
      await call('dataset.import', { layout: 'imagefolder', root: corpus.root });
      await services.workspace.require().jobs.idle();
      const { jobId } = await call<{ jobId: number }>('vision.analyze', {});
      await services.workspace.require().jobs.idle();
      expect(services.workspace.require().jobs.get(jobId)).toMatchObject({ state: 'done' });
      const page = await call<{ items: { id: number; path: string }[] }>('dataset.images', { status: ['ok'], limit: 2000 });
      const list = await call<ImageBadge[]>('vision.imageBadges', { imageIds: page.items.map((item) => item.id) });
      const pathOf = new Map(page.items.map((item) => [item.id, relative(corpus.root, item.path)]));
      badges = new Map(list.map((badge) => [pathOf.get(badge.imageId)!, badge]));
    }, 240_000);

    afterAll(async () => {
      await services?.shutdown();
    });

    it('analyses every imported file without a crash, flagging the gradient no_face and the crowd multiple_faces', () => {
      const imported = [...corpus.expected].filter(([, want]) => want.status === 'ok');
      for (const [rel, want] of imported) {
        const badge = badges.get(rel);
        expect(badge?.status, `${rel} analysis`).toBeDefined();
        expect(badge!.status, `${rel} analysis`).not.toBe('error');
        if (want.flag) expect({ rel, status: badge!.status }).toEqual({ rel, status: want.flag });
      }
      expect(badges.get('formats/crowd.jpg')!.faceCount).toBeGreaterThanOrEqual(2);
    });
  });
});
