import { SvelteMap } from 'svelte/reactivity';
import type { ApiClient } from '../../../../api/client.ts';
import type { ImageBadge } from '../../../../api/vision.ts';

/**
 * Face-analysis badges for dataset tiles (status, quality, outlier), fetched for the tiles on
 * screen in one call per frame's worth of requests and kept until the host reports new analyses.
 * A tile reads `badges.get(imageId)`; undefined means not loaded yet, a null status not analysed.
 */
export class VisionBadges {
  readonly #client: ApiClient;
  readonly #badges = new SvelteMap<number, ImageBadge>();
  readonly #wanted = new Set<number>();
  #scheduled = false;

  constructor(client: ApiClient) {
    this.#client = client;
  }

  /** Subscribes to analysis changes; returns the teardown. */
  start(): () => void {
    return this.#client.on('vision.changed', () => {
      for (const id of this.#badges.keys()) this.#wanted.add(id);
      this.#schedule();
    });
  }

  get(imageId: number): ImageBadge | undefined {
    if (!this.#badges.has(imageId) && !this.#wanted.has(imageId)) {
      this.#wanted.add(imageId);
      this.#schedule();
    }
    return this.#badges.get(imageId);
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => void this.#flush());
  }

  async #flush(): Promise<void> {
    this.#scheduled = false;
    const imageIds = [...this.#wanted].slice(0, 5000);
    for (const id of imageIds) this.#wanted.delete(id);
    if (imageIds.length === 0) return;
    try {
      for (const badge of await this.#client.call('vision.imageBadges', { imageIds })) this.#badges.set(badge.imageId, badge);
    } catch {
      // Badges are decoration: a failed fetch leaves tiles without them and is retried on the next change.
    }
    if (this.#wanted.size > 0) this.#schedule();
  }
}
