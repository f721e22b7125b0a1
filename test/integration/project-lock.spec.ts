import { spawn, type ChildProcess } from 'node:child_process';
import { linkSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ProjectSession } from '../../app/main/project/project-session.ts';
import { runCli, startAppServer } from '../e2e/support/app-server.ts';
import { seededUniform } from '../../app/main/core/seeded-random.ts';

const repoRoot = resolve(import.meta.dirname, '../..');
const RACES = 100;
const children = new Set<ChildProcess>();

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
});

interface Contender {
  readonly child: ChildProcess;
  next(type: string): Promise<{ type: string; held?: boolean; code?: string; message?: string }>;
}

async function contender(): Promise<Contender> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'test/integration/support/lock-contender.ts')], {
    cwd: repoRoot,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  const inbox: { type: string }[] = [];
  const waiting: ((message: { type: string }) => void)[] = [];
  child.on('message', (message: { type: string }) => {
    const taker = waiting.shift();
    if (taker) taker(message);
    else inbox.push(message);
  });
  const next = (type: string) =>
    new Promise<{ type: string }>((done) => {
      const queued = inbox.shift();
      if (queued) done(queued);
      else waiting.push(done);
    }).then((message) => {
      expect(message.type).toBe(type);
      return message;
    });
  await next('ready');
  return { child, next };
}

function exitOf(child: ChildProcess): Promise<void> {
  return new Promise((done) => (child.exitCode !== null || child.signalCode !== null ? done() : child.once('exit', () => done())));
}

describe('the project lock', () => {
  it(`${RACES} seeded races of two processes over a stale lock leave exactly one holder each time`, { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'likeness-lock-race-'));
    const project = join(dir, 'race.likeness');
    await ProjectSession.open(project, 'create', { jobHandlers: () => [], onJobUpdate: () => {} }).close();

    // A real crash first: a holder killed with SIGKILL leaves the lock file and its owner note behind.
    const crashed = await contender();
    crashed.child.send({ type: 'hold-and-die', path: project, at: Date.now() });
    expect(await crashed.next('result')).toMatchObject({ held: true });
    crashed.child.kill('SIGKILL');
    await exitOf(crashed.child);
    const deadPid = crashed.child.pid!;

    const [a, b] = [await contender(), await contender()];
    const random = seededUniform(0x10c4);
    const outcomes = { races: 0, oneHolder: 0, legacyStale: 0, inUseMessages: 0 };
    for (let race = 0; race < RACES; race += 1) {
      // Every other race starts from a stale lock in the JSON format of earlier builds, whose holder is dead.
      if (race % 2 === 1) {
        writeFileSync(`${project}.lock`, JSON.stringify({ pid: deadPid, host: hostname(), since: '2026-01-01T00:00:00.000Z' }));
        outcomes.legacyStale += 1;
      }
      const at = Date.now() + 20;
      const skew = random() * 2;
      a.child.send({ type: 'race', path: project, at: at + (random() < 0.5 ? skew : 0) });
      b.child.send({ type: 'race', path: project, at: at + (random() < 0.5 ? 0 : skew) });
      const results = [await a.next('result'), await b.next('result')];
      outcomes.races += 1;
      const holders = results.filter((r) => r.held).length;
      if (holders === 1) outcomes.oneHolder += 1;
      const loser = results.find((r) => !r.held);
      if (loser?.code === 'PROJECT_IN_USE' && /in use by/.test(loser.message ?? '')) outcomes.inUseMessages += 1;
      expect(results, `race ${race}`).toEqual(expect.arrayContaining([expect.objectContaining({ held: true })]));
      expect(holders, `race ${race}: ${JSON.stringify(results)}`).toBe(1);
      expect(loser).toMatchObject({ code: 'PROJECT_IN_USE' });
      a.child.send({ type: 'release' });
      b.child.send({ type: 'release' });
      await Promise.all([a.next('released'), b.next('released')]);
    }
    console.info(`lock races: ${JSON.stringify(outcomes)}`);
    expect(outcomes.oneHolder).toBe(RACES);
  });

  it('refuses a second `likeness` process opening the served project through a symlink or a hard link', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'likeness-lock-alias-'));
    const project = join(dir, 'real.likeness');
    const server = await startAppServer([project, '--create']);
    try {
      for (const [name, link, expected] of [
        ['alias.likeness', symlinkSync, /in use by process \d+/],
        ['hard.likeness', linkSync, /in use under 2 names \(hard links\)/],
      ] as const) {
        link(project, join(dir, name));
        const second = runCli(['info', join(dir, name)]);
        let output = '';
        second.stdout!.on('data', (c: Buffer) => (output += c.toString()));
        second.stderr!.on('data', (c: Buffer) => (output += c.toString()));
        const code = await new Promise<number | null>((done) => second.once('exit', done));
        expect(code, output).not.toBe(0);
        expect(output).toMatch(expected);
      }
    } finally {
      await server.stop();
    }
  });
});
