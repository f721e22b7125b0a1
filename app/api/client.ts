import { commands, events, isEventName, type CommandName, type EventName, type EventPayload, type Input, type Output } from './contract.ts';
import { ApiError } from './errors.ts';
import { Reply } from './wire.ts';

/** A transport moves an untyped call to a host and back; the client adds the contract's types and checks. */
export interface Transport {
  send(command: string, input: unknown): Promise<unknown>;
  listen(handler: (event: string, payload: unknown) => void): () => void;
}

export type EventHandler<E extends EventName> = (payload: EventPayload<E>) => void;

export class ApiClient {
  readonly #transport: Transport;
  readonly #handlers = new Map<EventName, Set<(payload: unknown) => void>>();

  constructor(transport: Transport) {
    this.#transport = transport;
    transport.listen((event, payload) => this.#dispatch(event, payload));
  }

  async call<K extends CommandName>(command: K, input: Input<K>): Promise<Output<K>> {
    const reply = Reply.parse(await this.#transport.send(command, input));
    if (!reply.ok) throw ApiError.fromShape(reply.error);
    return commands[command].output.parse(reply.output) as Output<K>;
  }

  on<E extends EventName>(event: E, handler: EventHandler<E>): () => void {
    let set = this.#handlers.get(event);
    if (!set) this.#handlers.set(event, (set = new Set()));
    const untyped = handler as (payload: unknown) => void;
    set.add(untyped);
    return () => set.delete(untyped);
  }

  #dispatch(event: string, payload: unknown): void {
    if (!isEventName(event)) return;
    const parsed = events[event].safeParse(payload);
    if (!parsed.success) return;
    for (const handler of this.#handlers.get(event) ?? []) handler(parsed.data);
  }
}
