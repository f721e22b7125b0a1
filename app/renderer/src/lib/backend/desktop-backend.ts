import { readable } from 'svelte/store';
import { ApiClient } from '#api/client.ts';
import { MEDIA_SCHEME } from '#api/channels.ts';
import { encodeMediaKey, type Backend, type ConnectionState } from './backend.ts';
import type { LikenessBridge } from './preload-bridge.d.ts';

/** IPC to the main process cannot drop while the window lives, so the connection is always open. */
export class DesktopBackend implements Backend {
  readonly kind = 'desktop';
  readonly client: ApiClient;
  readonly connection = readable<ConnectionState>({ status: 'open', epoch: 1 });
  readonly #unlisten: (() => void)[] = [];

  constructor(bridge: LikenessBridge) {
    this.client = new ApiClient({
      send: (command, input) => bridge.call(command, input),
      listen: (handler) => {
        const unlisten = bridge.onEvent(handler);
        this.#unlisten.push(unlisten);
        return unlisten;
      },
    });
  }

  mediaUrl(key: string): string {
    return `${MEDIA_SCHEME}://media/${encodeMediaKey(key)}`;
  }

  dispose(): void {
    for (const unlisten of this.#unlisten.splice(0)) unlisten();
  }
}
