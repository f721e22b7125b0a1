/**
 * TEST FIXTURE — never shipped. Everything a project holds, for comparing two runs byte for byte:
 * every table's rows in rowid order (blobs as hex) and every media file's SHA-256.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import Database from 'better-sqlite3';

export interface ContentsOptions {
  /** Leave out wall-clock columns (`*_at`) and the jobs' status line, which say when and how, not what. */
  readonly withoutTimes: boolean;
}

export function projectContents(
  path: string,
  options: ContentsOptions,
): { tables: Record<string, unknown[]>; media: Record<string, string> } {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  const tables: Record<string, unknown[]> = {};
  try {
    const names = db
      .prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .all() as {
      name: string;
      sql: string;
    }[];
    for (const { name, sql } of names) {
      const rowid = /WITHOUT\s+ROWID/i.test(sql) ? '' : 'rowid AS _rowid, ';
      const rows = db.prepare(`SELECT ${rowid}* FROM "${name}" ORDER BY 1`).all() as Record<string, unknown>[];
      tables[name] = rows.map((row) =>
        Object.fromEntries(
          Object.entries(row)
            .filter(([column]) => !options.withoutTimes || !(column.endsWith('_at') || (name === 'jobs' && column === 'message')))
            .map(([column, value]) => [column, Buffer.isBuffer(value) ? value.toString('hex') : value]),
        ),
      );
    }
  } finally {
    db.close();
  }
  return { tables, media: mediaHashes(`${path}.media`) };
}

function mediaHashes(root: string): Record<string, string> {
  const hashes: Record<string, string> = {};
  const walk = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) hashes[relative(root, path)] = createHash('sha256').update(readFileSync(path)).digest('hex');
    }
  };
  walk(root);
  return Object.fromEntries(Object.entries(hashes).sort(([a], [b]) => a.localeCompare(b)));
}
