import type { GroupBy, ScoreMetric, SortKey, VariantFilter } from '#api/curation.ts';

/** A WHERE fragment and its bound values, always combined with AND. */
export interface SqlCondition {
  readonly sql: string;
  readonly params: readonly (string | number)[];
}

/** Column of each score, on the `v` (variants) alias. */
export const scoreColumn: Record<ScoreMetric, string> = {
  idToSource: 'v.id_to_source',
  idToCentroid: 'v.id_to_centroid',
  idToNearestOther: 'v.id_to_nearest_other',
  diversity: 'v.diversity',
};

export const groupColumn: Record<GroupBy, string> = {
  source: 'v.source_image_id',
  identity: 'v.identity_id',
  edit: 'v.edit_kind',
};

const sortColumns: Record<SortKey, readonly string[]> = {
  natural: ['v.source_image_id', 'v.ordinal'],
  idToSource: ['v.id_to_source'],
  idToCentroid: ['v.id_to_centroid'],
  idToNearestOther: ['v.id_to_nearest_other'],
  diversity: ['v.diversity'],
  strength: ['v.strength'],
};

/**
 * One run of a view's order that a single index walks: the rows where `where` holds, by `columns`
 * (the last is always the id), all ascending or all descending.
 */
export interface OrderPhase {
  readonly name: 'all' | 'scored' | 'unscored';
  readonly where: string;
  readonly columns: readonly string[];
  readonly descending: boolean;
}

/**
 * The order of `orderBy` as index walks. A score sort puts unscored rows last both ways, which no
 * single index direction gives (SQLite keeps NULLs first ascending): it is walked as its scored rows,
 * then its unscored ones by id. `reverse` walks the same order backwards, for a page above an anchor.
 */
export function orderPhases(sort: SortKey, direction: 'asc' | 'desc', reverse = false): OrderPhase[] {
  const descending = (direction === 'desc') !== reverse;
  const columns = sortColumns[sort];
  const phases: OrderPhase[] =
    sort === 'natural'
      ? [{ name: 'all', where: '1', columns: [...columns, 'v.id'], descending }]
      : [
          { name: 'scored', where: `${columns[0]} IS NOT NULL`, columns: [...columns, 'v.id'], descending },
          { name: 'unscored', where: `${columns[0]} IS NULL`, columns: ['v.id'], descending },
        ];
  return reverse ? phases.reverse() : phases;
}

/** The status a tile shows, on the `d` (decisions, left-joined) alias. */
export const STATUS_SQL = "coalesce(d.status, 'unset')";

/** Unscored variants sort last either way: they are the ones nobody can judge by score yet. */
export function orderBy(sort: SortKey, direction: 'asc' | 'desc'): string {
  const dir = direction === 'asc' ? 'ASC' : 'DESC';
  const keys = sortColumns[sort].map((column) => `${column} ${dir} NULLS LAST`);
  return [...keys, `v.id ${dir}`].join(', ');
}

export function filterCondition(filter: VariantFilter): SqlCondition {
  const parts: string[] = [];
  const params: (string | number)[] = [];
  if (filter.identityId !== undefined) {
    parts.push('v.identity_id = ?');
    params.push(filter.identityId);
  }
  if (filter.sourceImageId !== undefined) {
    parts.push('v.source_image_id = ?');
    params.push(filter.sourceImageId);
  }
  if (filter.editKinds && filter.editKinds.length > 0) {
    parts.push(`v.edit_kind IN (${placeholders(filter.editKinds.length)})`);
    params.push(...filter.editKinds);
  }
  if (filter.statuses && filter.statuses.length > 0) {
    const byStatus = `${STATUS_SQL} IN (${placeholders(filter.statuses.length)})`;
    params.push(...filter.statuses);
    if (filter.keepIds && filter.keepIds.length > 0) {
      // One JSON parameter however many ids: SQLite caps the number of bound parameters.
      parts.push(`(${byStatus} OR v.id IN (SELECT value FROM json_each(?)))`);
      params.push(JSON.stringify(filter.keepIds));
    } else {
      parts.push(byStatus);
    }
  }
  if (filter.score) {
    const column = scoreColumn[filter.score.metric];
    if (filter.score.min !== undefined) {
      parts.push(`${column} >= ?`);
      params.push(filter.score.min);
    }
    if (filter.score.max !== undefined) {
      parts.push(`${column} <= ?`);
      params.push(filter.score.max);
    }
  }
  if (filter.closerToOther) parts.push('v.id_to_nearest_other > v.id_to_centroid');
  return { sql: parts.length > 0 ? parts.join(' AND ') : '1', params };
}

/** Group keys travel as strings; a variant without an identity groups under 'none'. */
export function groupCondition(groupBy: GroupBy, key: string): SqlCondition {
  const column = groupColumn[groupBy];
  if (groupBy === 'edit') return { sql: `${column} = ?`, params: [key] };
  if (key === 'none') return { sql: `${column} IS NULL`, params: [] };
  const id = Number(key);
  return Number.isSafeInteger(id) ? { sql: `${column} = ?`, params: [id] } : { sql: '0', params: [] };
}

export function and(...conditions: readonly SqlCondition[]): SqlCondition {
  return {
    sql: conditions.map((c) => `(${c.sql})`).join(' AND '),
    params: conditions.flatMap((c) => c.params),
  };
}

export function placeholders(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ');
}
