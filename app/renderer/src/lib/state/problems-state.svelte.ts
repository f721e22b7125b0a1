import type { ApiClient } from '#api/client.ts';
import type { ImageSummary } from '#api/dataset.ts';
import type { Notices } from './notices.svelte.ts';
import { PagedWindow } from './paged-window.svelte.ts';

/**
 * Files the import rejected (with the reason code the host gave) and duplicates. The first page
 * loads even while the panel is collapsed, because its header shows the total.
 */
export class ProblemsState {
  expanded = $state(false);
  readonly rows: PagedWindow<ImageSummary>;

  constructor(client: ApiClient, notices: Notices) {
    this.rows = new PagedWindow(
      (offset, limit) => client.call('dataset.problems', { offset, limit }),
      (error) => notices.report(error, 'Loading problems'),
      { pageSize: 500, overscan: 100 },
    );
  }

  get total(): number | null {
    return this.rows.total;
  }

  adopt(): void {
    this.rows.reset();
  }

  refresh(): void {
    this.rows.refresh();
  }

  clear(): void {
    this.expanded = false;
    this.rows.clear();
  }

  toggle(): void {
    this.expanded = !this.expanded;
  }
}
