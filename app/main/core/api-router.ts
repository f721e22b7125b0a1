import { z } from 'zod';
import { commands, isCommandName, type CommandName, type Output, type ParsedInput } from '#api/contract.ts';
import { ApiError } from '#api/errors.ts';
import type { Reply } from '#api/wire.ts';

export type Handlers = {
  [K in CommandName]: (input: ParsedInput<K>) => Promise<Output<K>> | Output<K>;
};

export type Router = (command: unknown, input: unknown) => Promise<Reply>;

/**
 * The single dispatch both hosts use: it validates the command name and input against the
 * contract before any service runs, and checks what the service returns before it leaves.
 */
export function createRouter(handlers: Handlers, onInternalError: (error: unknown) => void): Router {
  return async (command, input) => {
    try {
      if (!isCommandName(command)) {
        throw new ApiError('UNKNOWN_COMMAND', `unknown command ${JSON.stringify(String(command)).slice(0, 80)}`);
      }
      const spec = commands[command];
      const parsed = spec.input.safeParse(input ?? {});
      if (!parsed.success) {
        throw new ApiError('INVALID_INPUT', `${command}: ${z.prettifyError(parsed.error)}`);
      }
      const handler = handlers[command] as (input: unknown) => unknown;
      const output = spec.output.parse(await handler(parsed.data));
      return { ok: true, output };
    } catch (error) {
      if (error instanceof ApiError) return { ok: false, error: error.toShape() };
      onInternalError(error);
      const message = error instanceof Error ? error.message : String(error);
      return { ok: false, error: { code: 'INTERNAL', message } };
    }
  };
}
