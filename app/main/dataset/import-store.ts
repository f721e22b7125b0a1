import { naturalKey } from '../project/natural-order.ts';
import type { ProjectDatabase } from '../project/project-database.ts';
import type { Inspection } from './image-inspect.ts';

/**
 * The import's writes. Each row is its own transaction, written in plan order: a killed import
 * leaves a prefix of the plan, and the resumed one appends the rest with the ids and duplicate
 * links an uninterrupted run would have given them.
 */
export class ImportStore {
  readonly #db: ProjectDatabase;
  readonly #datasetId: number;
  readonly #firstWithHash: (hash: string) => { id: number } | undefined;
  readonly #insert: (row: ImageRow) => void;

  constructor(db: ProjectDatabase, datasetId: number) {
    if (!db.prepare('SELECT 1 FROM datasets WHERE id = ?').get(datasetId)) {
      throw new Error(`dataset ${datasetId} no longer exists in this project`);
    }
    this.#db = db;
    this.#datasetId = datasetId;
    const first = db.prepare("SELECT id FROM images WHERE content_hash = ? AND status = 'ok' ORDER BY id LIMIT 1");
    this.#firstWithHash = (hash) => first.get(hash) as { id: number } | undefined;
    const insert = db.prepare(
      `INSERT INTO images (dataset_id, identity_id, rel_path, path_key, status, error_code, error_message, content_hash, bytes,
         format, width, height, channels, orientation, duplicate_of, thumb_key, imported_at)
       VALUES (@datasetId, @identityId, @relPath, @pathKey, @status, @errorCode, @errorMessage, @hash, @bytes,
         @format, @width, @height, @channels, @orientation, @duplicateOf, @thumbKey, @importedAt)`,
    );
    this.#insert = (row) => insert.run({ ...row, pathKey: naturalKey(row.relPath) });
  }

  /** Creates the identities the plan names, in plan order, and returns every one's id by name. */
  identityIds(names: Iterable<string>): Map<string, number> {
    const insert = this.#db.prepare('INSERT OR IGNORE INTO identities (name, name_key, created_at) VALUES (?, ?, ?)');
    const select = this.#db.prepare('SELECT id FROM identities WHERE name = ?');
    return this.#db
      .transaction(() => {
        const ids = new Map<string, number>();
        const now = new Date().toISOString();
        for (const name of names) {
          if (ids.has(name)) continue;
          insert.run(name, naturalKey(name), now);
          ids.set(name, (select.get(name) as { id: number }).id);
        }
        return ids;
      })
      .immediate();
  }

  /** The resume key: a path this dataset already has a row for is never imported again. */
  committedPaths(): Set<string> {
    const rows = this.#db.prepare('SELECT rel_path FROM images WHERE dataset_id = ?').pluck().all(this.#datasetId);
    return new Set(rows as string[]);
  }

  commit(relPath: string, identityId: number | null, inspection: Inspection): void {
    const base = { ...emptyRow, datasetId: this.#datasetId, identityId, relPath, importedAt: new Date().toISOString() };
    if (!inspection.ok) {
      const { problem, bytes } = inspection;
      this.#insert({ ...base, status: 'error', errorCode: problem.code, errorMessage: problem.message, bytes });
      return;
    }
    const { image } = inspection;
    this.#db
      .transaction(() => {
        const original = this.#firstWithHash(image.hash);
        this.#insert({
          ...base,
          status: original ? 'duplicate' : 'ok',
          hash: image.hash,
          bytes: image.bytes,
          format: image.format,
          width: image.width,
          height: image.height,
          channels: image.channels,
          orientation: image.orientation,
          duplicateOf: original?.id ?? null,
          thumbKey: image.thumbKey,
        });
      })
      .immediate();
  }
}

interface ImageRow {
  datasetId: number;
  identityId: number | null;
  relPath: string;
  status: 'ok' | 'duplicate' | 'error';
  errorCode: string | null;
  errorMessage: string | null;
  hash: string | null;
  bytes: number | null;
  format: string | null;
  width: number | null;
  height: number | null;
  channels: number | null;
  orientation: number | null;
  duplicateOf: number | null;
  thumbKey: string | null;
  importedAt: string;
}

const emptyRow = {
  errorCode: null,
  errorMessage: null,
  hash: null,
  bytes: null,
  format: null,
  width: null,
  height: null,
  channels: null,
  orientation: null,
  duplicateOf: null,
  thumbKey: null,
} as const;
