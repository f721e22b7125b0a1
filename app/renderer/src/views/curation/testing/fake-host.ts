/**
 * TEST FIXTURE — never shipped. An ApiClient over a scripted host: each command answers from a
 * function of its input (a promise holds the answer back until it settles); `emit` plays a host event.
 */
import { ApiClient, type Transport } from '#api/client.ts';

type Answer = (input: never) => unknown;

export interface FakeHost {
  readonly client: ApiClient;
  readonly calls: { command: string; input: unknown }[];
  emit(event: string, payload: unknown): void;
}

export function fakeHost(answers: Record<string, Answer>): FakeHost {
  const calls: { command: string; input: unknown }[] = [];
  let listener: (event: string, payload: unknown) => void = () => undefined;
  const transport: Transport = {
    send: async (command, input) => {
      calls.push({ command, input });
      const answer = answers[command];
      if (!answer) return { ok: false, error: { code: 'UNKNOWN_COMMAND', message: command } };
      return { ok: true, output: await answer(input as never) };
    },
    listen: (handler) => {
      listener = handler;
      return () => undefined;
    },
  };
  return { client: new ApiClient(transport), calls, emit: (event, payload) => listener(event, payload) };
}
