import type Database from 'better-sqlite3';
import type { PageAnchor, PageSegment, VariantGroup, VariantGroups, VariantPage, VariantTile, VariantView } from '#api/curation.ts';
import { HeadPoseSpec, LightSpec } from '#api/synthesis.ts';
import { listPositions, walkRuns, type ListPositions, type WalkRun } from '../project/list-positions.ts';
import type { ProjectDatabase } from '../project/project-database.ts';
import {
  and,
  filterCondition,
  groupColumn,
  groupCondition,
  orderBy,
  orderPhases,
  placeholders,
  STATUS_SQL,
  type OrderPhase,
  type SqlCondition,
} from './variant-sql.ts';
import { originalKey } from '../media/media-keys.ts';

interface GroupRow {
  key: string | number | null;
  count: number;
  accepted: number;
  rejected: number;
  label: string | null;
  source_image_id: number | null;
  thumb_key: string | null;
  identity_name: string | null;
}

interface TileRow {
  id: number;
  source_image_id: number;
  identity_id: number | null;
  identity_name: string | null;
  ordinal: number;
  edit_kind: string;
  strength: number;
  seed: number;
  file_key: string;
  width: number;
  height: number;
  id_to_source: number | null;
  id_to_centroid: number | null;
  nearest_other_identity_id: number | null;
  nearest_other_name: string | null;
  id_to_nearest_other: number | null;
  diversity: number | null;
  status: VariantTile['status'];
  decided_by: string | null;
  decided_at: string | null;
  light: string | null;
  pose: string | null;
}

const FROM_VARIANTS = 'FROM variants v LEFT JOIN decisions d ON d.variant_id = v.id';
const SELECT_TILES = `SELECT v.id, v.source_image_id, v.identity_id, n.name AS identity_name, v.ordinal, v.edit_kind,
    v.strength, v.seed, v.file_key, v.width, v.height, v.id_to_source, v.id_to_centroid, v.nearest_other_identity_id,
    o.name AS nearest_other_name, v.id_to_nearest_other, v.diversity, ${STATUS_SQL} AS status, d.decided_by, d.decided_at,
    CASE WHEN json_valid(v.recipe) THEN json_extract(v.recipe, '$.ops[0].light') END AS light,
    CASE WHEN json_valid(v.recipe) THEN json_extract(v.recipe, '$.ops[0].pose') END AS pose
  ${FROM_VARIANTS} LEFT JOIN identities n ON n.id = v.identity_id LEFT JOIN identities o ON o.id = v.nearest_other_identity_id`;

/**
 * The grid's two reads. `groups` is small (one row per source, identity or edit) and gives the
 * renderer the whole layout; `page` fetches only the slices of groups the viewport shows, so the
 * cost of a scroll or a refresh does not grow with the number of variants.
 */
export class VariantQuery {
  readonly #db: ProjectDatabase;
  readonly #positions: ListPositions;

  constructor(db: ProjectDatabase, positions: ListPositions = listPositions(db)) {
    this.#db = db;
    this.#positions = positions;
  }

  groups(view: VariantView): VariantGroups {
    const where = filterCondition(view.filter);
    const aggregate = `SELECT ${groupColumn[view.groupBy]} AS key, count(*) AS count,
        coalesce(sum(d.status = 'accepted'), 0) AS accepted, coalesce(sum(d.status = 'rejected'), 0) AS rejected
      ${FROM_VARIANTS} WHERE ${where.sql} GROUP BY key`;
    const labelled = {
      source: `SELECT g.*, i.rel_path AS label, i.id AS source_image_id, i.thumb_key, n.name AS identity_name
        FROM (${aggregate}) g JOIN images i ON i.id = g.key LEFT JOIN identities n ON n.id = i.identity_id
        ORDER BY n.name IS NULL, n.name_key, i.path_key, i.id`,
      identity: `SELECT g.*, n.name AS label, NULL AS source_image_id, NULL AS thumb_key, n.name AS identity_name
        FROM (${aggregate}) g LEFT JOIN identities n ON n.id = g.key
        ORDER BY n.name IS NULL, n.name_key, g.key`,
      edit: `SELECT g.*, g.key AS label, NULL AS source_image_id, NULL AS thumb_key, NULL AS identity_name
        FROM (${aggregate}) g ORDER BY g.key`,
    }[view.groupBy];
    const rows = this.#db.prepare(labelled).all(...where.params) as GroupRow[];
    const groups = rows.map((row): VariantGroup => ({
      key: row.key === null ? 'none' : String(row.key),
      label: row.label ?? (view.groupBy === 'identity' ? 'No identity' : String(row.key)),
      count: row.count,
      accepted: row.accepted,
      rejected: row.rejected,
      sourceImageId: row.source_image_id,
      sourceKey: row.source_image_id === null ? null : (row.thumb_key ?? originalKey(row.source_image_id)),
      identityName: row.identity_name,
    }));
    return { total: groups.reduce((sum, g) => sum + g.count, 0), groups };
  }

  page(view: VariantView, segments: readonly PageSegment[]): VariantPage {
    const filter = filterCondition(view.filter);
    // Only a status filter reads the decision of rows it walks past; tiles read it for the rows served.
    const from = view.filter.statuses && view.filter.statuses.length > 0 ? FROM_VARIANTS : 'FROM variants v';
    const walk = new OrderWalk(this.#db, from);
    return {
      segments: segments.map((segment) => {
        const where = and(filter, groupCondition(view.groupBy, segment.groupKey));
        const forward = orderPhases(view.sort, view.direction);
        const backward = orderPhases(view.sort, view.direction, true);
        const list = JSON.stringify(['curation', where.sql, where.params, view.sort, view.direction]);
        const ids = this.#positions.page<PageAnchor, WalkKey>(list, segment, {
          key: (anchor) => walk.key(where, forward, anchor.variantId),
          ids: (from, descending, skip, limit) => walk.ids(where, descending ? backward : forward, from, skip, limit),
          step: (from, skip) => walk.step(where, forward, from, skip),
        });
        return { groupKey: segment.groupKey, offset: segment.offset, items: walk.tiles(ids).map(toTile) };
      }),
    };
  }

  /** The variant's group and its offset in that group under the view's order, as `page` would serve it. */
  locate(view: VariantView, variantId: number): { groupKey: string; offset: number } | null {
    const filter = filterCondition(view.filter);
    const column = groupColumn[view.groupBy];
    const found = this.#db
      .prepare(`SELECT ${column} AS key ${FROM_VARIANTS} WHERE v.id = ? AND (${filter.sql})`)
      .get(variantId, ...filter.params) as { key: string | number | null } | undefined;
    if (!found) return null;
    const groupKey = found.key === null ? 'none' : String(found.key);
    const where = and(filter, groupCondition(view.groupBy, groupKey));
    const ranked = this.#db
      .prepare(
        `SELECT rank FROM (SELECT v.id, row_number() OVER (ORDER BY ${orderBy(view.sort, view.direction)}) - 1 AS rank
          ${FROM_VARIANTS} WHERE ${where.sql}) WHERE id = ?`,
      )
      .get(...where.params, variantId) as { rank: number } | undefined;
    return ranked ? { groupKey, offset: ranked.rank } : null;
  }

  tile(variantId: number): VariantTile | null {
    const row = this.#db.prepare(`${SELECT_TILES} WHERE v.id = ?`).get(variantId) as TileRow | undefined;
    return row ? toTile(row) : null;
  }
}

/** Where a walk resumes: the anchor tile's phase and its values of that phase's columns. */
interface WalkKey {
  readonly phase: OrderPhase['name'];
  readonly values: readonly unknown[];
}

/**
 * Reads a page as a walk down the index that matches the view's group and order (migration 20):
 * seek to a key (the anchor tile's, or a mark the host keeps: list-positions.ts), or skip `skip` rows from
 * the start of the group, then read `limit` ids; only those rows are joined into tiles. A page's statements are compiled once per call.
 */
class OrderWalk {
  readonly #db: ProjectDatabase;
  readonly #from: string;
  readonly #statements = new Map<string, Database.Statement>();

  constructor(db: ProjectDatabase, from: string) {
    this.#db = db;
    this.#from = from;
  }

  /** The anchor's key, or null when it is not in this view and group (then the page falls back to its offset). */
  key(where: SqlCondition, phases: readonly OrderPhase[], variantId: number): WalkKey | null {
    const columns = [...new Set(phases.flatMap((p) => p.columns))];
    const row = this.#statement(`SELECT ${columns.join(', ')} ${this.#from} WHERE v.id = ? AND ${where.sql}`)
      .raw()
      .get(variantId, ...where.params) as unknown[] | undefined;
    if (!row) return null;
    const value = (column: string) => row[columns.indexOf(column)];
    const scored = phases.find((p) => p.name !== 'unscored')!;
    const phase = scored.name === 'all' || value(scored.columns[0]) !== null ? scored : phases.find((p) => p.name === 'unscored')!;
    return { phase: phase.name, values: phase.columns.map(value) };
  }

  ids(where: SqlCondition, phases: readonly OrderPhase[], key: WalkKey | null, skip: number, limit: number): number[] {
    return this.#rows(where, phases, key, skip, limit).map((row) => row[0] as number);
  }

  /** The key of the row `skip` rows after `key` (null: the group's start), or null past the group's end. */
  step(where: SqlCondition, phases: readonly OrderPhase[], key: WalkKey | null, skip: number): WalkKey | null {
    const [row] = this.#rows(where, phases, key, skip, 1);
    return row ? { phase: row[1] as OrderPhase['name'], values: row.slice(2) } : null;
  }

  /** Rows of [id, phase, ...the phase's columns]. */
  #rows(where: SqlCondition, phases: readonly OrderPhase[], key: WalkKey | null, skip: number, limit: number): unknown[][] {
    const start = key ? phases.findIndex((p) => p.name === key.phase) : 0;
    const runs = phases.slice(start).map((phase): WalkRun => {
      const seek = key && phase.name === key.phase;
      const conditions = [where.sql, phase.where];
      if (seek) conditions.push(`(${phase.columns.join(', ')}) ${phase.descending ? '<' : '>'} (${placeholders(phase.columns.length)})`);
      const sql = `${this.#from} WHERE ${conditions.map((c) => `(${c})`).join(' AND ')}`;
      const direction = phase.descending ? 'DESC' : 'ASC';
      return {
        select: `SELECT v.id, '${phase.name}', ${phase.columns.join(', ')} ${sql} ORDER BY ${phase.columns.map((c) => `${c} ${direction}`).join(', ')}`,
        count: `SELECT count(*) ${sql}`,
        params: [...where.params, ...(seek ? key.values : [])],
      };
    });
    return walkRuns((sql) => this.#statement(sql), runs, skip, limit);
  }

  /** The tiles of these ids, in their order. */
  tiles(ids: readonly number[]): TileRow[] {
    if (ids.length === 0) return [];
    const rows = this.#statement(`${SELECT_TILES} WHERE v.id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(ids)) as TileRow[];
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  #statement(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (!statement) this.#statements.set(sql, (statement = this.#db.prepare(sql)));
    return statement;
  }
}

function toTile(row: TileRow): VariantTile {
  return {
    id: row.id,
    sourceImageId: row.source_image_id,
    sourceKey: originalKey(row.source_image_id),
    identityId: row.identity_id,
    identityName: row.identity_name,
    ordinal: row.ordinal,
    editKind: row.edit_kind,
    strength: row.strength,
    seed: row.seed,
    fileKey: row.file_key,
    width: row.width,
    height: row.height,
    idToSource: row.id_to_source,
    idToCentroid: row.id_to_centroid,
    nearestOtherIdentityId: row.nearest_other_identity_id,
    nearestOtherName: row.nearest_other_name,
    idToNearestOther: row.id_to_nearest_other,
    diversity: row.diversity,
    status: row.status,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
    light: tileLight(row.light),
    pose: tilePose(row.pose, row.strength),
  };
}

/** The pose variant's head turn as applied (the recipe's pose × strength); null for other edits. */
function tilePose(json: string | null, strength: number): HeadPoseSpec | null {
  if (!json) return null;
  const parsed = HeadPoseSpec.safeParse(JSON.parse(json));
  if (!parsed.success) return null;
  const { yaw, pitch, roll } = parsed.data;
  const scaled = (v: number, limit: number) => Math.max(-limit, Math.min(limit, Math.round(v * strength * 10) / 10));
  return { yaw: scaled(yaw, 45), pitch: scaled(pitch, 20), roll: scaled(roll, 15) };
}

/** The relight variant's target light from its recipe; null for other edits (or a recipe this version cannot read). */
function tileLight(json: string | null): LightSpec | null {
  if (!json) return null;
  const parsed = LightSpec.safeParse(JSON.parse(json));
  return parsed.success ? parsed.data : null;
}
