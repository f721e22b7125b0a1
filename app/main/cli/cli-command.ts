import type { ApiClient } from '#api/client.ts';
import type { AppServices } from '../host/app-services.ts';
import type { ParsedArgs } from './cli-args.ts';

export interface CliContext {
  readonly args: ParsedArgs;
  readonly client: ApiClient;
  readonly services: AppServices;
  readonly out: (line: string) => void;
}

export interface CliCommand {
  readonly name: string;
  readonly usage: string;
  readonly summary: string;
  readonly switches?: readonly string[];
  /** Returns the process exit code; a command that serves returns only when asked to stop. */
  run(context: CliContext): Promise<number>;
}
