import { SvelteMap } from 'svelte/reactivity';
import type { ApiClient } from '#api/client.ts';
import type { ImageBadge } from '#api/vision.ts';
import type { Notices } from './notices.svelte.ts';

/** The most ids one `vision.imageBadges` call may carry (the contract's limit). */
const BATCH = 5000;

/**
 * Face-analysis badges for dataset tiles (status, quality, outlier). Tiles ask with `get` while
 * they render; the ids asked for in one tick go to the host in one call. `invalidate` marks every
 * badge stale without dropping it, and only tiles that render again ask again, so after new
 * analyses a 100k-image project refetches one screenful, not everything it has ever shown.
 */
export class VisionBadges {
  readonly #client: ApiClient;
  readonly #notices: Notices;
  readonly #badges = new SvelteMap<number, ImageBadge>();
  /** Bumped by `invalidate`; reading it makes every tile that showed a badge render (and ask) again. */
  #generation = $state(0);
  /** The generation each badge was requested in. */
  readonly #requested = new Map<number, number>();
  readonly #wanted = new Set<number>();
  #scheduled = false;
  /** Bumped by `clear`: answers to calls made before a project switch are dropped. */
  #project = 0;

  constructor(client: ApiClient, notices: Notices) {
    this.#client = client;
    this.#notices = notices;
  }

  /** Undefined until loaded; a loaded badge with a null status is an image not analysed yet. */
  get(imageId: number): ImageBadge | undefined {
    const generation = this.#generation;
    if ((this.#requested.get(imageId) ?? -1) < generation) {
      this.#requested.set(imageId, generation);
      this.#wanted.add(imageId);
      this.#schedule();
    }
    return this.#badges.get(imageId);
  }

  invalidate(): void {
    this.#generation++;
  }

  /** A project switch: nothing shown belongs to the new project. */
  clear(): void {
    this.#badges.clear();
    this.#requested.clear();
    this.#wanted.clear();
    this.#generation++;
    this.#project++;
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => void this.#flush());
  }

  async #flush(): Promise<void> {
    this.#scheduled = false;
    const imageIds = [...this.#wanted].slice(0, BATCH);
    for (const id of imageIds) this.#wanted.delete(id);
    if (imageIds.length === 0) return;
    const [generation, project] = [this.#generation, this.#project];
    try {
      const badges = await this.#client.call('vision.imageBadges', { imageIds });
      if (project === this.#project) for (const badge of badges) this.#badges.set(badge.imageId, badge);
    } catch (error) {
      this.#notices.report(error, 'Loading face badges');
      // Forgotten, so a tile without its badge asks again the next time it renders.
      if (project === this.#project) for (const id of imageIds) if (this.#requested.get(id) === generation) this.#requested.delete(id);
    }
    if (this.#wanted.size > 0) this.#schedule();
  }
}
