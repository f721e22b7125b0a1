import type { ApiClient } from '../../../../api/client.ts';
import type { IdentityFaces, ImageDetail, VisionSummary } from '../../../../api/vision.ts';
import type { Notices } from './notices.svelte.ts';

/**
 * The vision panel: analysis progress, one identity's faces by distance to its centroid, and one
 * image's detail. It reloads what is on screen when the host reports new analyses.
 */
export class VisionState {
  summary = $state.raw<VisionSummary | null>(null);
  identity = $state.raw<IdentityFaces | null>(null);
  detail = $state.raw<ImageDetail | null>(null);
  starting = $state(false);
  readonly #client: ApiClient;
  readonly #notices: Notices;

  constructor(client: ApiClient, notices: Notices) {
    this.#client = client;
    this.#notices = notices;
  }

  /** Subscribes to analysis changes; returns the teardown. */
  start(): () => void {
    void this.loadSummary();
    return this.#client.on('vision.changed', () => {
      void this.loadSummary();
      if (this.identity) void this.openIdentity(this.identity.identityId);
      if (this.detail) void this.openImage(this.detail.imageId);
    });
  }

  async loadSummary(): Promise<void> {
    try {
      this.summary = await this.#client.call('vision.summary', {});
    } catch (error) {
      this.#notices.report(error, 'Loading the analysis summary');
    }
  }

  async analyze(imageIds: number[] = []): Promise<void> {
    this.starting = true;
    try {
      await this.#client.call('vision.analyze', { imageIds });
    } catch (error) {
      this.#notices.report(error, 'Starting face analysis');
    } finally {
      this.starting = false;
    }
  }

  async openIdentity(identityId: number | null): Promise<void> {
    if (identityId === null) {
      this.identity = null;
      return;
    }
    try {
      this.identity = await this.#client.call('vision.identityFaces', { identityId, order: 'farthest' });
    } catch (error) {
      this.#notices.report(error, 'Loading the identity’s faces');
    }
  }

  async openImage(imageId: number): Promise<void> {
    try {
      this.detail = await this.#client.call('vision.imageDetail', { imageId });
    } catch (error) {
      this.#notices.report(error, 'Loading the image detail');
    }
  }

  closeImage(): void {
    this.detail = null;
  }

  async setPrimaryFace(faceId: number): Promise<void> {
    if (!this.detail) return;
    try {
      this.detail = await this.#client.call('vision.setPrimaryFace', { imageId: this.detail.imageId, faceId });
    } catch (error) {
      this.#notices.report(error, 'Choosing the primary face');
    }
  }
}
