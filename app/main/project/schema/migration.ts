import type Database from 'better-sqlite3';

/** One schema step. `up` runs inside the migration transaction, so a crash leaves the previous version intact. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly up: string | ((db: Database.Database) => void);
}
