import { writable } from 'svelte/store';
import { ApiClient } from '#api/client.ts';
import type { CommandName, EventName, EventPayload, Input, Output } from '#api/contract.ts';
import { ApiError } from '#api/errors.ts';
import type { Backend, ConnectionState } from '../backend/backend.ts';

type Handler<K extends CommandName> = (input: Input<K>) => Output<K> | Promise<Output<K>>;
export type FakeHandlers = { [K in CommandName]?: Handler<K> };

/**
 * For specs only: a Backend whose host is a map of handlers. Thrown ApiErrors travel as error
 * replies, exactly as the real router sends them, so the client's checks run unchanged.
 */
export class FakeBackend implements Backend {
  readonly kind = 'web';
  readonly client: ApiClient;
  readonly connection = writable<ConnectionState>({ status: 'open', epoch: 1 });
  readonly calls: { command: string; input: unknown }[] = [];
  handlers: FakeHandlers;
  readonly #listeners = new Set<(event: string, payload: unknown) => void>();

  constructor(handlers: FakeHandlers = {}) {
    this.handlers = handlers;
    this.client = new ApiClient({
      send: async (command, input) => {
        this.calls.push({ command, input });
        const handler = this.handlers[command as CommandName] as ((input: unknown) => unknown) | undefined;
        try {
          if (!handler) throw new ApiError('UNKNOWN_COMMAND', `no fake for ${command}`);
          return { ok: true, output: await handler(input) };
        } catch (error) {
          if (error instanceof ApiError) return { ok: false, error: error.toShape() };
          throw error;
        }
      },
      listen: (handler) => {
        this.#listeners.add(handler);
        return () => this.#listeners.delete(handler);
      },
    });
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const listener of this.#listeners) listener(event, payload);
  }

  callsOf(command: CommandName): unknown[] {
    return this.calls.filter((call) => call.command === command).map((call) => call.input);
  }

  mediaUrl(key: string): string {
    return `/media/${key}`;
  }

  dispose(): void {
    this.#listeners.clear();
  }
}

/** Lets pending promise callbacks (fake replies, state updates) run. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setTimeout(resolve, 0));
}
