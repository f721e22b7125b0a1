import { writable } from 'svelte/store';
import { z } from 'zod';
import { ApiClient } from '#api/client.ts';
import {
  commands,
  events,
  isCommandName,
  type CommandName,
  type EventName,
  type EventPayload,
  type Output,
  type ParsedInput,
} from '#api/contract.ts';
import { ApiError } from '#api/errors.ts';
import type { Backend, ConnectionState } from '../backend/backend.ts';

type Handler<K extends CommandName> = (input: ParsedInput<K>) => Output<K> | Promise<Output<K>>;
export type FakeHandlers = { [K in CommandName]?: Handler<K> };

/** A fake answered with something the contract does not allow: the spec's fixture is wrong, not the UI. */
export class ContractViolation extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContractViolation';
  }
}

/**
 * The one fake host for renderer specs: a Backend whose host is a map of handlers, held to the API
 * contract the way the real router holds the services. Only contract commands may be answered; input
 * is parsed by the contract's schema first (an invalid call gets the router's INVALID_INPUT reply,
 * and handlers see the parsed input with its defaults); a reply outside the output schema throws a
 * ContractViolation naming the command. Thrown ApiErrors travel as error replies, as the router sends them.
 */
export class FakeBackend implements Backend {
  readonly kind = 'web';
  readonly client: ApiClient;
  readonly connection = writable<ConnectionState>({ status: 'open', epoch: 1 });
  readonly calls: { command: string; input: unknown }[] = [];
  /** Replaceable per spec; typed by the contract, and checked against it again at construction. */
  handlers: FakeHandlers;
  readonly #listeners = new Set<(event: string, payload: unknown) => void>();

  constructor(handlers: FakeHandlers = {}) {
    for (const name of Object.keys(handlers)) {
      if (!isCommandName(name)) throw new ContractViolation(`${name} is not a command of the API contract`);
    }
    this.handlers = handlers;
    this.client = new ApiClient({
      send: async (command, input) => {
        this.calls.push({ command, input });
        try {
          if (!isCommandName(command)) throw new ApiError('UNKNOWN_COMMAND', `unknown command ${command}`);
          const handler = this.handlers[command] as ((input: unknown) => unknown) | undefined;
          if (!handler) throw new ApiError('UNKNOWN_COMMAND', `no fake for ${command}`);
          const parsed = commands[command].input.safeParse(input ?? {});
          if (!parsed.success) throw new ApiError('INVALID_INPUT', `${command}: ${z.prettifyError(parsed.error)}`);
          const output = await handler(parsed.data);
          const checked = commands[command].output.safeParse(output);
          if (!checked.success)
            throw new ContractViolation(`fake ${command} replied outside the contract: ${z.prettifyError(checked.error)}`);
          return { ok: true, output: checked.data };
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

  /** A malformed event would be dropped by the client without a word: the fake refuses to send one. */
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    const checked = events[event].safeParse(payload);
    if (!checked.success) throw new ContractViolation(`fake event ${event} is outside the contract: ${z.prettifyError(checked.error)}`);
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
