import type { EventName, EventPayload } from '#api/contract.ts';

type Listener = (event: EventName, payload: unknown) => void;

/** Services publish here; each host forwards every event to its connected renderers. */
export class EventBus {
  readonly #listeners = new Set<Listener>();

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const listener of this.#listeners) listener(event, payload);
  }

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
