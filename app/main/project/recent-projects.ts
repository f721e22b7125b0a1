import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import type { RecentProject } from '#api/project.ts';
import { writeFileAtomicSync } from '../core/atomic-file.ts';

const RecentFile = z.array(z.object({ path: z.string(), openedAt: z.string() }));
const MAX_RECENT = 12;

/** The recent list lives in the user's settings folder, not in any project. */
export class RecentProjects {
  readonly #file: string;

  constructor(settingsDir: string) {
    this.#file = join(settingsDir, 'recent-projects.json');
  }

  list(): RecentProject[] {
    return this.#read().map((entry) => ({
      path: entry.path,
      name: basename(entry.path).replace(/\.likeness$/, ''),
      openedAt: entry.openedAt,
      exists: existsSync(entry.path),
    }));
  }

  touch(path: string): void {
    const entries = [{ path, openedAt: new Date().toISOString() }, ...this.#read().filter((e) => e.path !== path)];
    mkdirSync(dirname(this.#file), { recursive: true });
    writeFileAtomicSync(this.#file, JSON.stringify(entries.slice(0, MAX_RECENT), null, 2));
  }

  #read(): { path: string; openedAt: string }[] {
    try {
      return RecentFile.parse(JSON.parse(readFileSync(this.#file, 'utf8')));
    } catch {
      return [];
    }
  }
}
