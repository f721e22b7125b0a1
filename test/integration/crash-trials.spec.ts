import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, type Dirent } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createHarness } from '../../app/main/curation/testing/curation-harness.ts';
import { exportProject } from '../../app/main/export/export-service.ts';
import { ExportSettings } from '../../app/api/export.ts';
import { EventBus } from '../../app/main/host/event-bus.ts';
import { Workspace } from '../../app/main/project/workspace.ts';
import { analyzeJobHandler } from '../../app/main/vision/analyze-job.ts';
import { checkExport } from '../formats/check-export.ts';
import { seedHostileInputs } from '../fixtures/hostile-inputs.ts';
import { imageRows, importHarness } from '../fixtures/import-harness.ts';
import { sharedFacesDir, sharedFacesOrSkip } from '../fixtures/shared-faces.ts';

const repoRoot = resolve(import.meta.dirname, '../..');
const childScript = join(repoRoot, 'test/fixtures/hostile-crash-child.ts');
const TRIALS = 20;
const children = new Set<ChildProcess>();

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
});

/** Seeded so a failing trial is reproduced by its number. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

interface Run {
  readonly child: ChildProcess;
  readonly lines: string[];
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startChild(args: readonly string[]): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', childScript, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const lines: string[] = [];
  let partial = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    const text = partial + chunk.toString();
    const parts = text.split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => {
      children.delete(child);
      if (code !== 0 && signal === null) console.error(stderr);
      done({ code, signal });
    }),
  );
  return { child, lines, exit };
}

/** Kills when `ready` holds, polling the way a second reader would; resolves whether the kill landed mid-run. */
async function killWhen(run: Run, ready: () => boolean): Promise<boolean> {
  let exited = false;
  void run.exit.then(() => (exited = true));
  while (!exited && !ready()) await new Promise((r) => setTimeout(r, 3));
  if (exited) return false;
  run.child.kill('SIGKILL');
  const { signal } = await run.exit;
  return signal === 'SIGKILL';
}

function countIn(project: string, sql: string): number {
  try {
    const db = new Database(project, { readonly: true, fileMustExist: true });
    try {
      return db.prepare(sql).pluck().get() as number;
    } catch {
      return -1;
    } finally {
      db.close();
    }
  } catch {
    return -1;
  }
}

function integrity(project: string): string {
  const db = new Database(project, { readonly: true, fileMustExist: true });
  try {
    return db.pragma('integrity_check', { simple: true }) as string;
  } finally {
    db.close();
  }
}

/** Files under `<media>/<folder>`, split into stray write-then-rename temporaries and real media. */
function mediaFiles(mediaRoot: string, folder: string): { files: string[]; temps: string[] } {
  const dir = join(mediaRoot, folder);
  const names = existsSync(dir) ? readdirSync(dir) : [];
  return { files: names.filter((n) => !n.endsWith('.tmp')).map((n) => `${folder}/${n}`), temps: names.filter((n) => n.endsWith('.tmp')) };
}

const tally: Record<string, { trials: number; killedMidRun: number; failures: number; decisionsLost: number; strayTemps: number }> = {};

describe.runIf(sharedFacesOrSkip())('crash trials: SIGKILL at seeded random points', () => {
  it(`import: ${TRIALS} kills, each resumed to exactly the uninterrupted rows with no orphan thumbnails`, { timeout: 240_000 }, async () => {
    const corpus = await seedHostileInputs(mkdtempSync(join(tmpdir(), 'likeness-crash-import-')));
    for (const person of ['s20', 's21', 's22', 's23']) symlinkSync(join(sharedFacesDir, 'orl', person), join(corpus.root, person));
    const settings = mkdtempSync(join(tmpdir(), 'likeness-crash-settings-'));
    const reference = importHarness(settings);
    await reference.workspace.open(join(mkdtempSync(join(tmpdir(), 'likeness-crash-ref-')), 'ref.likeness'), 'create');
    await reference.importAndWait({ layout: 'imagefolder', root: corpus.root });
    const expected = imageRows(reference.workspace.require().db);
    await reference.workspace.close();
    expect(expected.length).toBeGreaterThan(60);

    const random = lcg(0x1001);
    const stage = (tally.import = { trials: 0, killedMidRun: 0, failures: 0, decisionsLost: 0, strayTemps: 0 });
    for (let trial = 0; trial < TRIALS; trial += 1) {
      const project = join(mkdtempSync(join(tmpdir(), `likeness-crash-import-${trial}-`)), 'p.likeness');
      const target = Math.floor(random() * expected.length);
      const run = startChild(['import', settings, project, corpus.root]);
      if (await killWhen(run, () => countIn(project, 'SELECT count(*) FROM images') >= target)) stage.killedMidRun += 1;
      stage.trials += 1;
      const failures: string[] = [];
      if (existsSync(project) && integrity(project) !== 'ok') failures.push('integrity_check failed');

      const resumed = importHarness(settings);
      await resumed.workspace.open(project, existsSync(project) ? 'open' : 'create');
      const session = resumed.workspace.require();
      await session.jobs.idle();
      const jobs = session.jobs.list(50);
      if (jobs.some((job) => job.state !== 'done')) failures.push(`jobs not done: ${JSON.stringify(jobs.map((j) => j.state))}`);
      const rows = imageRows(session.db);
      // Killed before its job row committed: nothing was imported, nothing may be half there.
      const want = jobs.length === 0 ? [] : expected;
      if (JSON.stringify(rows) !== JSON.stringify(want)) failures.push(`rows differ after resume (${rows.length} vs ${want.length})`);
      const thumbs = mediaFiles(session.media.root, 'thumbs');
      stage.strayTemps += thumbs.temps.length;
      const referenced = new Set(session.db.prepare('SELECT thumb_key FROM images WHERE thumb_key IS NOT NULL').pluck().all() as string[]);
      const orphans = thumbs.files.filter((key) => !referenced.has(key));
      if (orphans.length > 0) failures.push(`orphan thumbnails ${orphans.join(', ')}`);
      await resumed.workspace.close();
      if (failures.length > 0) stage.failures += 1;
      expect(failures, `import trial ${trial} (kill at ${target} rows)`).toEqual([]);
    }
    expect(stage.killedMidRun).toBeGreaterThanOrEqual(TRIALS / 2);
  });

  it(`analysis: ${TRIALS} kills, each resumed to every image analysed with no unreferenced aligned crops`, { timeout: 300_000 }, async () => {
    const settings = mkdtempSync(join(tmpdir(), 'likeness-crash-analyze-settings-'));
    const base = importHarness(settings);
    const baseDir = mkdtempSync(join(tmpdir(), 'likeness-crash-analyze-base-'));
    await base.workspace.open(join(baseDir, 'base.likeness'), 'create');
    // Two people (22 photos): the trial cost is mostly model loading, so more photos add little coverage.
    const root = mkdtempSync(join(tmpdir(), 'likeness-crash-analyze-data-'));
    for (const person of ['John_Salley', 'John_Simm']) symlinkSync(join(sharedFacesDir, 'johns', person), join(root, person));
    await base.importAndWait({ layout: 'imagefolder', root });
    const images = base.workspace.require().db.prepare("SELECT count(*) FROM images WHERE status = 'ok'").pluck().get() as number;
    await base.workspace.close();

    const random = lcg(0xa1a1);
    const stage = (tally.analysis = { trials: 0, killedMidRun: 0, failures: 0, decisionsLost: 0, strayTemps: 0 });
    for (let trial = 0; trial < TRIALS; trial += 1) {
      const dir = mkdtempSync(join(tmpdir(), `likeness-crash-analyze-${trial}-`));
      cpSync(baseDir, dir, { recursive: true });
      const project = join(dir, 'base.likeness');
      const target = Math.floor(random() * images);
      const run = startChild(['analyze', settings, project]);
      if (await killWhen(run, () => countIn(project, 'SELECT count(*) FROM analyses') >= target && countIn(project, "SELECT count(*) FROM jobs WHERE kind = 'analyze'") > 0)) stage.killedMidRun += 1;
      stage.trials += 1;
      const failures: string[] = [];
      if (integrity(project) !== 'ok') failures.push('integrity_check failed');

      const events = new EventBus();
      const workspace = new Workspace({ settingsDir: settings, events, jobHandlers: (session) => [analyzeJobHandler(session, events)] });
      await workspace.open(project, 'open');
      const session = workspace.require();
      await session.jobs.idle();
      const jobs = session.jobs.list(50).filter((job) => job.kind === 'analyze');
      if (jobs.length === 0 || jobs.some((job) => job.state !== 'done')) failures.push(`analyze jobs: ${JSON.stringify(jobs.map((j) => j.state))}`);
      const analysed = session.db.prepare('SELECT count(*) FROM analyses').pluck().get() as number;
      if (analysed !== images) failures.push(`${analysed} of ${images} analysed`);
      const aligned = mediaFiles(session.media.root, 'aligned');
      stage.strayTemps += aligned.temps.length;
      const faces = new Set(
        (session.db.prepare('SELECT image_id, face_index FROM faces').all() as { image_id: number; face_index: number }[]).map(
          (f) => `aligned/${f.image_id}_${f.face_index}.png`,
        ),
      );
      const orphans = aligned.files.filter((key) => !faces.has(key));
      if (orphans.length > 0) failures.push(`unreferenced aligned crops ${orphans.join(', ')}`);
      await workspace.close();
      if (failures.length > 0) stage.failures += 1;
      expect(failures, `analysis trial ${trial} (kill at ${target} analyses)`).toEqual([]);
    }
    expect(stage.killedMidRun).toBeGreaterThanOrEqual(TRIALS / 2);
  });

  it(`curation decisions: ${TRIALS} kills, no decision whose call returned is lost`, { timeout: 240_000 }, async () => {
    const harness = await createHarness({ identities: 2, imagesPerIdentity: 3, variantsPerImage: 4 });
    const total = harness.variants.length;
    await harness.close();
    const settings = join(harness.dir, 'settings');
    const random = lcg(0xdec1de);
    const stage = (tally.decisions = { trials: 0, killedMidRun: 0, failures: 0, decisionsLost: 0, strayTemps: 0 });
    for (let trial = 0; trial < TRIALS; trial += 1) {
      // Alternating the status means every decision of this trial changes its row, so a lost one shows.
      const status = trial % 2 === 0 ? 'accepted' : 'rejected';
      const after = 1 + Math.floor(random() * (total - 1));
      const run = startChild(['decide', settings, harness.projectPath, status, String(trial + 1)]);
      if (await killWhen(run, () => run.lines.filter((l) => l.startsWith('decided ')).length >= after)) stage.killedMidRun += 1;
      stage.trials += 1;
      const printed = run.lines.filter((l) => l.startsWith('decided ')).map((l) => Number(l.slice('decided '.length)));
      expect(integrity(harness.projectPath)).toBe('ok');
      const db = new Database(harness.projectPath, { readonly: true });
      const statusOf = db.prepare('SELECT status FROM decisions WHERE variant_id = ?').pluck();
      const lost = printed.filter((id) => statusOf.get(id) !== status);
      db.close();
      stage.decisionsLost += lost.length;
      if (lost.length > 0) stage.failures += 1;
      expect(lost, `decide trial ${trial}: printed ${printed.length}, lost`).toEqual([]);
      expect(printed.length).toBeGreaterThanOrEqual(after);
    }
    await harness.workspace.open(harness.projectPath, 'open');
    expect((await harness.call('curation.history', {})).undoLabel).toMatch(/variant/);
    await harness.cleanup();
  });

  it(`export: ${TRIALS} kills, the destination is each time either a complete export or absent`, { timeout: 240_000 }, async () => {
    const harness = await createHarness({ identities: 4, imagesPerIdentity: 5, variantsPerImage: 5 });
    await harness.call('curation.decide', { variantIds: harness.variants.map((v) => v.id), status: 'accepted' });
    const settings = join(harness.dir, 'settings');
    const base = (destination: string) => ExportSettings.parse({ destination, originals: 'file' });
    const referenceDir = join(harness.dir, 'reference-export');
    await exportProject(harness.session(), base(referenceDir));
    const tree = (root: string): string[] => (readdirSync(root, { recursive: true, withFileTypes: true }) as Dirent[])
      .filter((e) => e.isFile() && e.name !== 'export-report.json')
      .map((e) => relative(root, join(e.parentPath, e.name)))
      .sort();
    const expectedTree = tree(referenceDir);
    await harness.close();

    const random = lcg(0xe4b0);
    const stage = (tally.export = { trials: 0, killedMidRun: 0, failures: 0, decisionsLost: 0, strayTemps: 0 });
    let complete = 0;
    for (let trial = 0; trial < TRIALS; trial += 1) {
      const destination = join(harness.dir, `export-${trial}`);
      // The kill lands a seeded 0–40 ms after the staging folder appears: while files are written,
      // while the report is written, or around the rename into place.
      const delay = random() * 40;
      const staging = `.export-${trial}.likeness-tmp-`;
      let stagedAt = 0;
      const run = startChild(['export', settings, harness.projectPath, JSON.stringify(base(destination))]);
      const ready = () => {
        if (stagedAt === 0 && readdirSync(harness.dir).some((n) => n.startsWith(staging))) stagedAt = Date.now();
        return stagedAt > 0 && Date.now() - stagedAt >= delay;
      };
      if (await killWhen(run, ready)) stage.killedMidRun += 1;
      stage.trials += 1;
      expect(integrity(harness.projectPath)).toBe('ok');
      if (existsSync(destination)) {
        complete += 1;
        expect(checkExport(destination), `export trial ${trial}`).toEqual([]);
        expect(tree(destination)).toEqual(expectedTree);
        expect(JSON.parse(readFileSync(join(destination, 'export-report.json'), 'utf8'))).toBeTypeOf('object');
      }
    }
    // A later export to a crashed trial's destination clears the killed writer's staging folder.
    const retried = join(harness.dir, 'export-0');
    await harness.workspace.open(harness.projectPath, 'open');
    await exportProject(harness.session(), { ...base(retried), overwrite: true });
    expect(tree(retried)).toEqual(expectedTree);
    const leftovers = readdirSync(harness.dir).filter((n) => n.startsWith('.export-0.likeness-'));
    expect(leftovers).toEqual([]);
    console.info(`export trials: ${complete} complete, ${TRIALS - complete} absent`);
    expect(stage.killedMidRun).toBeGreaterThanOrEqual(TRIALS / 2);
    await harness.cleanup();
  });

  afterAll(() => {
    console.info(`crash trials: ${JSON.stringify(tally)}`);
  });
});

