import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { ImageStatus, type IdentitySummary, type ImageAnchor, type ImagePage, type ImageSummary } from '#api/dataset.ts';
import { listPositions, walkRuns, type ListPositions, type WalkRun } from '../project/list-positions.ts';
import type { ProjectDatabase } from '../project/project-database.ts';

export interface ImageFilter {
  readonly identityId?: number;
  readonly status?: readonly ImageStatus[];
  readonly offset: number;
  readonly limit: number;
  readonly after?: ImageAnchor;
  readonly before?: ImageAnchor;
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

const columns = `m.id, m.identity_id AS identityId, n.name AS identityName, m.rel_path AS relPath, d.root, m.status, m.width,
  m.height, m.format, m.thumb_key AS thumb, m.duplicate_of AS duplicateOf, m.error_code AS errorCode, m.error_message AS errorMessage,
  (SELECT json_array(od.root, o.rel_path) FROM images o JOIN datasets od ON od.id = o.dataset_id WHERE o.id = m.duplicate_of) AS duplicateOfPath`;

/**
 * Where a walk of the grid order resumes: an image's identity (its name key and id; null for
 * images outside any identity) and its dataset and path key. (dataset_id, path_key) is unique: the
 * key holds the original path after the natural-order part.
 */
interface ImageKey {
  readonly identity: readonly [nameKey: string, id: number] | null;
  readonly path: readonly [datasetId: number, pathKey: string];
}

/** What every run of one listing shares: its filter, as SQL on images `m`. */
interface Listing {
  readonly identityId: number | undefined;
  readonly where: string;
  readonly params: readonly unknown[];
}

const KEY_COLUMNS = 'm.id, m.identity_id, i.name_key, m.dataset_id, m.path_key';
const NAME_KEY_OF_IMAGE = '(SELECT name_key FROM identities WHERE id = m.identity_id)';

/**
 * The grid order as index walks, from just after `key` (null: the start): the rest of the key's
 * identity by dataset and path (images_by_identity_natural), the identities after it by name with
 * their images (CROSS JOIN keeps identities the outer loop), then the images outside any identity.
 * `descending` walks the same order backwards, from just before `key` (null: the end).
 */
function orderRuns(listing: Listing, key: ImageKey | null, descending: boolean): WalkRun[] {
  const dir = descending ? 'DESC' : 'ASC';
  const beyond = descending ? '<' : '>';
  const filter = listing.where ? ` AND ${listing.where}` : '';
  // Every run selects the key columns; one over images alone reads the name key of the image's identity (output rows only).
  const run = (from: string, where: string, order: string, params: readonly unknown[]): WalkRun => ({
    select: `SELECT ${from === 'images m' ? KEY_COLUMNS.replace('i.name_key', NAME_KEY_OF_IMAGE) : KEY_COLUMNS} FROM ${from} WHERE ${where}${filter} ORDER BY ${order}`,
    count: `SELECT count(*) FROM ${from} WHERE ${where}${filter}`,
    params: [...params, ...listing.params],
  });
  const pathOrder = `m.dataset_id ${dir}, m.path_key ${dir}`;
  const inIdentity = (identityId: number, path: ImageKey['path']) =>
    run('images m', `m.identity_id = ? AND (m.dataset_id, m.path_key) ${beyond} (?, ?)`, pathOrder, [identityId, ...path]);
  const identities = (after: ImageKey['identity']) => {
    const conditions = [
      ...(after ? [`(i.name_key, i.id) ${beyond} (?, ?)`] : []),
      ...(listing.identityId === undefined ? [] : ['i.id = ?']),
    ];
    return run(
      'identities i CROSS JOIN images m ON m.identity_id = i.id',
      conditions.length > 0 ? conditions.join(' AND ') : '1',
      `i.name_key ${dir}, i.id ${dir}, ${pathOrder}`,
      [...(after ?? []), ...(listing.identityId === undefined ? [] : [listing.identityId])],
    );
  };
  const unassigned = (after: ImageKey['path'] | null) =>
    listing.identityId !== undefined
      ? []
      : [
          run(
            'images m',
            `m.identity_id IS NULL${after ? ` AND (m.dataset_id, m.path_key) ${beyond} (?, ?)` : ''}`,
            pathOrder,
            after ?? [],
          ),
        ];

  if (!descending) {
    if (!key) return [identities(null), ...unassigned(null)];
    if (!key.identity) return unassigned(key.path);
    return [inIdentity(key.identity[1], key.path), identities(key.identity), ...unassigned(null)];
  }
  if (!key) return [...unassigned(null), identities(null)];
  if (!key.identity) return [...unassigned(key.path), identities(null)];
  return [inIdentity(key.identity[1], key.path), identities(key.identity)];
}

function keyOf(row: readonly unknown[]): ImageKey {
  const [, identityId, nameKey, datasetId, pathKey] = row as [number, number | null, string | null, number, string];
  return { identity: identityId === null || nameKey === null ? null : [nameKey, identityId], path: [datasetId, pathKey] };
}

/**
 * Rows ordered by identity name, then dataset (in import order), then path; rows outside any
 * identity come last. A page is a walk down indexes from a key, never a sort or an OFFSET over the
 * rows above it: from the anchor the grid sends (the image beside the slice it holds), else from the
 * nearest row the host has marked (list-positions.ts). Only the page's rows are then read whole.
 */
export function listImages(db: ProjectDatabase, filter: ImageFilter, positions: ListPositions = listPositions(db)): ImagePage {
  const statuses = [...new Set(filter.status ?? [])].sort();
  if (filter.status && statuses.length === 0) return { total: 0, offset: filter.offset, items: [] };
  const byStatus = statuses.length > 0 && statuses.length < ImageStatus.options.length;
  const listing: Listing = {
    identityId: filter.identityId,
    where: [
      ...(filter.identityId === undefined ? [] : ['m.identity_id = ?']),
      ...(byStatus ? [`m.status IN (${statuses.map(() => '?').join(', ')})`] : []),
    ].join(' AND '),
    params: [...(filter.identityId === undefined ? [] : [filter.identityId]), ...(byStatus ? statuses : [])],
  };
  const statements = new Map<string, Database.Statement>();
  const statement = (sql: string) => {
    let prepared = statements.get(sql);
    if (!prepared) statements.set(sql, (prepared = db.prepare(sql)));
    return prepared;
  };
  const list = JSON.stringify(['images', filter.identityId ?? null, byStatus ? statuses : null]);
  const total = positions.count(
    list,
    () =>
      statement(`SELECT count(*) FROM images m${listing.where ? ` WHERE ${listing.where}` : ''}`)
        .pluck()
        .get(...listing.params) as number,
  );
  const keyOfImage = (imageId: number): ImageKey | null => {
    const row = statement(
      `SELECT ${KEY_COLUMNS} FROM images m LEFT JOIN identities i ON i.id = m.identity_id WHERE m.id = ?${listing.where ? ` AND ${listing.where}` : ''}`,
    )
      .raw()
      .get(imageId, ...listing.params) as unknown[] | undefined;
    return row ? keyOf(row) : null;
  };
  const walk = (key: ImageKey | null, descending: boolean, skip: number, limit: number) =>
    walkRuns(statement, orderRuns(listing, key, descending), skip, limit);
  const ids = positions.page<ImageAnchor, ImageKey>(list, filter, {
    key: (anchor) => keyOfImage(anchor.imageId),
    ids: (from, descending, skip, limit) => walk(from, descending, skip, limit).map((row) => row[0] as number),
    step: (from, skip) => {
      const [row] = walk(from, false, skip, 1);
      return row ? keyOf(row) : null;
    },
  });
  if (ids.length === 0) return { total, offset: filter.offset, items: [] };
  const rows = statement(
    `SELECT ${columns} FROM images m JOIN datasets d ON d.id = m.dataset_id LEFT JOIN identities n ON n.id = m.identity_id
     WHERE m.id IN (SELECT value FROM json_each(?))`,
  ).all(JSON.stringify(ids)) as Row[];
  const byId = new Map(rows.map((row) => [row.id, row]));
  return { total, offset: filter.offset, items: ids.flatMap((id) => byId.get(id) ?? []).map(toSummary) };
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
