import Database from 'better-sqlite3';
import { ApiError } from '#api/errors.ts';
import { migrations } from './schema/index.ts';
import type { Migration } from './schema/migration.ts';

export type ProjectDatabase = Database.Database;

export const APPLICATION_ID = 0x4c4b4e53; // 'LKNS': lets us tell a Likeness project from any other SQLite file.

export interface OpenOptions {
  readonly create: boolean;
  readonly readonly?: boolean;
}

export function openProjectDatabase(path: string, options: OpenOptions): ProjectDatabase {
  let db: ProjectDatabase;
  try {
    db = new Database(path, { fileMustExist: !options.create, readonly: options.readonly ?? false });
  } catch (error) {
    throw new ApiError('PROJECT_INVALID', `${path}: cannot open project (${(error as Error).message})`);
  }
  try {
    configure(db, options.readonly ?? false);
    if (!options.readonly) migrate(db, migrations);
  } catch (error) {
    db.close();
    if (error instanceof ApiError) throw error;
    throw new ApiError('PROJECT_INVALID', `${path}: not a usable Likeness project (${(error as Error).message})`);
  }
  return db;
}

function configure(db: ProjectDatabase, readonly: boolean): void {
  const applicationId = db.pragma('application_id', { simple: true }) as number;
  const isEmpty = (db.prepare('SELECT count(*) AS n FROM sqlite_schema').get() as { n: number }).n === 0;
  if (!isEmpty && applicationId !== APPLICATION_ID) {
    throw new ApiError('PROJECT_INVALID', `${db.name}: this SQLite file is not a Likeness project`);
  }
  if (readonly) return;
  // Before the first table: a face row (2.7 kB with its packed mesh) fills a 4 kB page alone, three fit in 8 kB.
  if (isEmpty) db.pragma('page_size = 8192');
  // WAL keeps readers (the UI) unblocked while a job writes; a process kill never loses a committed
  // transaction in WAL mode even with synchronous=NORMAL, only a power cut can.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  if (isEmpty) db.pragma(`application_id = ${APPLICATION_ID}`);
}

export function migrate(db: ProjectDatabase, steps: readonly Migration[]): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = steps.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new ApiError(
      'PROJECT_INVALID',
      `${db.name}: project was written by a newer Likeness (schema ${current}, this build knows ${latest})`,
    );
  }
  for (const step of steps) {
    if (step.version <= current) continue;
    db.transaction(() => {
      if (typeof step.up === 'string') db.exec(step.up);
      else step.up(db);
      db.pragma(`user_version = ${step.version}`);
    }).immediate();
  }
}

export function schemaVersion(db: ProjectDatabase): number {
  return db.pragma('user_version', { simple: true }) as number;
}
