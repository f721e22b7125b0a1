import type { ApiClient } from '../../../../api/client.ts';
import type { CurationProgress } from '../../../../api/curation.ts';
import type { Notices } from './notices.svelte.ts';

export function reviewedFraction(counts: { total: number; reviewed: number }): number {
  return counts.total > 0 ? counts.reviewed / counts.total : 0;
}

/** Reviewed / accepted / rejected, overall and per identity, kept current after every change. */
export class CurationProgressState {
  progress = $state.raw<CurationProgress | null>(null);
  readonly #client: ApiClient;
  readonly #notices: Notices;

  constructor(client: ApiClient, notices: Notices) {
    this.#client = client;
    this.#notices = notices;
  }

  async load(): Promise<void> {
    try {
      this.progress = await this.#client.call('curation.progress', {});
    } catch (error) {
      this.#notices.report(error, 'Loading review progress');
    }
  }

  clear(): void {
    this.progress = null;
  }
}
