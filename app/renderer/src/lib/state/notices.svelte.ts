import { ZodError } from 'zod';
import { ApiError } from '#api/errors.ts';
import { ConnectionLostError } from '../backend/backend.ts';

export interface ErrorSummary {
  readonly code: string;
  readonly message: string;
}

export interface Notice extends ErrorSummary {
  readonly id: number;
  /** What the user was doing, e.g. "Loading images". */
  readonly context: string;
  /** How many times the same error repeated, so a flapping call does not bury everything else. */
  readonly repeats: number;
}

/** Turns anything a call can throw into a code and a message a person can act on. */
export function summarizeError(error: unknown): ErrorSummary {
  if (error instanceof ApiError || error instanceof ConnectionLostError) return { code: error.code, message: error.message };
  // The client checks every reply against the contract; a mismatch means host and renderer disagree.
  if (error instanceof ZodError) return { code: 'BAD_REPLY', message: error.issues.map((i) => i.message).join('; ') };
  if (error instanceof Error) return { code: error.name || 'ERROR', message: error.message };
  return { code: 'ERROR', message: String(error) };
}

const problemNames: Record<string, string> = {
  INVALID_INPUT: 'Not accepted',
  UNKNOWN_COMMAND: 'This host does not know that action',
  NOT_FOUND: 'Not found',
  NO_PROJECT: 'No project open',
  PROJECT_IN_USE: 'Project in use',
  PROJECT_INVALID: 'Not a usable project',
  JOB_CONFLICT: 'Another job is in the way',
  PACK_INVALID: 'Generator pack rejected',
  UNSUPPORTED: 'Not supported',
  UNAUTHORIZED: 'Signed out',
  INTERNAL: 'Host error',
  DISCONNECTED: 'Host unreachable',
  BAD_REPLY: 'Unexpected reply from the host',
};

/** What a person reads instead of the code (which stays in the toast's data and tooltip for bug reports). */
export function problemName(code: string): string {
  return problemNames[code] ?? 'Error';
}

/** The toast's title: what the user was doing, said as what failed. */
export function failureTitle(context: string): string {
  return `${context} failed`;
}

/** Every failed call ends up here and stays on screen until the user dismisses it. */
export class Notices {
  items = $state.raw<Notice[]>([]);
  #nextId = 1;

  report(error: unknown, context: string): void {
    const summary = summarizeError(error);
    const last = this.items.at(-1);
    if (last && last.code === summary.code && last.message === summary.message && last.context === context) {
      this.items = [...this.items.slice(0, -1), { ...last, repeats: last.repeats + 1 }];
      return;
    }
    this.items = [...this.items, { ...summary, id: this.#nextId++, context, repeats: 1 }];
  }

  dismiss(id: number): void {
    this.items = this.items.filter((notice) => notice.id !== id);
  }

  clear(): void {
    this.items = [];
  }
}
