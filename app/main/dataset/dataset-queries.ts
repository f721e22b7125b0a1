import { join } from 'node:path';
import { ImageStatus, type IdentitySummary, type ImagePage, type ImageSummary } from '#api/dataset.ts';
import type { ProjectDatabase } from '../project/project-database.ts';

export interface ImageFilter {
  readonly identityId?: number;
  readonly status?: readonly ImageStatus[];
  readonly offset: number;
  readonly limit: number;
}

/** Every identity in the project by name; `images` counts usable ('ok') rows, `problems` 'error' rows. */
export function listIdentities(db: ProjectDatabase): IdentitySummary[] {
  return db
    .prepare(
      `SELECT i.id, i.name, coalesce(c.images, 0) AS images, coalesce(c.problems, 0) AS problems
       FROM identities i
       LEFT JOIN (SELECT identity_id, sum(status = 'ok') AS images, sum(status = 'error') AS problems
                  FROM images WHERE identity_id IS NOT NULL GROUP BY identity_id) c ON c.identity_id = i.id
       ORDER BY i.name_key`,
    )
    .all() as IdentitySummary[];
}

const columns = `m.id, m.identity_id AS identityId, m.rel_path AS relPath, d.root, m.status, m.width, m.height,
  m.format, m.thumb_key AS thumb, m.duplicate_of AS duplicateOf, m.error_code AS errorCode, m.error_message AS errorMessage,
  (SELECT json_array(od.root, o.rel_path) FROM images o JOIN datasets od ON od.id = o.dataset_id WHERE o.id = m.duplicate_of) AS duplicateOfPath`;

/**
 * Rows ordered by identity name, then dataset (in import order), then path; rows outside any
 * identity come last. The two parts are read separately so that each is a walk down an index
 * (identity name, then images by identity and path) that stops at the page: no sort, whatever
 * the project's size. CROSS JOIN is how SQLite is told to keep identities as the outer loop.
 */
export function listImages(db: ProjectDatabase, filter: ImageFilter): ImagePage {
  const statuses = [...new Set(filter.status ?? [])];
  if (filter.status && statuses.length === 0) return { total: 0, offset: filter.offset, items: [] };
  const byStatus =
    statuses.length > 0 && statuses.length < ImageStatus.options.length ? `m.status IN (${statuses.map(() => '?').join(', ')})` : null;
  const statusParams = byStatus ? statuses : [];
  const where = (...conditions: (string | null)[]) => {
    const kept = conditions.filter((c) => c !== null);
    return kept.length > 0 ? `WHERE ${kept.join(' AND ')}` : '';
  };
  const count = (sql: string, ...params: unknown[]) =>
    db
      .prepare(sql)
      .pluck()
      .get(...params) as number;

  const byIdentity = filter.identityId === undefined ? null : 'm.identity_id = ?';
  const identityParams = filter.identityId === undefined ? [] : [filter.identityId];
  const total = count(`SELECT count(*) FROM images m ${where(byIdentity, byStatus)}`, ...identityParams, ...statusParams);
  const unassigned =
    filter.identityId === undefined
      ? count(`SELECT count(*) FROM images m ${where('m.identity_id IS NULL', byStatus)}`, ...statusParams)
      : 0;
  const assigned = total - unassigned;

  const rows: Row[] = [];
  if (filter.offset < assigned) {
    rows.push(
      ...(db
        .prepare(
          `SELECT ${columns}, i.name AS identityName
           FROM identities i CROSS JOIN images m ON m.identity_id = i.id JOIN datasets d ON d.id = m.dataset_id
           ${where(filter.identityId === undefined ? null : 'i.id = ?', byStatus)}
           ORDER BY i.name_key, i.id, m.dataset_id, m.path_key LIMIT ? OFFSET ?`,
        )
        .all(...identityParams, ...statusParams, filter.limit, filter.offset) as Row[]),
    );
  }
  const left = filter.limit - rows.length;
  if (unassigned > 0 && left > 0) {
    rows.push(
      ...(db
        .prepare(
          `SELECT ${columns}, NULL AS identityName
           FROM images m JOIN datasets d ON d.id = m.dataset_id
           ${where('m.identity_id IS NULL', byStatus)}
           ORDER BY m.dataset_id, m.path_key LIMIT ? OFFSET ?`,
        )
        .all(...statusParams, left, Math.max(0, filter.offset - assigned)) as Row[]),
    );
  }
  return { total, offset: filter.offset, items: rows.map(toSummary) };
}

interface Row {
  id: number;
  identityId: number | null;
  identityName: string | null;
  relPath: string;
  root: string;
  status: ImageStatus;
  width: number | null;
  height: number | null;
  format: string | null;
  thumb: string | null;
  duplicateOf: number | null;
  duplicateOfPath: string | null;
  errorCode: string | null;
  errorMessage: string | null;
}

function toSummary({ relPath, root, duplicateOfPath, ...row }: Row): ImageSummary {
  const original = duplicateOfPath === null ? null : (JSON.parse(duplicateOfPath) as [string, string]);
  return { ...row, path: join(root, relPath), duplicateOfPath: original && join(...original) };
}
