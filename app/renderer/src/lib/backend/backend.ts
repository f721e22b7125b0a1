import type { Readable } from 'svelte/store';
import type { ApiClient } from '#api/client.ts';

/**
 * The link to the host. `epoch` counts successful opens, so a consumer can tell a reconnect
 * (epoch > 1) from the first connect and resync whatever it may have missed while away.
 */
export type ConnectionState =
  | { readonly status: 'connecting'; readonly epoch: number }
  | { readonly status: 'open'; readonly epoch: number }
  | {
      readonly status: 'reconnecting';
      readonly epoch: number;
      readonly attempt: number;
      /** Epoch milliseconds of the next try. */
      readonly retryAt: number;
      readonly reason: string;
    }
  /** The host answers but no longer accepts this page's login (it restarted with a new token): retrying cannot help. */
  | { readonly status: 'unauthorized'; readonly epoch: number };

/**
 * One interface, two hosts: the Electron shell (IPC through the preload) and the local web host
 * (a WebSocket). Everything above this line is host-agnostic.
 */
export interface Backend {
  readonly kind: 'desktop' | 'web';
  readonly client: ApiClient;
  /** A Svelte-store-compatible observable: subscribers get the current value at once, then changes. */
  readonly connection: Readable<ConnectionState>;
  /** A URL an `<img>` can load for a media key such as `thumbs/<sha>.webp`. */
  mediaUrl(key: string): string;
  dispose(): void;
}

/** Keys are slash-separated paths; each segment is encoded so no key can change the URL's shape. */
export function encodeMediaKey(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}

/** Raised by a backend, not the host: the call never got an answer. */
export class ConnectionLostError extends Error {
  readonly code = 'DISCONNECTED';

  constructor(message: string) {
    super(message);
    this.name = 'ConnectionLostError';
  }
}
