import type { ApiClient } from '#api/client.ts';
import type { EventPayload } from '#api/contract.ts';
import type { IdentitySummary, ImageStatus, ImageSummary, ImportRequest } from '#api/dataset.ts';
import type { Notices } from './notices.svelte.ts';
import { PagedWindow } from './paged-window.svelte.ts';

export type StatusFilter = 'all' | ImageStatus;

const identityNameOrder = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** The identities of the open project and the image window the grid shows. */
export class DatasetState {
  identities = $state.raw<IdentitySummary[]>([]);
  /** Null means all images. */
  selectedIdentityId = $state<number | null>(null);
  statusFilter = $state<StatusFilter>('all');
  imageCount = $state(0);
  identityCount = $state(0);
  importing = $state(false);
  readonly images: PagedWindow<ImageSummary>;
  readonly selectedIdentity = $derived(this.identities.find((identity) => identity.id === this.selectedIdentityId) ?? null);
  readonly #client: ApiClient;
  readonly #notices: Notices;
  readonly #onSelect: (identityId: number | null) => void;

  constructor(client: ApiClient, notices: Notices, onSelect: (identityId: number | null) => void = () => {}) {
    this.#client = client;
    this.#notices = notices;
    this.#onSelect = onSelect;
    this.images = new PagedWindow(
      (offset, limit) => {
        // A loaded image beside the page lets the host seek from it, as curation pages do: a scroll costs the same anywhere in the list.
        const { above, below } = this.images.neighbours(offset, offset + limit);
        return this.#client.call('dataset.images', {
          offset,
          limit,
          identityId: this.selectedIdentityId ?? undefined,
          status: this.statusFilter === 'all' ? undefined : [this.statusFilter],
          ...(above
            ? { after: { imageId: above.id, offset: offset - 1 } }
            : below
              ? { before: { imageId: below.id, offset: offset + limit } }
              : {}),
        });
      },
      (error) => this.#notices.report(error, 'Loading images'),
    );
  }

  /** A project was opened: start from its counts and load its identities and first images. */
  adopt(counts: { images: number; identities: number }): void {
    this.imageCount = counts.images;
    this.identityCount = counts.identities;
    this.selectedIdentityId = null;
    this.statusFilter = 'all';
    this.images.reset();
    void this.loadIdentities();
  }

  clear(): void {
    this.identities = [];
    this.selectedIdentityId = null;
    this.statusFilter = 'all';
    this.imageCount = 0;
    this.identityCount = 0;
    this.images.clear();
  }

  async loadIdentities(): Promise<void> {
    try {
      // The host sends byte order (s10 before s3); people expect the numeric parts compared as numbers.
      const identities = await this.#client.call('dataset.identities', {});
      this.identities = identities.toSorted((a, b) => identityNameOrder.compare(a.name, b.name));
      this.identityCount = this.identities.length;
      if (this.selectedIdentityId !== null && !this.selectedIdentity) this.select(null);
    } catch (error) {
      this.#notices.report(error, 'Loading identities');
    }
  }

  select(identityId: number | null): void {
    if (identityId === this.selectedIdentityId) return;
    this.selectedIdentityId = identityId;
    this.images.reset();
    this.#onSelect(identityId);
  }

  setStatusFilter(filter: StatusFilter): void {
    if (filter === this.statusFilter) return;
    this.statusFilter = filter;
    this.images.reset();
  }

  /** Returns the import job's id, or null when the host refused (the notice says why). */
  async import(request: ImportRequest): Promise<number | null> {
    this.importing = true;
    try {
      const { jobId } = await this.#client.call('dataset.import', request);
      return jobId;
    } catch (error) {
      this.#notices.report(error, 'Starting import');
      return null;
    } finally {
      this.importing = false;
    }
  }

  setCounts(counts: EventPayload<'dataset.changed'>): void {
    this.imageCount = counts.images;
    this.identityCount = counts.identities;
  }

  /** Reloads identities and the images on screen, keeping the selection and what is shown until new data arrives. */
  refresh(): void {
    this.images.refresh();
    void this.loadIdentities();
  }
}
