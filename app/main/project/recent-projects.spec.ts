import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RecentProjects } from './recent-projects.ts';

const module = fileURLToPath(new URL('./recent-projects.ts', import.meta.url));

/** A process that opens `count` projects one after another, as a CLI worker records each one it opens. */
function toucher(settings: string, name: string, count: number): Promise<{ code: number | null; stderr: string }> {
  const script = `
    const { RecentProjects } = await import(${JSON.stringify(module)});
    const recent = new RecentProjects(${JSON.stringify(settings)});
    for (let i = 0; i < ${count}; i += 1) recent.touch('/projects/${name}-' + i + '.likeness');
  `;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('RecentProjects', () => {
  let settings: string;
  beforeEach(() => {
    settings = mkdtempSync(join(tmpdir(), 'likeness-recent-'));
  });
  afterEach(() => rmSync(settings, { recursive: true, force: true }));

  it('keeps the newest first, once each, at most twelve', () => {
    const recent = new RecentProjects(settings);
    for (let i = 0; i < 14; i += 1) recent.touch(`/projects/p${i}.likeness`);
    recent.touch('/projects/p5.likeness');
    const names = recent.list().map((p) => p.name);
    expect(names).toHaveLength(12);
    expect(names.slice(0, 3)).toEqual(['p5', 'p13', 'p12']);
    expect(names.filter((n) => n === 'p5')).toHaveLength(1);
  });

  it('lets several processes record projects at once, as shard workers sharing a settings folder do', async () => {
    const runs = await Promise.all(['a', 'b', 'c', 'd'].map((name) => toucher(settings, name, 150)));
    for (const run of runs) expect(run, run.stderr).toMatchObject({ code: 0 });
    expect(new RecentProjects(settings).list().length).toBeGreaterThan(0);
    expect(readdirSync(settings)).toEqual(['recent-projects.json']);
  }, 60_000);
});
