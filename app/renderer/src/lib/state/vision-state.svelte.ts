import type { ApiClient } from '#api/client.ts';
import type { IdentityFaces, ImageDetail, VisionSummary } from '#api/vision.ts';
import type { Notices } from './notices.svelte.ts';

export type FaceOrder = 'farthest' | 'nearest';

/**
 * Face analysis of the open project: its summary, one identity's faces by distance to the
 * identity's centroid (while that view is shown), and one image's detail (while it is open).
 */
export class VisionState {
  summary = $state.raw<VisionSummary | null>(null);
  /** Whether the dataset area shows the selected identity's faces instead of its images. */
  facesShown = $state(false);
  order = $state<FaceOrder>('farthest');
  /** The faces of the selected identity; null while loading or while the faces view is hidden. */
  identity = $state.raw<IdentityFaces | null>(null);
  detail = $state.raw<ImageDetail | null>(null);
  starting = $state(false);
  readonly #client: ApiClient;
  readonly #notices: Notices;
  #identityId: number | null = null;
  // Answers are dropped when a newer request (or a close) came after them, so a slow reply never
  // replaces what the user moved on to.
  #identityRequest = 0;
  #detailRequest = 0;

  constructor(client: ApiClient, notices: Notices) {
    this.#client = client;
    this.#notices = notices;
  }

  /** A project was opened. */
  adopt(): void {
    this.clear();
    void this.loadSummary();
  }

  clear(): void {
    this.summary = null;
    this.facesShown = false;
    this.identity = null;
    this.detail = null;
    this.#identityId = null;
    this.#identityRequest++;
    this.#detailRequest++;
  }

  /** The host has new analyses, primary faces or centroids: reload what is on screen. */
  refresh(): void {
    void this.loadSummary();
    if (this.facesShown) void this.#loadIdentity();
    if (this.detail) void this.#loadDetail(this.detail.imageId);
  }

  async loadSummary(): Promise<void> {
    try {
      this.summary = await this.#client.call('vision.summary', {});
    } catch (error) {
      this.#notices.report(error, 'Loading the analysis summary');
    }
  }

  /** Starts the analyze job; `imageIds` are analysed again, everything not yet analysed runs anyway. */
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

  /** The sidebar's selection; "All images" has no centroid, so it hides the faces view. */
  setIdentity(identityId: number | null): void {
    if (identityId === this.#identityId) return;
    this.#identityId = identityId;
    this.identity = null;
    this.#identityRequest++;
    if (identityId === null) this.facesShown = false;
    else if (this.facesShown) void this.#loadIdentity();
  }

  showFaces(shown: boolean): void {
    this.facesShown = shown && this.#identityId !== null;
    if (this.facesShown) {
      void this.#loadIdentity();
    } else {
      this.identity = null;
      this.#identityRequest++;
    }
  }

  setOrder(order: FaceOrder): void {
    if (order === this.order) return;
    this.order = order;
    if (this.facesShown) void this.#loadIdentity();
  }

  openImage(imageId: number): Promise<void> {
    return this.#loadDetail(imageId);
  }

  closeImage(): void {
    this.detail = null;
    this.#detailRequest++;
  }

  async setPrimaryFace(faceId: number): Promise<void> {
    const detail = this.detail;
    if (!detail) return;
    const request = ++this.#detailRequest;
    try {
      const next = await this.#client.call('vision.setPrimaryFace', { imageId: detail.imageId, faceId });
      if (request === this.#detailRequest) this.detail = next;
    } catch (error) {
      this.#notices.report(error, 'Choosing the face that stands for the image');
    }
  }

  async #loadIdentity(): Promise<void> {
    const identityId = this.#identityId;
    if (identityId === null) return;
    const request = ++this.#identityRequest;
    try {
      const faces = await this.#client.call('vision.identityFaces', { identityId, order: this.order });
      if (request === this.#identityRequest) this.identity = faces;
    } catch (error) {
      this.#notices.report(error, 'Loading the identity’s faces');
    }
  }

  async #loadDetail(imageId: number): Promise<void> {
    const request = ++this.#detailRequest;
    try {
      const detail = await this.#client.call('vision.imageDetail', { imageId });
      if (request === this.#detailRequest) this.detail = detail;
    } catch (error) {
      this.#notices.report(error, 'Loading the image detail');
    }
  }
}
