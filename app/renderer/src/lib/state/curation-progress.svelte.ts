import type { ApiClient } from '#api/client.ts';
import type { CurationProgress, ProgressCounts, TileStatus } from '#api/curation.ts';
import type { Notices } from './notices.svelte.ts';

export function reviewedFraction(counts: { total: number; reviewed: number }): number {
  return counts.total > 0 ? counts.reviewed / counts.total : 0;
}

/** One committed decision, as the grid saw it: what the variant was and what it became. */
export interface DecidedChange {
  readonly from: TileStatus;
  readonly to: TileStatus;
  readonly identityId: number | null;
}

function shifted(counts: ProgressCounts, change: DecidedChange): ProgressCounts {
  const next = { ...counts };
  for (const [status, sign] of [
    [change.from, -1],
    [change.to, 1],
  ] as const) {
    if (status === 'accepted') next.accepted += sign;
    if (status === 'rejected') next.rejected += sign;
  }
  next.reviewed = next.accepted + next.rejected;
  return next;
}

/**
 * Reviewed / accepted / rejected, overall and per identity. A decision the host has committed moves
 * the counts at once (the full query is throttled, and a counter a second behind the tiles reads
 * as lost work); the throttled query then reconciles them with the host.
 */
export class CurationProgressState {
  progress = $state.raw<CurationProgress | null>(null);
  readonly #client: ApiClient;
  readonly #notices: Notices;
  /** Bumped by every local shift, so a query that started before one cannot undo it. */
  #shifts = 0;

  constructor(client: ApiClient, notices: Notices) {
    this.#client = client;
    this.#notices = notices;
  }

  applyDecided(changes: readonly DecidedChange[]): void {
    let progress = this.progress;
    if (!progress) return;
    for (const change of changes) {
      if (change.from === change.to) continue;
      progress = {
        ...shifted(progress, change),
        identities: progress.identities.map((row) => (row.identityId === change.identityId ? { ...row, ...shifted(row, change) } : row)),
      };
    }
    this.#shifts += 1;
    this.progress = progress;
  }

  async load(): Promise<void> {
    const shifts = this.#shifts;
    try {
      const progress = await this.#client.call('curation.progress', {});
      // Stale against a shift made meanwhile; the next throttled load (every change schedules one) brings the host's counts.
      if (shifts === this.#shifts) this.progress = progress;
    } catch (error) {
      this.#notices.report(error, 'Loading review progress');
    }
  }

  clear(): void {
    this.progress = null;
  }
}
