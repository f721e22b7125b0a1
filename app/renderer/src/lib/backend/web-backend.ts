import { writable, type Readable } from 'svelte/store';
import { ApiClient, type Transport } from '#api/client.ts';
import { HostFrame, type ClientFrame } from '#api/wire.ts';
import { ConnectionLostError, encodeMediaKey, type Backend, type ConnectionState } from './backend.ts';

export interface WebBackendOptions {
  /** Defaults to `/api/ws` on the page's own host; the host's HttpOnly cookie authenticates it. */
  readonly url?: string;
  readonly createSocket?: (url: string) => WebSocket;
  /** Delay before each reconnect attempt; the last entry repeats. */
  readonly backoffMs?: readonly number[];
  /** How long a call made while disconnected waits for a connection before it fails. */
  readonly queueTimeoutMs?: number;
  /**
   * Asked after a drop, since a browser reports a refused upgrade and a dead host alike (1006):
   * whether the host is there and refuses this page's login.
   */
  readonly probe?: () => Promise<HostProbe>;
}

export type HostProbe = 'unauthorized' | 'unreachable' | 'ok';

/** A plain GET of the page's own origin: 401/403 means the host is up and the login is gone. */
export async function probeHost(): Promise<HostProbe> {
  try {
    const response = await fetch('/', { method: 'GET', credentials: 'same-origin', cache: 'no-store' });
    return response.status === 401 || response.status === 403 ? 'unauthorized' : 'ok';
  } catch {
    return 'unreachable';
  }
}

const DEFAULT_BACKOFF_MS = [250, 500, 1_000, 2_000, 4_000, 8_000];
const DEFAULT_QUEUE_TIMEOUT_MS = 15_000;
const PROBE_INTERVAL_MS = 3_000;

export function defaultSocketUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/ws`;
}

interface Pending {
  readonly command: string;
  readonly resolve: (reply: unknown) => void;
  readonly reject: (error: Error) => void;
}

interface Queued extends Pending {
  readonly frame: ClientFrame;
  readonly timer: ReturnType<typeof setTimeout>;
}

/**
 * One call/reply multiplexer over a socket that comes and goes. Event listeners belong to the
 * transport, not to a socket, so they survive reconnects. A call already sent when the socket
 * drops fails at once (the host may or may not have run it, so it is never resent); a call made
 * while disconnected waits for the next connection, up to a limit.
 */
class SocketTransport implements Transport {
  readonly state = writable<ConnectionState>({ status: 'connecting', epoch: 0 });
  readonly #url: string;
  readonly #createSocket: (url: string) => WebSocket;
  readonly #backoffMs: readonly number[];
  readonly #queueTimeoutMs: number;
  readonly #probe: () => Promise<HostProbe>;
  readonly #listeners = new Set<(event: string, payload: unknown) => void>();
  readonly #inflight = new Map<number, Pending>();
  #queue: Queued[] = [];
  #socket: WebSocket | null = null;
  #open = false;
  #nextId = 1;
  #epoch = 0;
  #attempt = 0;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  #disposed = false;
  #unauthorized = false;
  #probedAt = Number.NEGATIVE_INFINITY;

  constructor(
    url: string,
    createSocket: (url: string) => WebSocket,
    backoffMs: readonly number[],
    queueTimeoutMs: number,
    probe: () => Promise<HostProbe>,
  ) {
    this.#probe = probe;
    this.#url = url;
    this.#createSocket = createSocket;
    this.#backoffMs = backoffMs;
    this.#queueTimeoutMs = queueTimeoutMs;
    this.#connect();
  }

  send(command: string, input: unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (this.#disposed) {
        reject(new ConnectionLostError(`${command}: the connection to the Likeness host is closed`));
        return;
      }
      if (this.#unauthorized) {
        reject(new ConnectionLostError(`${command}: the login to the Likeness host has expired; open the address it printed`));
        return;
      }
      const frame: ClientFrame = { type: 'call', id: this.#nextId++, command, input };
      const pending = { command, resolve, reject };
      if (this.#open) {
        this.#transmit(frame, pending);
        return;
      }
      const timer = setTimeout(() => {
        this.#queue = this.#queue.filter((queued) => queued.frame.id !== frame.id);
        reject(
          new ConnectionLostError(`${command}: could not reach the Likeness host within ${Math.round(this.#queueTimeoutMs / 1000)} s`),
        );
      }, this.#queueTimeoutMs);
      this.#queue.push({ ...pending, frame, timer });
    });
  }

  listen(handler: (event: string, payload: unknown) => void): () => void {
    this.#listeners.add(handler);
    return () => this.#listeners.delete(handler);
  }

  dispose(): void {
    this.#disposed = true;
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#socket?.close();
    this.#failInflight('the connection to the Likeness host was closed');
    for (const queued of this.#queue.splice(0)) {
      clearTimeout(queued.timer);
      queued.reject(new ConnectionLostError(`${queued.command}: the connection to the Likeness host was closed`));
    }
  }

  #connect(): void {
    this.#retryTimer = null;
    const socket = this.#createSocket(this.#url);
    this.#socket = socket;
    socket.onopen = () => {
      this.#open = true;
      this.#attempt = 0;
      this.#epoch += 1;
      this.state.set({ status: 'open', epoch: this.#epoch });
      for (const queued of this.#queue.splice(0)) {
        clearTimeout(queued.timer);
        this.#transmit(queued.frame, queued);
      }
    };
    socket.onmessage = (message) => this.#receive(message.data);
    socket.onclose = (close) => this.#closed(socket, close);
  }

  #transmit(frame: ClientFrame, pending: Pending): void {
    this.#inflight.set(frame.id, pending);
    try {
      this.#socket?.send(JSON.stringify(frame));
    } catch (error) {
      this.#inflight.delete(frame.id);
      pending.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  #receive(data: unknown): void {
    let frame: HostFrame;
    try {
      frame = HostFrame.parse(JSON.parse(String(data)));
    } catch (error) {
      // Not an answer to anything we can name; say so rather than drop it silently.
      console.warn('likeness: ignoring malformed frame from host', error);
      return;
    }
    if (frame.type === 'event') {
      for (const listener of this.#listeners) listener(frame.event, frame.payload);
      return;
    }
    const pending = this.#inflight.get(frame.id);
    if (!pending) return;
    this.#inflight.delete(frame.id);
    pending.resolve(frame.reply);
  }

  #closed(socket: WebSocket, close: CloseEvent): void {
    if (socket !== this.#socket) return;
    this.#socket = null;
    this.#open = false;
    const reason = describeClose(close);
    this.#failInflight(`the connection to the Likeness host was lost (${reason})`);
    if (this.#disposed) return;
    const delay = this.#backoffMs[Math.min(this.#attempt, this.#backoffMs.length - 1)];
    this.#attempt += 1;
    this.state.set({ status: 'reconnecting', epoch: this.#epoch, attempt: this.#attempt, retryAt: Date.now() + delay, reason });
    this.#retryTimer = setTimeout(() => this.#connect(), delay);
    // At most one probe per interval: each one a dead host refuses is a line in the browser's console.
    if (close.code === 1006 && Date.now() - this.#probedAt >= PROBE_INTERVAL_MS) {
      this.#probedAt = Date.now();
      void this.#checkLogin(socket);
    }
  }

  /** A refused login never heals by retrying: stop, fail what waits, and say what to do instead. */
  async #checkLogin(dropped: WebSocket): Promise<void> {
    const probe = await this.#probe();
    if (probe !== 'unauthorized' || this.#disposed || this.#open || (this.#socket !== null && this.#socket !== dropped)) return;
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    this.#unauthorized = true;
    this.state.set({ status: 'unauthorized', epoch: this.#epoch });
    for (const queued of this.#queue.splice(0)) {
      clearTimeout(queued.timer);
      queued.reject(new ConnectionLostError(`${queued.command}: the login to the Likeness host has expired`));
    }
  }

  #failInflight(why: string): void {
    const inflight = [...this.#inflight.values()];
    this.#inflight.clear();
    for (const pending of inflight) pending.reject(new ConnectionLostError(`${pending.command}: ${why} before it answered`));
  }
}

function describeClose(close: CloseEvent): string {
  if (close.reason) return `${close.code}: ${close.reason}`;
  // 1006 is all a browser reports when the upgrade is refused, the host is down or the network drops.
  return close.code === 1006 ? 'host unreachable' : `code ${close.code}`;
}

export class WebBackend implements Backend {
  readonly kind = 'web';
  readonly client: ApiClient;
  readonly connection: Readable<ConnectionState>;
  readonly #transport: SocketTransport;

  constructor(options: WebBackendOptions = {}) {
    this.#transport = new SocketTransport(
      options.url ?? defaultSocketUrl(location),
      options.createSocket ?? ((url) => new WebSocket(url)),
      options.backoffMs ?? DEFAULT_BACKOFF_MS,
      options.queueTimeoutMs ?? DEFAULT_QUEUE_TIMEOUT_MS,
      options.probe ?? probeHost,
    );
    this.client = new ApiClient(this.#transport);
    this.connection = { subscribe: this.#transport.state.subscribe };
  }

  mediaUrl(key: string): string {
    return `/media/${encodeMediaKey(key)}`;
  }

  dispose(): void {
    this.#transport.dispose();
  }
}
