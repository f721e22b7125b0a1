import type { EventBus } from '../core/event-bus.ts';
import type { ProjectDatabase } from '../project/project-database.ts';

const INTERVAL_MS = 500;

/**
 * Tells renderers the dataset moved on, at most twice a second while an import writes: often
 * enough for a live grid, rare enough that the counting query and the refetch it triggers stay cheap.
 */
export class DatasetChanges {
  readonly #db: ProjectDatabase;
  readonly #events: EventBus;
  #last = 0;

  constructor(db: ProjectDatabase, events: EventBus) {
    this.#db = db;
    this.#events = events;
  }

  touch(): void {
    if (Date.now() - this.#last >= INTERVAL_MS) this.flush();
  }

  flush(): void {
    this.#last = Date.now();
    const counts = this.#db
      .prepare(
        `SELECT (SELECT count(*) FROM images WHERE status = 'ok') AS images,
                (SELECT count(*) FROM identities) AS identities`,
      )
      .get() as { images: number; identities: number };
    this.#events.emit('dataset.changed', counts);
  }
}
