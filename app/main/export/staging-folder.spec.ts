import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recoverStale, StagingFolder } from './staging-folder.ts';

/** The pid of a process that has already exited, as a crashed writer's would be. */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
}

describe('staging folder', () => {
  let dir: string;
  let destination: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'likeness-staging-'));
    destination = join(dir, 'out');
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('appears at the destination only on commit, replacing what was there', async () => {
    const first = await StagingFolder.begin(destination);
    writeFileSync(join(first.path, 'a.txt'), 'one');
    expect(existsSync(destination)).toBe(false);
    await first.commit();
    const second = await StagingFolder.begin(destination);
    writeFileSync(join(second.path, 'b.txt'), 'two');
    await second.commit();
    expect(readdirSync(destination)).toEqual(['b.txt']);
    expect(readdirSync(dir)).toEqual(['out']);
  });

  it('removes a dead writer’s half folder but not a live writer’s', async () => {
    const dead = join(dir, `.out.likeness-tmp-${deadPid()}-0a0b0c0d`);
    const live = join(dir, `.out.likeness-tmp-${process.pid}-01020304`);
    mkdirSync(dead);
    mkdirSync(live);
    await recoverStale(destination);
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(live)).toBe(true);
  });

  it('puts back a previous export a crash left moved aside', async () => {
    const aside = join(dir, `.out.likeness-old-${deadPid()}-0a0b0c0d`);
    mkdirSync(aside);
    writeFileSync(join(aside, 'export-report.json'), '{}');
    await recoverStale(destination);
    expect(readFileSync(join(destination, 'export-report.json'), 'utf8')).toBe('{}');
    expect(existsSync(aside)).toBe(false);
  });

  it('discards without touching the destination', async () => {
    mkdirSync(destination);
    const staging = await StagingFolder.begin(destination);
    await staging.discard();
    expect(readdirSync(dir)).toEqual(['out']);
  });
});
