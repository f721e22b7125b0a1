import type { RawData, WebSocket } from 'ws';
import { ApiError, type ErrorCode } from '#api/errors.ts';
import { ClientFrame, type HostFrame, type Reply } from '#api/wire.ts';
import type { Router } from '../../core/api-router.ts';
import type { FairScheduler } from './fair-scheduler.ts';
import { nestsDeeperThan } from './json-nesting.ts';
import type { SocketLimits } from './socket-limits.ts';

export interface ApiSocketContext {
  readonly router: Router;
  readonly scheduler: FairScheduler;
  readonly limits: SocketLimits;
  /** Runs after every frame sent to this socket, so the host can hold all sockets to one budget. */
  readonly afterSend: (ws: WebSocket) => void;
  readonly log: (message: string) => void;
}

/** The id a reply carries when the call it answers could not be read. */
export const UNREAD_CALL_ID = -1;

/**
 * Serves the API over one authenticated socket. Nothing a client sends can throw out of here: a
 * protocol violation closes this socket only (ws answers it with the right close code), and a call
 * that is too big, too deep or not a call is answered with an error while the socket stays open.
 */
export function serveApiSocket(ws: WebSocket, context: ApiSocketContext): void {
  const { limits } = context;
  let paused = false;
  const lane = context.scheduler.lane(limits.maxRunningCalls, (queued) => {
    // Backpressure through TCP: a burst waits in the client's send buffer, not in our memory.
    if (!paused && queued >= limits.maxQueuedCalls) {
      paused = true;
      ws.pause();
    } else if (paused && queued <= limits.maxQueuedCalls / 2) {
      paused = false;
      ws.resume();
    }
  });
  ws.on('error', (error) => context.log(`web socket dropped: ${error.message}`));
  ws.on('close', () => lane.close());

  const respond = (id: number, reply: Reply): void => {
    if (ws.readyState !== ws.OPEN) return;
    let text = JSON.stringify({ type: 'reply', id, reply } satisfies HostFrame);
    if (byteLengthOver(text, limits.maxReplyBytes)) {
      const megabytes = (Buffer.byteLength(text) / 2 ** 20).toFixed(1);
      text = JSON.stringify({
        type: 'reply',
        id,
        reply: failure(
          'PAYLOAD_TOO_LARGE',
          `the reply is ${megabytes} MiB, over the ${limits.maxReplyBytes >> 20} MiB limit; ask for fewer items`,
        ),
      } satisfies HostFrame);
    }
    ws.send(text);
    context.afterSend(ws);
  };

  ws.on('message', (data: RawData, isBinary: boolean) => {
    const bytes = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength;
    const head = textHead(data);
    if (isBinary) return respond(callIdIn(head), failure('INVALID_INPUT', 'calls are JSON text frames; binary frames are refused'));
    if (bytes > limits.maxMessageBytes) {
      return respond(
        callIdIn(head),
        failure('PAYLOAD_TOO_LARGE', `the call is ${(bytes / 2 ** 20).toFixed(1)} MiB, over the ${limits.maxMessageBytes >> 20} MiB limit`),
      );
    }
    const text = String(data);
    if (nestsDeeperThan(text, limits.maxNestingDepth)) {
      return respond(callIdIn(head), failure('INVALID_INPUT', `the call nests deeper than ${limits.maxNestingDepth} levels`));
    }
    let frame: ClientFrame;
    try {
      frame = ClientFrame.parse(JSON.parse(text));
    } catch {
      return respond(callIdIn(head), failure('INVALID_INPUT', 'not a call: expected {"type":"call","id":<n>,"command":"…","input":…}'));
    }
    lane.enqueue(async () => {
      const reply = await context.router(frame.command, frame.input);
      const started = performance.now();
      respond(frame.id, reply);
      lane.bill(performance.now() - started);
    });
  });
}

function failure(code: ErrorCode, message: string): Reply {
  return { ok: false, error: new ApiError(code, message).toShape() };
}

function byteLengthOver(text: string, limit: number): boolean {
  if (text.length > limit) return true;
  if (text.length * 3 <= limit) return false;
  return Buffer.byteLength(text) > limit;
}

function textHead(data: RawData): string {
  const first = Array.isArray(data) ? data[0] : data;
  if (!first) return '';
  const bytes = first instanceof ArrayBuffer ? Buffer.from(first, 0, Math.min(256, first.byteLength)) : first.subarray(0, 256);
  return bytes.toString('latin1');
}

/** The id of a call that could not be parsed, when its first bytes still show one, so the caller's promise settles. */
function callIdIn(head: string): number {
  const match = /"id"\s*:\s*(\d{1,15})[,}\s]/.exec(head);
  return match ? Number(match[1]) : UNREAD_CALL_ID;
}
