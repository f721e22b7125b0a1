import type { DecisionStatus, HistoryState } from '#api/curation.ts';
import type Database from 'better-sqlite3';
import type { ProjectDatabase } from '../project/project-database.ts';

/** A variant's decision as stored; null status means undecided (no row). */
export interface DecisionState {
  readonly status: DecisionStatus | null;
  readonly by: string | null;
  readonly at: string | null;
}

export interface PlannedChange {
  readonly variantId: number;
  readonly before: DecisionState;
  readonly after: DecisionStatus | null;
}

export interface LoggedAction {
  readonly actionId: number | null;
  readonly label: string | null;
  readonly variantIds: readonly number[];
}

interface ActionRow {
  id: number;
  label: string;
  actor: string;
  at: string;
}

interface ChangeRow {
  variant_id: number;
  before: DecisionStatus | null;
  after: DecisionStatus | null;
  before_by: string | null;
  before_at: string | null;
}

/**
 * Every change to a decision goes through here, as one action in its own IMMEDIATE transaction:
 * the decision rows and the undo log commit together or not at all, before the caller returns.
 * The log lives in the project, so undo and redo survive a restart and are shared by every window.
 */
export class DecisionLog {
  readonly #db: ProjectDatabase;
  readonly #upsert: Database.Statement<[number, DecisionStatus, string, string]>;
  readonly #delete: Database.Statement<[number]>;
  readonly #read: Database.Statement<[number], DecisionState>;

  constructor(db: ProjectDatabase) {
    this.#db = db;
    // Prepared once: a rule can write tens of thousands of rows in one action.
    this.#upsert = db.prepare(
      `INSERT INTO decisions (variant_id, status, decided_by, decided_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (variant_id) DO UPDATE SET status = excluded.status, decided_by = excluded.decided_by,
         decided_at = excluded.decided_at`,
    );
    this.#delete = db.prepare('DELETE FROM decisions WHERE variant_id = ?');
    this.#read = db.prepare('SELECT status, decided_by AS by, decided_at AS at FROM decisions WHERE variant_id = ?');
  }

  /**
   * Runs `plan` inside the transaction (so what it reads cannot change before the write) and records
   * the changes it returns as one action. Changes that would not alter a status are dropped; if none
   * is left, nothing is recorded and the redo branch is kept.
   */
  record(label: string, actor: string, plan: () => readonly PlannedChange[]): LoggedAction {
    const at = new Date().toISOString();
    return this.#db
      .transaction((): LoggedAction => {
        const changes = plan().filter((change) => change.before.status !== change.after);
        if (changes.length === 0) return { actionId: null, label: null, variantIds: [] };
        this.#db.prepare('DELETE FROM decision_actions WHERE undone = 1').run();
        const actionId = Number(
          this.#db.prepare('INSERT INTO decision_actions (label, actor, at) VALUES (?, ?, ?)').run(label, actor, at).lastInsertRowid,
        );
        const insertChange = this.#db.prepare(
          'INSERT INTO decision_changes (action_id, variant_id, before, after, before_by, before_at) VALUES (?, ?, ?, ?, ?, ?)',
        );
        for (const change of changes) {
          insertChange.run(actionId, change.variantId, change.before.status, change.after, change.before.by, change.before.at);
          this.#write(change.variantId, { status: change.after, by: actor, at });
        }
        return { actionId, label, variantIds: changes.map((c) => c.variantId) };
      })
      .immediate();
  }

  /** Plans setting `status` on each listed variant that exists. */
  planSet(variantIds: readonly number[], status: DecisionStatus | null): PlannedChange[] {
    const exists = this.#db.prepare('SELECT 1 FROM variants WHERE id = ?').pluck();
    const planned: PlannedChange[] = [];
    for (const variantId of new Set(variantIds)) {
      if (!exists.get(variantId)) continue;
      planned.push({ variantId, before: this.#state(variantId), after: status });
    }
    return planned;
  }

  undo(): LoggedAction {
    return this.#db
      .transaction((): LoggedAction => {
        const action = this.#db
          .prepare('SELECT id, label, actor, at FROM decision_actions WHERE undone = 0 ORDER BY id DESC LIMIT 1')
          .get() as ActionRow | undefined;
        if (!action) return { actionId: null, label: null, variantIds: [] };
        const changes = this.#changes(action.id);
        for (const change of changes) {
          // Rows logged before provenance was kept fall back to the action's own actor and time.
          this.#write(change.variant_id, {
            status: change.before,
            by: change.before_by ?? action.actor,
            at: change.before_at ?? action.at,
          });
        }
        this.#db.prepare('UPDATE decision_actions SET undone = 1 WHERE id = ?').run(action.id);
        return { actionId: action.id, label: action.label, variantIds: changes.map((c) => c.variant_id) };
      })
      .immediate();
  }

  redo(): LoggedAction {
    return this.#db
      .transaction((): LoggedAction => {
        const action = this.#db
          .prepare('SELECT id, label, actor, at FROM decision_actions WHERE undone = 1 ORDER BY id ASC LIMIT 1')
          .get() as ActionRow | undefined;
        if (!action) return { actionId: null, label: null, variantIds: [] };
        const changes = this.#changes(action.id);
        for (const change of changes) {
          this.#write(change.variant_id, { status: change.after, by: action.actor, at: action.at });
        }
        this.#db.prepare('UPDATE decision_actions SET undone = 0 WHERE id = ?').run(action.id);
        return { actionId: action.id, label: action.label, variantIds: changes.map((c) => c.variant_id) };
      })
      .immediate();
  }

  history(): HistoryState {
    const undo = this.#db.prepare('SELECT label FROM decision_actions WHERE undone = 0 ORDER BY id DESC LIMIT 1').pluck().get() as
      string | undefined;
    const redo = this.#db.prepare('SELECT label FROM decision_actions WHERE undone = 1 ORDER BY id ASC LIMIT 1').pluck().get() as
      string | undefined;
    return { canUndo: undo !== undefined, canRedo: redo !== undefined, undoLabel: undo ?? null, redoLabel: redo ?? null };
  }

  #state(variantId: number): DecisionState {
    return this.#read.get(variantId) ?? { status: null, by: null, at: null };
  }

  #changes(actionId: number): ChangeRow[] {
    return this.#db
      .prepare('SELECT variant_id, before, after, before_by, before_at FROM decision_changes WHERE action_id = ? ORDER BY variant_id')
      .all(actionId) as ChangeRow[];
  }

  #write(variantId: number, state: DecisionState): void {
    if (state.status === null) this.#delete.run(variantId);
    else this.#upsert.run(variantId, state.status, state.by ?? 'unknown', state.at ?? new Date(0).toISOString());
  }
}
