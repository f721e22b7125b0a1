import type { ProjectDatabase } from '../project/project-database.ts';

export type Row = Record<string, unknown>;

/**
 * Row copying by column name, so tables and columns that later migrations add (a face's pose, a
 * variant's occlusion) travel with the rows they hang off without this module knowing them.
 */
export class TableRows {
  readonly #db: ProjectDatabase;
  readonly #columns = new Map<string, { names: string[]; rowidKey: string | null; hasRowid: boolean }>();

  constructor(db: ProjectDatabase) {
    this.#db = db;
  }

  /** Columns, the INTEGER PRIMARY KEY that aliases the rowid (new rows get a fresh one), and whether it has a rowid at all. */
  shape(table: string): { names: string[]; rowidKey: string | null; hasRowid: boolean } {
    let shape = this.#columns.get(table);
    if (!shape) {
      const info = this.#db.pragma(`table_info(${quote(table)})`) as { name: string; type: string; pk: number }[];
      const pks = info.filter((c) => c.pk > 0);
      const sql =
        (this.#db.prepare('SELECT sql FROM sqlite_schema WHERE type = ? AND name = ?').pluck().get('table', table) as string) ?? '';
      const hasRowid = !/WITHOUT\s+ROWID/i.test(sql);
      shape = {
        names: info.map((c) => c.name),
        rowidKey: hasRowid && pks.length === 1 && pks[0].type.toUpperCase() === 'INTEGER' ? pks[0].name : null,
        hasRowid,
      };
      this.#columns.set(table, shape);
    }
    return shape;
  }

  /** Tables with a foreign key to `parent`, and the referencing column. */
  children(parent: string): { table: string; column: string }[] {
    const tables = this.#db
      .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .pluck()
      .all() as string[];
    return tables.flatMap((table) =>
      (this.#db.pragma(`foreign_key_list(${quote(table)})`) as { table: string; from: string }[])
        .filter((fk) => fk.table === parent && table !== parent)
        .map((fk) => ({ table, column: fk.from })),
    );
  }

  /** Rows where `column` = `value`, in the order they were written. */
  select(table: string, column: string, value: unknown): Row[] {
    const order = this.shape(table).hasRowid ? ' ORDER BY rowid' : '';
    return this.#db.prepare(`SELECT * FROM ${quote(table)} WHERE ${quote(column)} = ?${order}`).all(value) as Row[];
  }

  /**
   * Inserts a row copied from another database of the same schema. `fresh` names a surrogate key the
   * row gets anew here (`id` of a face or variant); natural keys (an analysis's image id) are kept.
   */
  insert(table: string, row: Row, options: { fresh?: string | null; orIgnore?: boolean } = {}): { id: number; changes: number } {
    const { names } = this.shape(table);
    const cols = names.filter((n) => n !== options.fresh && n in row);
    const sql = `INSERT ${options.orIgnore ? 'OR IGNORE ' : ''}INTO ${quote(table)} (${cols.map(quote).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`;
    const result = this.#db.prepare(sql).run(...cols.map((c) => row[c]));
    return { id: Number(result.lastInsertRowid), changes: result.changes };
  }
}

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
