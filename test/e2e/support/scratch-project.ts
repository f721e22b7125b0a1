import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach } from 'vitest';
import { sharedFacesDir } from '../../fixtures/shared-faces.ts';
import { runCli } from './app-server.ts';

/** Runs the real CLI to completion; its output is the failure message when it exits non-zero. */
export function cli(args: readonly string[], home: string): Promise<string> {
  const child = runCli(args, { LIKENESS_HOME: home });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`likeness ${args.join(' ')} exited ${code}:\n${output}`)),
    );
  });
}

export interface ScratchProject {
  readonly dir: string;
  readonly projectPath: string;
  /** The CLI's and host's settings folder for this test file. */
  readonly home: string;
  /** The project as it is on disk, read without the host: what a restart would find. */
  read<T>(read: (db: Database.Database) => T): T;
}

/**
 * A temporary folder holding one project, registered in the calling describe block: it is removed
 * after the last test (after the hooks registered later, which close what uses it) unless a test
 * failed, so a failure's project can be looked into.
 */
export function scratchProject(prefix: string, projectName: string): ScratchProject {
  const dir = mkdtempSync(join(tmpdir(), `likeness-e2e-${prefix}-`));
  const projectPath = join(dir, projectName);
  let keep = false;
  afterEach((context) => {
    if (context.task.result?.state === 'fail') keep = true;
  });
  afterAll(() => {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  });
  return {
    dir,
    projectPath,
    home: join(dir, 'home'),
    read(read) {
      const db = new Database(projectPath, { readonly: true, fileMustExist: true });
      try {
        return read(db);
      } finally {
        db.close();
      }
    },
  };
}

/** johns/ imported, analysed and synthesised by the CLI with a fixed seed: the curation tests' starting point. */
export async function synthesizeJohns(project: ScratchProject, variantsPerFace: number): Promise<void> {
  const { projectPath, home } = project;
  await cli(['import', join(sharedFacesDir, 'johns'), '--project', projectPath], home);
  await cli(['analyze', projectPath], home);
  await cli(['synthesize', projectPath, '--variants', String(variantsPerFace), '--seed', '0'], home);
}
