import type { ApiClient } from '#api/client.ts';
import type { SystemInfo } from '#api/system.ts';
import type { Notices } from './notices.svelte.ts';

export class SystemState {
  info = $state.raw<SystemInfo | null>(null);
  readonly #client: ApiClient;
  readonly #notices: Notices;

  constructor(client: ApiClient, notices: Notices) {
    this.#client = client;
    this.#notices = notices;
  }

  async load(): Promise<void> {
    try {
      this.info = await this.#client.call('system.info', {});
    } catch (error) {
      this.#notices.report(error, 'Reading system info');
    }
  }
}
